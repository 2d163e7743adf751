#include "control/sip/transport/stream_connection.h"

#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "common/log.h"

namespace trunkline::sip {

namespace asio = boost::asio;

StreamConnection::StreamConnection(StreamOwner& owner, std::uint64_t id, Stream s, Peer peer,
                                   const Settings& settings)
    : owner_(owner),
      id_(id),
      stream_(std::move(s)),
      peer_(peer),
      settings_(settings),
      timer_(socket().get_executor()),
      framer_(settings.limits) {}

StreamConnection::Tcp::socket& StreamConnection::socket() {
  if (auto* tls = std::get_if<TlsStream>(&stream_)) return tls->next_layer();
  return std::get<Tcp::socket>(stream_);
}

template <typename F>
void StreamConnection::with_stream(F&& f) {
  std::visit([&](auto& s) { f(s); }, stream_);
}

void StreamConnection::arm_timer(std::uint32_t seconds, const char* reason) {
  timer_.expires_after(std::chrono::seconds(seconds));
  timer_.async_wait([self = shared_from_this(), reason](const boost::system::error_code& ec) {
    if (ec || self->closed_) return;
    if (self->ready_) self->owner_.counters().idle_timeouts.fetch_add(1, std::memory_order_relaxed);
    self->close(reason);
  });
}

void StreamConnection::arm_idle() { arm_timer(settings_.idle_timeout_s, "idle"); }

void StreamConnection::start_accepted() {
  if (std::holds_alternative<TlsStream>(stream_)) {
    arm_timer(settings_.connect_timeout_s, "tls_handshake_timeout");
    handshake(true);
    return;
  }
  ready_ = true;
  arm_idle();
  read();
}

void StreamConnection::start_connect(const Tcp::endpoint& remote, const Tcp::endpoint* local) {
  outbound_ = true;
  boost::system::error_code ec;
  socket().open(remote.protocol(), ec);
  if (!ec && local != nullptr) {
    // The port's address may sit on the exception path's interface only
    // later (or be tentative, IPv6): bind to it anyway.
    const int one = 1;
    if (remote.protocol() == Tcp::v4()) {
      ::setsockopt(socket().native_handle(), IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
    } else {
      ::setsockopt(socket().native_handle(), IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one);
    }
    socket().bind(*local, ec);
  }
  if (ec) {
    owner_.counters().connect_failures.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kWarn, "sip_stream_connect_failed", "conn=%llu to=%s reason=\"%s\"",
           static_cast<unsigned long long>(id_), peer_.to_string().c_str(), ec.message().c_str());
    close("connect_failed");
    return;
  }
  if (auto* tls = std::get_if<TlsStream>(&stream_)) {
    // The trunk is named by address: its certificate must carry that address.
    X509_VERIFY_PARAM* param = SSL_get0_param(tls->native_handle());
    X509_VERIFY_PARAM_set1_ip_asc(param, remote.address().to_string().c_str());
    tls->set_verify_mode(asio::ssl::verify_peer);
  }
  arm_timer(settings_.connect_timeout_s, "connect_timeout");
  socket().async_connect(remote, [self = shared_from_this()](const boost::system::error_code& e) {
    if (self->closed_) return;
    if (e) {
      self->owner_.counters().connect_failures.fetch_add(1, std::memory_order_relaxed);
      TL_LOG(kWarn, "sip_stream_connect_failed", "conn=%llu to=%s reason=\"%s\"",
             static_cast<unsigned long long>(self->id_), self->peer_.to_string().c_str(),
             e.message().c_str());
      self->close("connect_failed");
      return;
    }
    if (std::holds_alternative<TlsStream>(self->stream_)) {
      self->handshake(false);
      return;
    }
    self->owner_.counters().connections_opened.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kInfo, "sip_stream_connected", "conn=%llu to=%s transport=TCP",
           static_cast<unsigned long long>(self->id_), self->peer_.to_string().c_str());
    self->ready_ = true;
    self->arm_idle();
    self->read();
    self->flush();
  });
}

void StreamConnection::handshake(bool server) {
  auto& tls = std::get<TlsStream>(stream_);
  tls.async_handshake(
      server ? TlsStream::server : TlsStream::client,
      [self = shared_from_this(), server](const boost::system::error_code& e) {
        if (self->closed_) return;
        if (e) {
          self->owner_.counters().tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
          TL_LOG(kWarn, "sip_tls_handshake_failed", "conn=%llu peer=%s side=%s reason=\"%s\"",
                 static_cast<unsigned long long>(self->id_), self->peer_.to_string().c_str(),
                 server ? "server" : "client", e.message().c_str());
          self->close("tls_handshake_failed");
          return;
        }
        if (!server) {
          self->owner_.counters().connections_opened.fetch_add(1, std::memory_order_relaxed);
          TL_LOG(kInfo, "sip_stream_connected", "conn=%llu to=%s transport=TLS",
                 static_cast<unsigned long long>(self->id_), self->peer_.to_string().c_str());
        }
        self->ready_ = true;
        self->arm_idle();
        self->read();
        self->flush();
      });
}

void StreamConnection::read() {
  with_stream([this](auto& s) {
    s.async_read_some(
        asio::buffer(read_buf_),
        [self = shared_from_this()](const boost::system::error_code& e, std::size_t n) {
          if (self->closed_) return;
          if (e) {
            self->close(e == asio::error::eof ? "peer_closed" : "read_error");
            return;
          }
          self->arm_idle();
          self->framer_.feed(std::string_view(self->read_buf_.data(), n));
          self->drain_frames();
          if (!self->closed_ && !self->closing_) self->read();
        });
  });
}

void StreamConnection::drain_frames() {
  for (;;) {
    switch (framer_.next()) {
      case StreamFramer::Event::kNeedMore:
        return;
      case StreamFramer::Event::kMessage:
        owner_.on_message(*this, framer_.message());
        if (closed_) return;
        break;
      case StreamFramer::Event::kPing:
        owner_.counters().keepalive_pings.fetch_add(1, std::memory_order_relaxed);
        write("\r\n");
        break;
      case StreamFramer::Event::kError:
        owner_.on_frame_error(*this, framer_.error(), framer_.head());
        close_after_writes();
        return;
    }
  }
}

void StreamConnection::write(std::string bytes) {
  if (closed_ || closing_) return;
  if (backlog_bytes_ + bytes.size() > settings_.max_backlog_bytes) {
    owner_.counters().write_failures.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kWarn, "sip_stream_backlog_full", "conn=%llu peer=%s backlog_bytes=%zu",
           static_cast<unsigned long long>(id_), peer_.to_string().c_str(), backlog_bytes_);
    close("backlog_full");
    return;
  }
  backlog_bytes_ += bytes.size();
  backlog_.push_back(std::move(bytes));
  flush();
}

void StreamConnection::flush() {
  if (!ready_ || writing_ || closed_) return;
  if (backlog_.empty()) {
    if (closing_) close("framing_error");
    return;
  }
  writing_ = true;
  with_stream([this](auto& s) {
    asio::async_write(
        s, asio::buffer(backlog_.front()),
        [self = shared_from_this()](const boost::system::error_code& e, std::size_t) {
          self->writing_ = false;
          if (self->closed_) return;
          if (e) {
            self->owner_.counters().write_failures.fetch_add(1, std::memory_order_relaxed);
            TL_LOG(kWarn, "sip_stream_write_failed", "conn=%llu peer=%s reason=\"%s\"",
                   static_cast<unsigned long long>(self->id_), self->peer_.to_string().c_str(),
                   e.message().c_str());
            self->close("write_error");
            return;
          }
          self->backlog_bytes_ -= self->backlog_.front().size();
          self->backlog_.pop_front();
          self->flush();
        });
  });
}

void StreamConnection::close_after_writes() {
  if (closed_) return;
  closing_ = true;
  if (!ready_) {
    close("framing_error");
    return;
  }
  flush();
}

void StreamConnection::close(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  timer_.cancel();
  socket().shutdown(Tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
  backlog_.clear();
  backlog_bytes_ = 0;
  owner_.on_closed(*this, reason);
}

}  // namespace trunkline::sip
