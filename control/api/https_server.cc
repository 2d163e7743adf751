#include "control/api/https_server.h"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "common/log.h"
#include "common/thread_name.h"
#include "control/tls/tls_context.h"

namespace trunkline::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kBodyLimit = 1 << 20;
constexpr auto kIdle = std::chrono::seconds(30);

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, asio::ssl::context& ctx, ApiService& api)
      : stream_(std::move(socket), ctx), timer_(stream_.get_executor()), api_(api) {
    boost::system::error_code ec;
    const auto ep = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
    if (!ec) source_ = ep.address().to_string();
  }

  void run() {
    beast::get_lowest_layer(stream_).expires_after(kIdle);
    stream_.async_handshake(asio::ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (!ec) self->read();
                            });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    beast::get_lowest_layer(stream_).expires_after(kIdle);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec == http::error::body_limit) return self->too_large();
                       if (ec) return self->close();
                       self->serve(self->parser_->release());
                     });
  }

  void too_large() {
    Response r = problem(413, "Body too large", "request bodies are limited to 1 MiB", "body");
    send(r, false, 11);
  }

  void serve(http::request<http::string_body> req) {
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    r.content_type = std::string(req[http::field::content_type]);
    r.authorization = std::string(req[http::field::authorization]);
    r.last_event_id = std::string(req["Last-Event-ID"]);
    r.body = std::move(req.body());
    r.source = source_;
    const Response resp = api_.handle(r);
    if (resp.stream) return send_stream(resp, req.version());
    send(resp, req.keep_alive(), req.version());
  }

  template <typename Message>
  void set_headers(Message& res, const Response& r) {
    res.set(http::field::server, "trunkline");
    res.set(http::field::content_type, r.content_type);
    res.set(http::field::cache_control, "no-store");
    res.set("Strict-Transport-Security", "max-age=31536000");
    for (const auto& [k, v] : r.headers) res.set(k, v);
  }

  // A streamed body: the header, then each piece the source yields as one
  // chunk, polling it on a timer when it has nothing; the connection is
  // closed at the end (no keep-alive after a stream). A source that fails
  // ends the connection without the last chunk, so the client sees a
  // truncated transfer rather than a complete-looking body.
  void send_stream(const Response& r, unsigned version) {
    auto res = std::make_shared<http::response<http::empty_body>>(
        static_cast<http::status>(r.status), version);
    set_headers(*res, r);
    res->keep_alive(false);
    res->chunked(true);
    auto sr = std::make_shared<http::response_serializer<http::empty_body>>(*res);
    body_ = r.stream;
    pending_ = r.body;
    beast::get_lowest_layer(stream_).expires_after(kIdle);
    http::async_write_header(
        stream_, *sr, [self = shared_from_this(), res, sr](beast::error_code ec, std::size_t) {
          if (ec) return self->abandon_stream();
          self->pump();
        });
  }

  void pump() {
    BodyPiece p;
    if (!pending_.empty()) {
      p.data = std::move(pending_);
      pending_.clear();
    } else {
      p = body_->next();
    }
    if (p.failed) {
      body_.reset();
      return close();
    }
    if (!p.data.empty()) {
      auto buf = std::make_shared<std::string>(std::move(p.data));
      beast::get_lowest_layer(stream_).expires_after(kIdle);
      asio::async_write(
          stream_, http::make_chunk(asio::buffer(*buf)),
          [self = shared_from_this(), buf, last = p.last](beast::error_code ec, std::size_t) {
            if (ec) return self->abandon_stream();
            if (last) return self->end_stream();
            self->pump();
          });
      return;
    }
    if (p.last) return end_stream();
    timer_.expires_after(std::max(p.retry, std::chrono::milliseconds(1)));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->abandon_stream();
      self->pump();
    });
  }

  void end_stream() {
    body_.reset();
    beast::get_lowest_layer(stream_).expires_after(kIdle);
    asio::async_write(
        stream_, http::make_chunk_last(),
        [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
  }

  void abandon_stream() {
    if (body_) body_->abandon();
    body_.reset();
    close();
  }

  void send(const Response& r, bool keep_alive, unsigned version) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version);
    set_headers(*res, r);
    res->body() = r.body;
    res->keep_alive(keep_alive);
    res->prepare_payload();
    http::async_write(
        stream_, *res,
        [self = shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->close();
          self->read();
        });
  }

  void close() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      boost::system::error_code ignored;
      beast::get_lowest_layer(self->stream_).socket().close(ignored);
    });
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  asio::steady_timer timer_;
  ApiService& api_;
  std::shared_ptr<BodySource> body_;  // while a streamed body is being sent
  std::string pending_;               // its first bytes (Response::body)
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string source_;
};

}  // namespace

struct HttpsServer::Impl {
  Impl() : acceptor(io) {}
  asio::io_context io;
  std::mutex ssl_mu;  // ssl is swapped by reload_certificate() while accepts go on
  std::unique_ptr<asio::ssl::context> ssl;
  // Contexts replaced by a reload: connections made from them may still use
  // callbacks they own, so they are kept (one per reload) rather than freed.
  std::vector<std::unique_ptr<asio::ssl::context>> retired;
  tcp::acceptor acceptor;
  ApiService* api = nullptr;
  std::vector<std::thread> threads;
  bool stopped = false;
  std::uint16_t port = 0;

  void accept() {
    acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        std::shared_ptr<Connection> c;
        {
          std::lock_guard lock(ssl_mu);
          c = std::make_shared<Connection>(std::move(s), *ssl, *api);
        }
        c->run();
      }
      accept();
    });
  }
};

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpsServer::~HttpsServer() { stop(); }

Result<std::unique_ptr<HttpsServer>> HttpsServer::start(const ServerOptions& o, ApiService& api) {
  auto impl = std::make_unique<Impl>();
  impl->api = &api;
  // TLS 1.2 and 1.3 only; no compression, no renegotiation (as for SIP over TLS).
  auto ssl = tls::server_context(o.cert_file, o.key_file, "api.cert_file", "api.key_file");
  if (!ssl) return ssl.error();
  impl->ssl = std::move(*ssl);
  boost::system::error_code ec;

  const auto addr = asio::ip::make_address(o.address, ec);
  if (ec) return Error{"api.listen: " + o.address + ": " + ec.message()};
  const tcp::endpoint ep(addr, o.port);
  impl->acceptor.open(ep.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(ep, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Error{"api.listen " + o.address + ":" + std::to_string(o.port) + ": " + ec.message()};
  impl->port = impl->acceptor.local_endpoint(ec).port();
  impl->accept();
  for (unsigned i = 0; i < std::max(1u, o.threads); ++i)
    impl->threads.emplace_back([io = &impl->io, i] {
      name_this_thread("tl-api", i);
      io->run();
    });
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

void HttpsServer::stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
}

std::uint16_t HttpsServer::port() const { return impl_->port; }

Status HttpsServer::reload_certificate(const std::string& cert_file, const std::string& key_file) {
  auto ssl = tls::server_context(cert_file, key_file, "api.cert_file", "api.key_file");
  if (!ssl) return ssl.error();
  std::lock_guard lock(impl_->ssl_mu);
  impl_->retired.push_back(std::move(impl_->ssl));
  impl_->ssl = std::move(*ssl);
  return Status::Ok();
}

}  // namespace trunkline::api
