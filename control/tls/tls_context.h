// OpenSSL contexts as the appliance builds them, for every TLS it speaks
// (the HTTPS API, SIP over TLS): TLS 1.2 and 1.3 only, no compression, no
// renegotiation; a server's certificate chain and key from PEM files, a
// client's trust anchors from a CA file or the system's store.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <string>

#include "common/result.h"

namespace trunkline::tls {

// A server context presenting `cert_file` (PEM chain) with `key_file`. Errors
// name the settings as `cert_key` and `key_key` do ("api.cert_file" ...).
Result<std::unique_ptr<boost::asio::ssl::context>> server_context(const std::string& cert_file,
                                                                  const std::string& key_file,
                                                                  const std::string& cert_key,
                                                                  const std::string& key_key);

// A client context that verifies the server's chain against `ca_file` (PEM),
// or the system's trust store when it is empty.
Result<std::unique_ptr<boost::asio::ssl::context>> client_context(const std::string& ca_file,
                                                                  const std::string& ca_key);

// A client context that also shows `cert_file` (for peers requiring mutual TLS).
Status present_certificate(boost::asio::ssl::context& ctx, const std::string& cert_file,
                           const std::string& key_file, const std::string& cert_key,
                           const std::string& key_key);

// A server context that asks every peer for a certificate, verified against
// `ca_file` (or the system's store): no certificate, no handshake.
Status require_client_certificates(boost::asio::ssl::context& ctx, const std::string& ca_file,
                                   const std::string& ca_key);

}  // namespace trunkline::tls
