#include "nas/nas_cli.h"

#include <cstdio>
#include <cstdlib>

namespace trunkline::nas {

bool NasArgs::take(int argc, char** argv, int* i, std::string* error) {
  const std::string a = argv[*i];
  if (a == "--json") {
    json = true;
    return true;
  }
  std::string* slot = a == "--config"       ? &config_path
                      : a == "--keys"       ? &key_dir
                      : a == "--master-key" ? &master_key
                      : a == "--actor"      ? &actor
                      : a == "--tenant"     ? &tenant
                                            : nullptr;
  if (slot == nullptr) return false;
  if (*i + 1 >= argc || argv[*i + 1][0] == '\0') {
    *error = a + " needs a value";
    return true;
  }
  *slot = argv[++*i];
  return true;
}

Result<std::unique_ptr<NasContext>> NasContext::open(const NasArgs& args) {
  auto ctx = std::make_unique<NasContext>();
  auto c = config::load_file(args.config_path);
  if (!c) return c.error();
  ctx->config = std::move(*c);
  if (ctx->config.nas.mirrors.empty()) {
    return Error{args.config_path + ": [nas] mirrors is not set; there is no NAS to work on"};
  }
  auto st = store::SqliteStore::open(ctx->config.store_path);
  if (!st) return st.error();
  ctx->store = std::move(*st);
  ctx->index = std::make_unique<store::RecordingIndex>(*ctx->store);
  auto m = MirrorSet::open(ctx->config.nas.mirrors);
  if (!m) return m.error();
  ctx->mirrors = std::move(*m);
  ctx->replicator =
      std::make_unique<Replicator>(*ctx->mirrors, *ctx->index, ctx->config.spool_dir, ctx->clock,
                                   static_cast<std::int64_t>(ctx->config.nas.write_deadline_ms));
  ctx->audit = std::make_unique<audit::AuditLog>(*ctx->store);
  std::string who = args.actor;
  for (const char* env : {"SUDO_USER", "USER"}) {
    if (who.empty() && std::getenv(env) != nullptr) who = std::getenv(env);
  }
  ctx->actor = {who.empty() ? "unknown" : who, "operator", "cli"};
  return ctx;
}

Result<std::unique_ptr<recorder::FileKeyProvider>> NasContext::keys(const NasArgs& args) const {
  // --keys, then $TRUNKLINE_KEY_DIR, then [recorder] key_dir (which has a default).
  std::string dir = args.key_dir;
  if (dir.empty() && std::getenv(recorder::kKeyDirEnv) != nullptr)
    dir = std::getenv(recorder::kKeyDirEnv);
  if (dir.empty()) dir = config.recorder.key_dir;
  std::string master = args.master_key;
  if (master.empty() && std::getenv(recorder::kMasterKeyFileEnv) == nullptr)
    master = config.recorder.master_key_file;
  return recorder::FileKeyProvider::open(dir, master);
}

Result<store::TenantId> NasContext::resolve_tenant(const std::string& text) {
  if (text.empty()) return Error{"--tenant is required"};
  auto by_name = store->tenant_by_name(text);
  if (!by_name) return by_name.error();
  if (*by_name) return (*by_name)->id;
  if (text.find_first_not_of("0123456789") == std::string::npos && text.size() < 18) {
    const store::TenantId id = std::stoll(text);
    if (auto t = store->tenant(id); t) return id;
  }
  return Error{"unknown tenant '" + text + "'"};
}

RetentionPolicy NasContext::retention_policy() const {
  return {static_cast<std::int64_t>(config.nas.retention_default_days),
          static_cast<std::int64_t>(config.nas.termination_grace_days)};
}

Status NasContext::record(std::optional<store::TenantId> tenant, const std::string& action,
                          const std::string& target, const std::string& result) {
  return audit->record(clock(), tenant, {actor.name, actor.role, actor.source}, action, target,
                       result);
}

Result<NasArgs> parse_shared_options(int argc, char** argv) {
  NasArgs args;
  std::string error;
  for (int i = 0; i < argc && error.empty(); ++i) {
    if (!args.take(argc, argv, &i, &error))
      error = "unknown argument '" + std::string(argv[i]) + "'";
  }
  if (!error.empty()) return Error{error};
  return args;
}

int fail(const char* verb, const std::string& message, int code) {
  std::fprintf(stderr, "trunkline %s: %s\n", verb, message.c_str());
  return code;
}

}  // namespace trunkline::nas
