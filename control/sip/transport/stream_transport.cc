#include "control/sip/transport/stream_transport.h"

#include <netinet/in.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstring>
#include <thread>
#include <unordered_map>

#include "common/log.h"
#include "control/sip/preparse.h"
#include "control/sip/refusal.h"
#include "control/sip/transport/response_target.h"
#include "control/sip/transport/stream_connection.h"
#include "control/tls/tls_context.h"
#include "dataplane/sip/overload_reply.h"

namespace trunkline::sip {

namespace asio = boost::asio;
using Tcp = asio::ip::tcp;

namespace {

net::IpKey key_of(const asio::ip::address& a) {
  if (a.is_v4()) {
    net::Ip4 v4;
    const auto b = a.to_v4().to_bytes();
    std::memcpy(&v4.be, b.data(), 4);
    return net::IpKey::of(v4);
  }
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return key_of(asio::ip::make_address_v4(asio::ip::v4_mapped, v6));
  net::Ip6 ip;
  const auto b = v6.to_bytes();
  std::memcpy(ip.b.data(), b.data(), 16);
  return net::IpKey::of(ip);
}

asio::ip::address address_of(const net::IpKey& k) {
  if (k.is_v4()) {
    asio::ip::address_v4::bytes_type b;
    std::memcpy(b.data(), &k.b[12], 4);
    return asio::ip::address_v4(b);
  }
  asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), k.b.data(), 16);
  return asio::ip::address_v6(b);
}

bool is_unspecified(const net::IpKey& k) {
  return k.is_v4() ? (k.b[12] | k.b[13] | k.b[14] | k.b[15]) == 0 : k == net::IpKey{};
}

// The connection a stream peer is reached on when it names none.
std::string remote_key(TransportKind kind, const net::IpKey& ip, std::uint16_t port) {
  std::string k(reinterpret_cast<const char*>(ip.b.data()), ip.b.size());
  k += static_cast<char>(kind);
  k += static_cast<char>(port >> 8);
  k += static_cast<char>(port & 0xff);
  return k;
}

struct Queued {
  Peer peer;
  std::string bytes;
};
using Queue = boost::lockfree::spsc_queue<Queued*>;

struct ShardQueues {
  explicit ShardQueues(std::uint32_t depth) : up(depth), down(depth) {}
  ~ShardQueues() {
    Queued* q;
    while (up.pop(q)) delete q;
    while (down.pop(q)) delete q;
  }
  Queue up;    // stream thread → shard
  Queue down;  // shard → stream thread
};

using TlsContexts =
    std::pair<std::unique_ptr<asio::ssl::context>, std::unique_ptr<asio::ssl::context>>;

// The server context and the client one (trunks' anchors). Both present our
// certificate: trunks that require mutual TLS get it when we connect.
Result<TlsContexts> tls_contexts(const TlsFiles& f) {
  auto server = tls::server_context(f.certificate, f.private_key, "sip.tls_certificate",
                                    "sip.tls_private_key");
  if (!server) return server.error();
  if (f.verify_clients)
    if (Status s = tls::require_client_certificates(**server, f.ca_file, "sip.tls_ca_file"); !s)
      return s.error();
  auto client = tls::client_context(f.ca_file, "sip.tls_ca_file");
  if (!client) return client.error();
  if (Status s = tls::present_certificate(**client, f.certificate, f.private_key,
                                          "sip.tls_certificate", "sip.tls_private_key");
      !s)
    return s.error();
  return TlsContexts{std::move(*server), std::move(*client)};
}

struct Listener {
  Tcp::acceptor acceptor;
  TransportKind kind;
  net::IpKey local;
  std::uint16_t port;
};

}  // namespace

class StreamTransport::Impl final : public StreamOwner {
 public:
  explicit Impl(const StreamOptions& o) : options_(o) {
    settings_.idle_timeout_s = o.idle_timeout_s;
    settings_.connect_timeout_s = o.connect_timeout_s;
    settings_.limits = o.limits;
    for (unsigned s = 0; s < o.shards; ++s)
      queues_.push_back(std::make_unique<ShardQueues>(o.queue_depth));
  }

  Status open() {
    if (options_.tls_port != 0) {
      auto contexts = tls_contexts(options_.tls);
      if (!contexts) return contexts.error();
      tls_server_ = std::move(contexts->first);
      tls_client_ = std::move(contexts->second);
    }
    for (const net::IpKey& a : options_.addresses) {
      if (options_.tcp_port != 0)
        if (Status s = listen(a, options_.tcp_port, TransportKind::kTcp); !s) return s;
      if (options_.tls_port != 0)
        if (Status s = listen(a, options_.tls_port, TransportKind::kTls); !s) return s;
    }
    for (Listener& l : listeners_) accept(l);
    return Status::Ok();
  }

  void run() {
    thread_ = std::thread([this] {
      auto guard = asio::make_work_guard(io_);
      io_.run();
    });
  }

  void stop() {
    if (!thread_.joinable()) return;
    asio::post(io_, [this] {
      for (Listener& l : listeners_) {
        boost::system::error_code ignored;
        l.acceptor.close(ignored);
      }
      auto all = conns_;  // close() erases from conns_
      for (auto& [id, c] : all) c->close("shutdown");
      io_.stop();
    });
    thread_.join();
  }

  Status reload_tls(const TlsFiles& files) {
    if (options_.tls_port == 0) return Error{"sip.tls_port is 0: TLS is off, nothing to reload"};
    auto contexts = tls_contexts(files);
    if (!contexts) return contexts.error();
    auto fresh = std::make_shared<TlsContexts>(std::move(*contexts));
    asio::post(io_, [this, fresh] {
      // A connection's SSL object keeps its SSL_CTX referenced, but Asio's
      // context may own callbacks it uses: the old ones are kept, not freed
      // (one pair per reload).
      retired_.push_back(std::move(tls_server_));
      retired_.push_back(std::move(tls_client_));
      tls_server_ = std::move(fresh->first);
      tls_client_ = std::move(fresh->second);
    });
    counters_.tls_reloads.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kInfo, "sip_tls_reloaded", "certificate=%s ca_file=%s verify_clients=%s",
           files.certificate.c_str(),
           files.ca_file.empty() ? "(system store)" : files.ca_file.c_str(),
           files.verify_clients ? "true" : "false");
    return Status::Ok();
  }

  unsigned poll(unsigned shard, const Deliver& f, unsigned max) {
    Queue& q = queues_[shard]->up;
    unsigned n = 0;
    Queued* m;
    while (n < max && q.pop(m)) {
      std::unique_ptr<Queued> owned(m);
      f(owned->bytes, owned->peer);
      ++n;
    }
    return n;
  }

  void send(unsigned shard, const Peer& to, std::string_view bytes) {
    auto* m = new Queued{to, std::string(bytes)};
    if (!queues_[shard]->down.push(m)) {
      delete m;
      counters_.send_queue_full.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    // One wake-up in flight at most: the drain takes everything queued.
    if (!wake_pending_.exchange(true, std::memory_order_acq_rel))
      asio::post(io_, [this] { drain_outbound(); });
  }

  std::uint16_t port_of(TransportKind kind) const {
    for (const Listener& l : listeners_)
      if (l.kind == kind) return l.port;
    return 0;
  }

  StreamTransport::Counters& counters() override { return counters_; }

  void on_message(StreamConnection& c, std::string_view bytes) override {
    PreParsed pre;
    const PreparseResult r = preparse_datagram(bytes, &pre);
    if (r != PreparseResult::kOk && !pre.is_request) {
      counters_.messages_unparsable.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    const unsigned shard = static_cast<unsigned>(call_id_hash(pre.call_id) % queues_.size());
    auto* m = new Queued{c.peer(), std::string(bytes)};
    if (queues_[shard]->up.push(m)) {
      counters_.messages_in.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    delete m;
    counters_.shard_queue_full.fetch_add(1, std::memory_order_relaxed);
    if (pre.is_request && pre.method == Method::kInvite) {
      char reply[1400];
      const std::size_t n =
          dataplane::write_overload_503(bytes, options_.retry_after_s, reply, sizeof reply);
      if (n != 0) {
        c.write(std::string(reply, n));
        counters_.overload_503_sent.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }

  void on_frame_error(StreamConnection& c, FrameError e, std::string_view head) override {
    counters_.framing_errors.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kWarn, "sip_stream_framing_error", "conn=%llu peer=%s error=%.*s",
           static_cast<unsigned long long>(c.id()), c.peer().to_string().c_str(),
           static_cast<int>(frame_error_name(e).size()), frame_error_name(e).data());
    if (!can_answer(head)) return;
    Verdict v;
    v.accept = false;
    v.code = e == FrameError::kBodyTooLarge || e == FrameError::kHeadTooLarge ? 513 : 400;
    switch (e) {
      case FrameError::kNoContentLength:
        v.reason = "Content-Length Required On Streams";
        break;
      case FrameError::kBadContentLength:
        v.reason = "Bad Content-Length";
        break;
      case FrameError::kHeadTooLarge:
      case FrameError::kBodyTooLarge:
        v.reason = "Message Too Large";
        break;
      default:
        v.reason = "Malformed Message";
        break;
    }
    std::string out;
    write_refusal(head, v, "tlrefused", &out);
    if (out.empty()) return;
    c.write(std::move(out));
    counters_.framing_refusals_sent.fetch_add(1, std::memory_order_relaxed);
  }

  void on_closed(StreamConnection& c, std::string_view reason) override {
    counters_.connections_closed.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kInfo, "sip_stream_closed", "conn=%llu peer=%s transport=%.*s reason=%.*s",
           static_cast<unsigned long long>(c.id()), c.peer().to_string().c_str(),
           static_cast<int>(via_transport(c.peer().transport).size()),
           via_transport(c.peer().transport).data(), static_cast<int>(reason.size()),
           reason.data());
    const std::string key = remote_key(c.peer().transport, c.peer().ip, c.peer().port);
    if (auto it = by_remote_.find(key); it != by_remote_.end() && it->second == c.id())
      by_remote_.erase(it);
    const std::uint64_t id = c.id();
    // The connection's handlers hold it alive until they return.
    asio::post(io_, [this, id] {
      conns_.erase(id);
      counters_.connections.store(conns_.size(), std::memory_order_relaxed);
    });
  }

 private:
  Status listen(const net::IpKey& a, std::uint16_t port, TransportKind kind) {
    const Tcp::endpoint ep(address_of(a), port);
    Listener l{Tcp::acceptor(io_), kind, a, port};
    boost::system::error_code ec;
    l.acceptor.open(ep.protocol(), ec);
    const int one = 1;
    if (!ec) l.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec && ep.address().is_v6()) l.acceptor.set_option(asio::ip::v6_only(true), ec);
    if (!ec) {
      // The exception path's interface may get the address after we start.
      if (ep.address().is_v4()) {
        ::setsockopt(l.acceptor.native_handle(), IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
      } else {
        ::setsockopt(l.acceptor.native_handle(), IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof one);
      }
      l.acceptor.bind(ep, ec);
    }
    if (!ec) l.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    const char* setting = kind == TransportKind::kTls ? "sip.tls_port" : "sip.tcp_port";
    if (ec)
      return Error{std::string(setting) + ": cannot listen on " + Peer{a, port}.to_string() + ": " +
                   ec.message()};
    if (port == 0) l.port = l.acceptor.local_endpoint(ec).port();
    TL_LOG(kInfo, "sip_stream_listening", "address=%s transport=%.*s",
           Peer{a, l.port}.to_string().c_str(), static_cast<int>(via_transport(kind).size()),
           via_transport(kind).data());
    listeners_.push_back(std::move(l));
    return Status::Ok();
  }

  void accept(Listener& l) {
    l.acceptor.async_accept([this, &l](const boost::system::error_code& ec, Tcp::socket s) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) admit(l, std::move(s));
      accept(l);
    });
  }

  Peer peer_of(const Tcp::socket& s, TransportKind kind, std::uint16_t local_port) const {
    boost::system::error_code ec;
    Peer p;
    const Tcp::endpoint remote = s.remote_endpoint(ec);
    const Tcp::endpoint local = s.local_endpoint(ec);
    p.ip = key_of(remote.address());
    p.port = remote.port();
    p.local = key_of(local.address());
    p.local_port = local_port;  // the listening port: what our Via and Contact name
    p.transport = kind;
    for (const auto& [addr, dpdk] : options_.dpdk_ports)
      if (addr == p.local) p.dpdk_port = dpdk;
    return p;
  }

  void admit(Listener& l, Tcp::socket s) {
    if (conns_.size() >= options_.max_connections) {
      const std::uint64_t n =
          counters_.connections_refused.fetch_add(1, std::memory_order_relaxed) + 1;
      if ((n & (n - 1)) == 0)  // 1st, 2nd, 4th, 8th ...: a line, not a flood
        TL_LOG(kWarn, "sip_stream_refused", "reason=max_connections max=%u refused_total=%llu",
               options_.max_connections, static_cast<unsigned long long>(n));
      boost::system::error_code ignored;
      s.close(ignored);
      return;
    }
    s.set_option(Tcp::no_delay(true));
    Peer peer = peer_of(s, l.kind, l.port);
    peer.connection = next_id_++;
    std::shared_ptr<StreamConnection> c;
    if (l.kind == TransportKind::kTls) {
      c = std::make_shared<StreamConnection>(
          *this, peer.connection, StreamConnection::TlsStream(std::move(s), *tls_server_), peer,
          settings_);
    } else {
      c = std::make_shared<StreamConnection>(*this, peer.connection, std::move(s), peer, settings_);
    }
    track(c);
    counters_.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    TL_LOG(kInfo, "sip_stream_accepted", "conn=%llu peer=%s transport=%.*s",
           static_cast<unsigned long long>(peer.connection), peer.to_string().c_str(),
           static_cast<int>(via_transport(l.kind).size()), via_transport(l.kind).data());
    c->start_accepted();
  }

  void track(const std::shared_ptr<StreamConnection>& c) {
    conns_[c->id()] = c;
    by_remote_[remote_key(c->peer().transport, c->peer().ip, c->peer().port)] = c->id();
    counters_.connections.store(conns_.size(), std::memory_order_relaxed);
  }

  void drain_outbound() {
    wake_pending_.store(false, std::memory_order_release);
    for (auto& q : queues_) {
      Queued* m;
      while (q->down.pop(m)) {
        std::unique_ptr<Queued> owned(m);
        deliver(owned->peer, std::move(owned->bytes));
      }
    }
  }

  // An open connection to exactly `to`'s address and port, or nullptr.
  StreamConnection* open_to(const Peer& to) {
    if (auto it = by_remote_.find(remote_key(to.transport, to.ip, to.port)); it != by_remote_.end())
      if (auto cit = conns_.find(it->second); cit != conns_.end() && cit->second->is_open())
        return cit->second.get();
    return nullptr;
  }

  // §18.2.2 and §18.1.1: on the connection the peer used if it is still
  // open, else on any open to its address, else on a new one. A response
  // whose request's connection is gone goes to the Via's sent-by instead:
  // the request came from an ephemeral port nobody listens on.
  void deliver(const Peer& to, std::string bytes) {
    StreamConnection* c = nullptr;
    if (auto it = conns_.find(to.connection); to.connection != 0 && it != conns_.end())
      c = it->second.get();
    if (c == nullptr || !c->is_open()) c = open_to(to);
    if (c == nullptr) {
      std::optional<Peer> sent_by;
      if (to.connection != 0) sent_by = response_target(bytes, to);
      if (sent_by) {
        counters_.responses_to_sent_by.fetch_add(1, std::memory_order_relaxed);
        TL_LOG(kInfo, "sip_stream_response_to_sent_by", "conn=%llu from=%s to=%s",
               static_cast<unsigned long long>(to.connection), to.to_string().c_str(),
               sent_by->to_string().c_str());
        c = open_to(*sent_by);
      }
      if (c == nullptr) c = connect(sent_by ? *sent_by : to);
    }
    if (c == nullptr) {
      counters_.no_connection.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    counters_.messages_out.fetch_add(1, std::memory_order_relaxed);
    c->write(std::move(bytes));
  }

  StreamConnection* connect(const Peer& to) {
    if (to.transport == TransportKind::kTls && !tls_client_) {
      TL_LOG(kWarn, "sip_stream_no_connection", "to=%s reason=\"TLS is off ([sip] tls_port)\"",
             to.to_string().c_str());
      return nullptr;
    }
    if (conns_.size() >= options_.max_connections) {
      TL_LOG(kWarn, "sip_stream_no_connection", "to=%s reason=max_connections",
             to.to_string().c_str());
      return nullptr;
    }
    Peer peer = to;
    peer.connection = next_id_++;
    if (peer.local_port == 0) peer.local_port = port_of(to.transport);
    std::shared_ptr<StreamConnection> c;
    if (to.transport == TransportKind::kTls) {
      c = std::make_shared<StreamConnection>(
          *this, peer.connection, StreamConnection::TlsStream(Tcp::socket(io_), *tls_client_), peer,
          settings_);
    } else {
      c = std::make_shared<StreamConnection>(*this, peer.connection, Tcp::socket(io_), peer,
                                             settings_);
    }
    track(c);
    const Tcp::endpoint remote(address_of(to.ip), to.port);
    const Tcp::endpoint local(address_of(to.local), 0);
    c->start_connect(remote, is_unspecified(to.local) ? nullptr : &local);
    return c->is_open() ? c.get() : nullptr;
  }

  StreamOptions options_;
  StreamConnection::Settings settings_;
  asio::io_context io_;
  std::thread thread_;
  std::unique_ptr<asio::ssl::context> tls_server_, tls_client_;
  std::vector<std::unique_ptr<asio::ssl::context>> retired_;  // by reload_tls()
  std::deque<Listener> listeners_;  // stable addresses: accept handlers keep a reference
  std::unordered_map<std::uint64_t, std::shared_ptr<StreamConnection>> conns_;
  std::unordered_map<std::string, std::uint64_t> by_remote_;
  std::uint64_t next_id_ = 1;
  std::vector<std::unique_ptr<ShardQueues>> queues_;
  std::atomic<bool> wake_pending_{false};
  StreamTransport::Counters counters_;
};

Result<std::unique_ptr<StreamTransport>> StreamTransport::start(const StreamOptions& o) {
  auto impl = std::make_unique<Impl>(o);
  if (Status s = impl->open(); !s) return s.error();
  impl->run();
  return std::unique_ptr<StreamTransport>(new StreamTransport(std::move(impl)));
}

StreamTransport::StreamTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StreamTransport::~StreamTransport() { stop(); }
void StreamTransport::stop() {
  if (impl_) impl_->stop();
}

unsigned StreamTransport::poll(unsigned shard, const Deliver& f, unsigned max) {
  return impl_->poll(shard, f, max);
}

void StreamTransport::send(unsigned shard, const Peer& to, std::string_view bytes) {
  impl_->send(shard, to, bytes);
}

Status StreamTransport::reload_tls(const TlsFiles& files) { return impl_->reload_tls(files); }

const StreamTransport::Counters& StreamTransport::counters() const { return impl_->counters(); }
std::uint16_t StreamTransport::tcp_port() const { return impl_->port_of(TransportKind::kTcp); }
std::uint16_t StreamTransport::tls_port() const { return impl_->port_of(TransportKind::kTls); }

}  // namespace trunkline::sip
