#include "control/api/user_command.h"

#include <cstdio>
#include <string>

#include "control/api/account_repository.h"
#include "control/api/initial_password.h"
#include "control/audit/audit_log.h"
#include "control/config/config.h"

namespace trunkline::api {
namespace {

int fail(const std::string& message) {
  std::fprintf(stderr, "trunkline user add: %s\nusage: trunkline user add %s\n", message.c_str(),
               kUserAddUsage);
  return 2;
}

}  // namespace

int user_add_command(int argc, char** argv) {
  std::string config_path, store_path, tenant_text, name, role_text;
  bool system = false;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    bool ok = true;
    if (a == "--config")
      ok = value(&config_path);
    else if (a == "--store")
      ok = value(&store_path);
    else if (a == "--tenant")
      ok = value(&tenant_text);
    else if (a == "--name")
      ok = value(&name);
    else if (a == "--role")
      ok = value(&role_text);
    else if (a == "--system")
      system = true;
    else
      return fail("unknown argument '" + a + "'");
    if (!ok) return fail(a + " needs a value");
  }
  if (config_path.empty() == store_path.empty()) return fail("give one of --config or --store");
  if (system == !tenant_text.empty()) return fail("give one of --tenant or --system");
  if (name.empty()) return fail("--name is required");
  auto role = auth::parse_role(role_text);
  if (!role) return fail("--role: " + role.error().message);
  if (system != (*role == auth::Role::kSystemAdmin))
    return fail(system ? "--system accounts are system_admin"
                       : "a tenant's user cannot be system_admin");
  if (!config_path.empty()) {
    auto cfg = config::load_file(config_path);
    if (!cfg) return fail(cfg.error().message);
    store_path = cfg->store_path;
  }
  auto st = store::SqliteStore::open(store_path);
  if (!st) return fail(st.error().message);
  Scope scope;
  if (!system) {
    auto t = (*st)->tenant_by_name(tenant_text);
    if (!t) return fail(t.error().message);
    if (*t) {
      scope = (*t)->id;
    } else {
      char* end = nullptr;
      const long long id = std::strtoll(tenant_text.c_str(), &end, 10);
      auto list = (*st)->tenants();
      if (!list) return fail(list.error().message);
      for (const auto& x : *list)
        if (*end == '\0' && x.id == id) scope = x.id;
      if (!scope) return fail("no tenant '" + tenant_text + "'");
    }
  }
  AccountRepository repo(**st);
  auto policy = repo.policy(scope);
  if (!policy) return fail(policy.error().message);
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string password = initial_password(*policy, *role);
  auto acc = auth::Account::create({name, *role, scope}, password, *policy, now);
  if (!acc) return fail(acc.error().message);
  audit::AuditLog log(**st);
  Status s = (*st)->transaction([&]() -> Status {
    if (Status i = repo.insert(acc->record()); !i) return i;
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    return log.record(now_ms, scope, {"cli", "operator", "cli"}, "users.create",
                      "user " + name + " role " + role_text, "ok");
  });
  if (!s) return fail(s.error().message);
  std::printf(
      "user %s (%s%s) added\ninitial password (shown once; must be changed at first login): %s\n",
      name.c_str(), role_text.c_str(), scope ? (", tenant " + std::to_string(*scope)).c_str() : "",
      password.c_str());
  return 0;
}

}  // namespace trunkline::api
