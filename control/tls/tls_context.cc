#include "control/tls/tls_context.h"

#include <openssl/ssl.h>

namespace trunkline::tls {

namespace asio = boost::asio;

namespace {

std::unique_ptr<asio::ssl::context> hardened(asio::ssl::context::method method) {
  auto ctx = std::make_unique<asio::ssl::context>(method);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                   asio::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  return ctx;
}

}  // namespace

Result<std::unique_ptr<asio::ssl::context>> server_context(const std::string& cert_file,
                                                           const std::string& key_file,
                                                           const std::string& cert_key,
                                                           const std::string& key_key) {
  auto ctx = hardened(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) return Error{cert_key + " " + cert_file + ": " + ec.message()};
  ctx->use_private_key_file(key_file, asio::ssl::context::pem, ec);
  if (ec) return Error{key_key + " " + key_file + ": " + ec.message()};
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    return Error{key_key + " " + key_file + " does not match " + cert_key + " " + cert_file};
  return ctx;
}

Result<std::unique_ptr<asio::ssl::context>> client_context(const std::string& ca_file,
                                                           const std::string& ca_key) {
  auto ctx = hardened(asio::ssl::context::tls_client);
  boost::system::error_code ec;
  if (ca_file.empty()) {
    ctx->set_default_verify_paths(ec);
    if (ec)
      return Error{ca_key + " is empty and the system trust store cannot be read: " + ec.message()};
  } else {
    ctx->load_verify_file(ca_file, ec);
    if (ec) return Error{ca_key + " " + ca_file + ": " + ec.message()};
  }
  ctx->set_verify_mode(asio::ssl::verify_peer);
  return ctx;
}

}  // namespace trunkline::tls
