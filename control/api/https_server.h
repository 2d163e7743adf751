// The HTTPS transport of the control API: Boost.Beast over OpenSSL, TLS 1.2
// and later only (no plain HTTP port at all), on its own io_context and
// threads, never on the dataplane's cores. Each request is read (at most
// 1 MiB of body), handed to ApiService::handle() on the connection's
// thread, and answered; connections are kept alive, and one idle for 30 s
// is closed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "control/api/api_service.h"

namespace trunkline::api {

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8443;  // 0: any free port (tests)
  std::string cert_file;
  std::string key_file;
  unsigned threads = 2;
};

class HttpsServer {
 public:
  // Loads the certificate and key and listens; errors name the file or
  // address at fault. `api` must outlive the server.
  static Result<std::unique_ptr<HttpsServer>> start(const ServerOptions& options, ApiService& api);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Stops accepting, closes connections, joins the threads. Idempotent.
  void stop();
  std::uint16_t port() const;

  // Re-reads the certificate and key (SIGHUP): new connections present
  // them, open ones keep theirs. On an error, naming the file, nothing changes.
  Status reload_certificate(const std::string& cert_file, const std::string& key_file);

  struct Impl;

 private:
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace trunkline::api
