// The control API in the daemon: the ApiService and its HTTPS server on
// their own threads, started after the store and stopped before it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "control/acd/agent_desk.h"
#include "control/config/config.h"
#include "control/store/sqlite_store.h"

namespace trunkline::auth {
class SecretSeal;
}  // namespace trunkline::auth

namespace trunkline::api {
class ApiService;
class HttpsServer;
}  // namespace trunkline::api

namespace trunkline::app {

struct ApiHooks {
  acd::AgentDesk* desk = nullptr;          // null: the desk endpoints answer 503
  std::function<std::string()> metrics;    // Prometheus text of `trunkline stats`
  std::function<Status()> reload;          // what SIGHUP does
  std::function<std::string()> readiness;  // {"plane":true|false,...}
};

class ComplianceVault;

class ApiPlane {
 public:
  // Null when [api] is not enabled. Compliance retrieval uses the
  // [recorder] keys and [nas] mirrors of `c`.
  static Result<std::unique_ptr<ApiPlane>> start(const config::Config& c, store::SqliteStore& store,
                                                 ApiHooks hooks);
  ~ApiPlane();
  void stop();
  // SIGHUP: the HTTPS certificate and key of `c`'s [api], for new connections.
  Status reload_certificate(const config::ApiConfig& c);

 private:
  ApiPlane();
  // Declared first: destroyed after the server, whose streams reach it.
  std::unique_ptr<ComplianceVault> vault_;
  std::unique_ptr<auth::SecretSeal> seal_;  // null: no master key, secrets unsealed
  std::unique_ptr<api::ApiService> service_;
  std::unique_ptr<api::HttpsServer> server_;
};

}  // namespace trunkline::app
