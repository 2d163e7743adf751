// The retention verbs: legal holds, erasure, retention periods, tenant
// termination, and one sweep on demand. Each writes an audit entry.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "nas/nas_cli.h"
#include "nas/nas_commands.h"
#include "nas/retention/retention_sweeper.h"

namespace trunkline::nas {

namespace {

// NasArgs, plus positional IDs and the flags in `flags` (with a value) or
// `switches` (without).
struct Parsed {
  NasArgs args;
  std::vector<std::string> ids;
  std::map<std::string, std::string> values;
  std::string error;
};

Parsed parse(int argc, char** argv, std::initializer_list<const char*> flags,
             std::initializer_list<const char*> switches = {}) {
  Parsed p;
  for (int i = 0; i < argc && p.error.empty(); ++i) {
    if (p.args.take(argc, argv, &i, &p.error)) continue;
    const std::string a = argv[i];
    bool known = false;
    for (const char* s : switches) {
      if (a == s) {
        p.values[a] = "1";
        known = true;
      }
    }
    for (const char* f : flags) {
      if (a == f) {
        if (i + 1 >= argc) {
          p.error = a + " needs a value";
        } else {
          p.values[a] = argv[++i];
        }
        known = true;
      }
    }
    if (known) continue;
    if (a.rfind("--", 0) == 0) {
      p.error = "unknown argument '" + a + "'";
    } else {
      p.ids.push_back(a);
    }
  }
  if (p.error.empty() && p.args.tenant.empty()) p.error = "--tenant is required";
  return p;
}

int set_hold(int argc, char** argv, bool hold) {
  const char* verb = hold ? "recordings hold" : "recordings release";
  Parsed p = parse(argc, argv, {});
  if (p.error.empty() && p.ids.size() > 1) p.error = "at most one recording ID";
  if (!p.error.empty()) {
    return fail(verb, p.error + "\nusage: trunkline " + verb + " " + kRecordingsHoldUsage, 2);
  }
  auto ctx = NasContext::open(p.args);
  if (!ctx) return fail(verb, ctx.error().message, 2);
  auto tenant = (*ctx)->resolve_tenant(p.args.tenant);
  if (!tenant) return fail(verb, tenant.error().message, 2);
  const std::string action = hold ? "recordings.hold" : "recordings.release";
  const std::string target = p.ids.empty() ? "tenant " + std::to_string(*tenant) : p.ids.front();
  Status s = p.ids.empty() ? (*ctx)->index->set_tenant_hold(*tenant, hold)
                           : (*ctx)->index->set_legal_hold(*tenant, p.ids.front(), hold);
  if (Status a = (*ctx)->record(*tenant, action, target, s ? "ok" : "failed: " + s.error().message);
      !a) {
    return fail(verb, "cannot write the audit log: " + a.error().message, 2);
  }
  if (!s) return fail(verb, s.error().message, 1);
  std::printf("%s: legal hold %s\n", target.c_str(), hold ? "on" : "released");
  return 0;
}

}  // namespace

int recordings_hold_command(int argc, char** argv) { return set_hold(argc, argv, true); }
int recordings_release_command(int argc, char** argv) { return set_hold(argc, argv, false); }

int recordings_erase_command(int argc, char** argv) {
  const char* verb = "recordings erase";
  Parsed p = parse(argc, argv, {});
  if (p.error.empty() && p.ids.empty()) p.error = "name at least one recording ID";
  if (!p.error.empty()) {
    return fail(verb, p.error + "\nusage: trunkline recordings erase " + kRecordingsEraseUsage, 2);
  }
  auto ctx = NasContext::open(p.args);
  if (!ctx) return fail(verb, ctx.error().message, 2);
  auto tenant = (*ctx)->resolve_tenant(p.args.tenant);
  if (!tenant) return fail(verb, tenant.error().message, 2);
  RetentionSweeper sweeper(*(*ctx)->replicator, *(*ctx)->audit, (*ctx)->retention_policy(),
                           (*ctx)->clock);
  int code = 0;
  for (const std::string& id : p.ids) {
    if (Status s = sweeper.erase(*tenant, id, (*ctx)->actor); !s) {
      std::fprintf(stderr, "trunkline %s: %s\n", verb, s.error().message.c_str());
      code = 1;
    } else {
      std::printf("%s: erased\n", id.c_str());
    }
  }
  return code;
}

int recordings_retention_command(int argc, char** argv) {
  const char* verb = "recordings retention";
  Parsed p = parse(argc, argv, {"--days"});
  if (p.error.empty() && !p.ids.empty()) p.error = "unexpected argument '" + p.ids.front() + "'";
  if (p.error.empty() && p.values.count("--days") == 0) p.error = "--days is required";
  std::optional<std::int64_t> days;
  if (p.error.empty() && p.values["--days"] != "default") {
    const std::string& v = p.values["--days"];
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < 1 || n > 36500) {
      p.error = "--days: expected 1..36500 or 'default'";
    } else {
      days = n;
    }
  }
  if (!p.error.empty()) {
    return fail(
        verb, p.error + "\nusage: trunkline recordings retention " + kRecordingsRetentionUsage, 2);
  }
  auto ctx = NasContext::open(p.args);
  if (!ctx) return fail(verb, ctx.error().message, 2);
  auto tenant = (*ctx)->resolve_tenant(p.args.tenant);
  if (!tenant) return fail(verb, tenant.error().message, 2);
  Status s = (*ctx)->index->set_retention_days(*tenant, days);
  (void)(*ctx)->record(*tenant, "recordings.retention", days ? std::to_string(*days) : "default",
                       s ? "ok" : "failed: " + s.error().message);
  if (!s) return fail(verb, s.error().message, 1);
  std::printf("tenant %lld: retention %s\n", static_cast<long long>(*tenant),
              days ? (std::to_string(*days) + " days").c_str() : "default");
  return 0;
}

int tenant_terminate_command(int argc, char** argv) {
  const char* verb = "tenant terminate";
  Parsed p = parse(argc, argv, {}, {"--confirm"});
  if (p.error.empty() && !p.ids.empty()) p.error = "unexpected argument '" + p.ids.front() + "'";
  if (p.error.empty() && p.values.count("--confirm") == 0) {
    p.error = "this destroys the tenant's key and every recording with it: add --confirm";
  }
  if (!p.error.empty()) {
    return fail(verb, p.error + "\nusage: trunkline tenant terminate " + kTenantTerminateUsage, 2);
  }
  auto ctx = NasContext::open(p.args);
  if (!ctx) return fail(verb, ctx.error().message, 2);
  auto tenant = (*ctx)->resolve_tenant(p.args.tenant);
  if (!tenant) return fail(verb, tenant.error().message, 2);
  auto keys = (*ctx)->keys(p.args);
  if (!keys) return fail(verb, keys.error().message, 2);
  RetentionSweeper sweeper(*(*ctx)->replicator, *(*ctx)->audit, (*ctx)->retention_policy(),
                           (*ctx)->clock);
  if (Status s = sweeper.terminate_tenant(*tenant, **keys, (*ctx)->actor); !s) {
    return fail(verb, s.error().message, 1);
  }
  std::printf("tenant %lld terminated: key destroyed; files removed after %u days\n",
              static_cast<long long>(*tenant), (*ctx)->config.nas.termination_grace_days);
  return 0;
}

int nas_sweep_command(int argc, char** argv) {
  const char* verb = "nas sweep";
  auto parsed = parse_shared_options(argc, argv);
  if (!parsed)
    return fail(verb, parsed.error().message + "\nusage: trunkline nas sweep " + kNasSweepUsage, 2);
  const NasArgs& args = *parsed;
  auto ctx = NasContext::open(args);
  if (!ctx) return fail(verb, ctx.error().message, 2);
  RetentionSweeper sweeper(*(*ctx)->replicator, *(*ctx)->audit, (*ctx)->retention_policy(),
                           (*ctx)->clock);
  auto r = sweeper.sweep();
  if (!r) return fail(verb, r.error().message, 2);
  std::printf(
      args.json ? "{\"examined\":%llu,\"expired\":%llu,\"purged\":%llu,\"finished\":%llu,"
                  "\"held\":%llu,\"incomplete\":%llu}\n"
                : "sweep: %llu examined, %llu expired, %llu purged (terminated), %llu "
                  "finished, %llu held, %llu incomplete (mirror down)\n",
      static_cast<unsigned long long>(r->examined), static_cast<unsigned long long>(r->expired),
      static_cast<unsigned long long>(r->purged), static_cast<unsigned long long>(r->finished),
      static_cast<unsigned long long>(r->held), static_cast<unsigned long long>(r->incomplete));
  return r->incomplete == 0 ? 0 : 1;
}

}  // namespace trunkline::nas
