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

Status present_certificate(asio::ssl::context& ctx, const std::string& cert_file,
                           const std::string& key_file, const std::string& cert_key,
                           const std::string& key_key) {
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(cert_file, ec);
  if (ec) return Error{cert_key + " " + cert_file + ": " + ec.message()};
  ctx.use_private_key_file(key_file, asio::ssl::context::pem, ec);
  if (ec) return Error{key_key + " " + key_file + ": " + ec.message()};
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    return Error{key_key + " " + key_file + " does not match " + cert_key + " " + cert_file};
  return Status::Ok();
}

Result<std::unique_ptr<asio::ssl::context>> server_context(const std::string& cert_file,
                                                           const std::string& key_file,
                                                           const std::string& cert_key,
                                                           const std::string& key_key) {
  auto ctx = hardened(asio::ssl::context::tls_server);
  if (Status s = present_certificate(*ctx, cert_file, key_file, cert_key, key_key); !s)
    return s.error();
  return ctx;
}

namespace {

// Trust anchors from `ca_file`, or the system's store when it is empty.
Status trust(asio::ssl::context& ctx, const std::string& ca_file, const std::string& ca_key) {
  boost::system::error_code ec;
  if (ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec)
      return Error{ca_key + " is empty and the system trust store cannot be read: " + ec.message()};
  } else {
    ctx.load_verify_file(ca_file, ec);
    if (ec) return Error{ca_key + " " + ca_file + ": " + ec.message()};
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<asio::ssl::context>> client_context(const std::string& ca_file,
                                                           const std::string& ca_key) {
  auto ctx = hardened(asio::ssl::context::tls_client);
  if (Status s = trust(*ctx, ca_file, ca_key); !s) return s.error();
  ctx->set_verify_mode(asio::ssl::verify_peer);
  return ctx;
}

Status require_client_certificates(asio::ssl::context& ctx, const std::string& ca_file,
                                   const std::string& ca_key) {
  if (Status s = trust(ctx, ca_file, ca_key); !s) return s;
  // The issuers named in our CertificateRequest, so a client picks the right one.
  if (!ca_file.empty())
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(ca_file.c_str()))
      SSL_CTX_set_client_CA_list(ctx.native_handle(), names);
  ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  return Status::Ok();
}

}  // namespace trunkline::tls
