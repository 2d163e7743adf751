#include "control/app/api_plane.h"

#include "common/log.h"
#include "control/api/api_service.h"
#include "control/api/https_server.h"
#include "control/app/compliance_vault.h"
#include "control/auth/secret_seal.h"
#include "recorder/crypto/file_key_provider.h"

namespace trunkline::app {

ApiPlane::ApiPlane() = default;

Result<std::unique_ptr<ApiPlane>> ApiPlane::start(const config::Config& config,
                                                  store::SqliteStore& store, ApiHooks hooks) {
  const config::ApiConfig& c = config.api;
  if (!c.enabled) return std::unique_ptr<ApiPlane>();
  auto vault = ComplianceVault::open(config, store);
  if (!vault) return vault.error();
  api::ApiDeps deps;
  deps.store = &store;
  deps.desk = hooks.desk;
  deps.metrics = std::move(hooks.metrics);
  deps.reload = std::move(hooks.reload);
  deps.readiness = std::move(hooks.readiness);
  deps.sessions.idle_timeout = std::chrono::seconds(c.session_idle_s);
  deps.sessions.absolute_timeout = std::chrono::seconds(c.session_absolute_s);
  deps.sessions.max_per_user = c.sessions_per_user;
  deps.vault = vault->get();
  std::unique_ptr<ApiPlane> plane(new ApiPlane());
  plane->vault_ = std::move(*vault);
  // Second-factor secrets are sealed under the appliance master key. An
  // appliance without one (no recording configured yet) still serves the
  // API, with the secrets in the clear, and says so.
  if (auto master = recorder::FileKeyProvider::read_master_key(config.recorder.master_key_file)) {
    auto seal = auth::SecretSeal::derive(master->bytes());
    if (!seal) return seal.error();
    plane->seal_ = std::make_unique<auth::SecretSeal>(*seal);
    deps.seal = plane->seal_.get();
  } else {
    TL_LOG(kWarn, "api_secrets_unsealed",
           "reason=\"%s\" effect=\"TOTP secrets are stored unencrypted until a master key "
           "exists and the daemon restarts\"",
           master.error().message.c_str());
  }
  plane->service_ = std::make_unique<api::ApiService>(std::move(deps));
  api::ServerOptions o;
  o.address = c.listen_address;
  o.port = c.listen_port;
  o.cert_file = c.cert_file;
  o.key_file = c.key_file;
  o.threads = c.threads;
  auto server = api::HttpsServer::start(o, *plane->service_);
  if (!server) return server.error();
  plane->server_ = std::move(*server);
  TL_LOG(kInfo, "api_listening", "address=%s port=%u threads=%u", c.listen_address.c_str(),
         static_cast<unsigned>(plane->server_->port()), c.threads);
  return plane;
}

ApiPlane::~ApiPlane() { stop(); }

void ApiPlane::stop() {
  if (server_) server_->stop();
}

Status ApiPlane::reload_certificate(const config::ApiConfig& c) {
  if (!server_) return Status::Ok();
  if (Status s = server_->reload_certificate(c.cert_file, c.key_file); !s) return s;
  TL_LOG(kInfo, "api_tls_reloaded", "cert_file=%s", c.cert_file.c_str());
  return Status::Ok();
}

}  // namespace trunkline::app
