// One TCP or TLS connection of the stream transport: reads through a
// StreamFramer, writes in order from a bounded backlog, closes when idle.
// Lives on the stream transport's thread only (no locking); its owner is
// told of each message and of its end.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "control/sip/transaction/peer.h"
#include "control/sip/transport/stream_framer.h"
#include "control/sip/transport/stream_transport.h"

namespace trunkline::sip {

class StreamConnection;

class StreamOwner {
 public:
  virtual ~StreamOwner() = default;
  virtual void on_message(StreamConnection& c, std::string_view bytes) = 0;
  // A framing error: the connection answers what it can and closes.
  virtual void on_frame_error(StreamConnection& c, FrameError e, std::string_view head) = 0;
  virtual void on_closed(StreamConnection& c, std::string_view reason) = 0;
  virtual StreamTransport::Counters& counters() = 0;
};

class StreamConnection : public std::enable_shared_from_this<StreamConnection> {
 public:
  using Tcp = boost::asio::ip::tcp;
  using TlsStream = boost::asio::ssl::stream<Tcp::socket>;

  struct Settings {
    std::uint32_t idle_timeout_s = 300;
    std::uint32_t connect_timeout_s = 10;
    FramerLimits limits;
    std::size_t max_backlog_bytes = 1 << 20;  // unwritten bytes before the peer counts as stuck
  };

  using Stream = std::variant<Tcp::socket, TlsStream>;

  // An accepted socket (TCP), or one wrapped in TLS.
  StreamConnection(StreamOwner& owner, std::uint64_t id, Stream s, Peer peer,
                   const Settings& settings);

  // Accepted: handshake (TLS), then read.
  void start_accepted();
  // Ours: connect to `remote` from `local` (if set), handshake (TLS,
  // verifying the peer's certificate names `remote`'s address), then read
  // and write what was queued meanwhile.
  void start_connect(const Tcp::endpoint& remote, const Tcp::endpoint* local);

  // Queues bytes; written in order once the connection is up.
  void write(std::string bytes);
  // Writes what is queued, then closes (after a framing error's 400).
  void close_after_writes();
  void close(std::string_view reason);

  std::uint64_t id() const { return id_; }
  const Peer& peer() const { return peer_; }
  bool outbound() const { return outbound_; }
  bool is_open() const { return !closed_; }

 private:
  Tcp::socket& socket();
  template <typename F>
  void with_stream(F&& f);
  void handshake(bool server);
  void read();
  void drain_frames();
  void flush();
  void arm_idle();
  void arm_timer(std::uint32_t seconds, const char* reason);

  StreamOwner& owner_;
  std::uint64_t id_;
  Stream stream_;
  Peer peer_;
  Settings settings_;
  boost::asio::steady_timer timer_;
  StreamFramer framer_;
  std::array<char, 8192> read_buf_{};
  std::deque<std::string> backlog_;
  std::size_t backlog_bytes_ = 0;
  bool ready_ = false;  // connected and (TLS) handshaken
  bool writing_ = false;
  bool closing_ = false;  // close once the backlog is written
  bool closed_ = false;
  bool outbound_ = false;
};

}  // namespace trunkline::sip
