// The stream transport on loopback: a TCP peer's messages reach the shard
// that owns their Call-ID, the shard's answers go back on that connection,
// a message to an address with no connection opens one, and framing errors
// and the connection limit are answered, closed and counted.
#include "control/sip/transport/stream_transport.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "control/sip/preparse.h"

namespace trunkline::sip {
namespace {

const net::IpKey kLoopback = net::IpKey::of(*net::Ip4::parse("127.0.0.1"));

std::string options(std::string_view call_id, std::uint16_t via_port = 5099) {
  std::string m =
      "OPTIONS sip:trunkline@127.0.0.1 SIP/2.0\r\n"
      "Via: SIP/2.0/TCP 127.0.0.1:" +
      std::to_string(via_port) +
      ";branch=z9hG4bK1\r\n"
      "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:trunkline@127.0.0.1>\r\nCall-ID: ";
  m += call_id;
  m += "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  return m;
}

// A blocking loopback TCP socket: connected to `port`, or listening on one.
int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

int listen_on(std::uint16_t* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(fd, 4);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

// Reads until `want` bytes arrived, the peer closed or 5 s passed; "<closed>" marks a close.
std::string read_some(int fd, std::size_t want) {
  std::string out;
  char buf[4096];
  while (out.size() < want) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) return out + "<closed>";
    if (n < 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

class StreamTransportTest : public ::testing::Test {
 protected:
  void start(unsigned shards = 2, std::uint32_t max_connections = 16) {
    StreamOptions o;
    o.addresses = {kLoopback};
    // A port free a moment ago (0 would mean "no TCP listener").
    std::uint16_t port = 0;
    ::close(listen_on(&port));
    o.tcp_port = port;
    o.shards = shards;
    o.max_connections = max_connections;
    o.queue_depth = 64;
    auto t = StreamTransport::start(o);
    ASSERT_TRUE(t.ok()) << t.error().message;
    streams = std::move(*t);
  }
  // Polls shard `shard` until a message comes or 5 s pass.
  bool take(unsigned shard, std::string* bytes, Peer* from) {
    for (int i = 0; i < 500; ++i) {
      if (streams->poll(shard, [&](std::string_view b, const Peer& p) {
            *bytes = std::string(b);
            *from = p;
          }) != 0)
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  std::uint64_t counter(const std::atomic<std::uint64_t>& c) {
    return c.load(std::memory_order_relaxed);
  }

  std::unique_ptr<StreamTransport> streams;
};

TEST_F(StreamTransportTest, MessageReachesItsShardAndTheAnswerItsConnection) {
  start(2);
  ASSERT_NE(streams->tcp_port(), 0);
  const int fd = connect_to(streams->tcp_port());
  ASSERT_GE(fd, 0);
  const std::string msg = options("owned-by-some-shard");
  ASSERT_EQ(::send(fd, msg.data(), msg.size(), 0), static_cast<ssize_t>(msg.size()));
  const unsigned shard = static_cast<unsigned>(call_id_hash("owned-by-some-shard") % 2);
  std::string got;
  Peer from;
  ASSERT_TRUE(take(shard, &got, &from));
  EXPECT_EQ(got, msg);
  EXPECT_EQ(from.transport, TransportKind::kTcp);
  EXPECT_NE(from.connection, 0u);
  EXPECT_EQ(from.local_port, streams->tcp_port());
  const std::string ok = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  streams->send(shard, from, ok);
  EXPECT_EQ(read_some(fd, ok.size()), ok);
  EXPECT_EQ(counter(streams->counters().messages_in), 1u);
  EXPECT_EQ(counter(streams->counters().messages_out), 1u);
  ::close(fd);
}

TEST_F(StreamTransportTest, MessageToAnAddressWithoutConnectionOpensOne) {
  start(1);
  std::uint16_t port = 0;
  const int lfd = listen_on(&port);
  Peer to;
  to.ip = kLoopback;
  to.port = port;
  to.local = kLoopback;
  to.transport = TransportKind::kTcp;
  streams->send(0, to, options("outbound"));
  const int fd = ::accept(lfd, nullptr, nullptr);
  ASSERT_GE(fd, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  EXPECT_EQ(read_some(fd, options("outbound").size()), options("outbound"));
  // A second message to the same address reuses the connection.
  streams->send(0, to, options("again"));
  EXPECT_EQ(read_some(fd, options("again").size()), options("again"));
  EXPECT_EQ(counter(streams->counters().connections_opened), 1u);
  ::close(fd);
  ::close(lfd);
}

TEST_F(StreamTransportTest, MissingContentLengthIsAnswered400AndClosed) {
  start(1);
  const int fd = connect_to(streams->tcp_port());
  ASSERT_GE(fd, 0);
  std::string msg = options("nolen");
  msg.erase(msg.find("Content-Length"), std::string_view("Content-Length: 0\r\n").size());
  ::send(fd, msg.data(), msg.size(), 0);
  const std::string out = read_some(fd, 1 << 16);
  EXPECT_TRUE(out.starts_with("SIP/2.0 400 ")) << out;
  EXPECT_TRUE(out.ends_with("<closed>")) << out;
  EXPECT_EQ(counter(streams->counters().framing_errors), 1u);
  ::close(fd);
}

TEST_F(StreamTransportTest, ConnectionsOverTheLimitAreRefusedAndCounted) {
  start(1, 1);
  const int first = connect_to(streams->tcp_port());
  ASSERT_GE(first, 0);
  const std::string ping = "\r\n\r\n";
  ::send(first, ping.data(), ping.size(), 0);
  EXPECT_EQ(read_some(first, 2), "\r\n");  // accepted and served: a pong
  const int second = connect_to(streams->tcp_port());
  ASSERT_GE(second, 0);  // the kernel completes the handshake; we close it at once
  EXPECT_EQ(read_some(second, 1), "<closed>");
  EXPECT_EQ(counter(streams->counters().connections_refused), 1u);
  EXPECT_EQ(counter(streams->counters().keepalive_pings), 1u);
  ::close(first);
  ::close(second);
}

// §18.2.2: the request's connection closed before its answer was ready, so
// the answer opens a connection to the Via's sent-by, where the peer listens.
TEST_F(StreamTransportTest, AnswerGoesToTheViaSentByWhenItsConnectionIsGone) {
  start(1);
  std::uint16_t listening = 0;
  const int lfd = listen_on(&listening);
  const int fd = connect_to(streams->tcp_port());
  ASSERT_GE(fd, 0);
  const std::string msg = options("gone", listening);
  ASSERT_EQ(::send(fd, msg.data(), msg.size(), 0), static_cast<ssize_t>(msg.size()));
  std::string got;
  Peer from;
  ASSERT_TRUE(take(0, &got, &from));
  ::close(fd);
  for (int i = 0; i < 500 && counter(streams->counters().connections_closed) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(counter(streams->counters().connections_closed), 1u);

  const std::string ok =
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1:" + std::to_string(listening) +
      ";branch=z9hG4bK1;received=127.0.0.1\r\n"
      "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:trunkline@127.0.0.1>;tag=2\r\n"
      "Call-ID: gone\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  streams->send(0, from, ok);
  const int back = ::accept(lfd, nullptr, nullptr);
  ASSERT_GE(back, 0);
  timeval tv{5, 0};
  ::setsockopt(back, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  EXPECT_EQ(read_some(back, ok.size()), ok);
  EXPECT_EQ(counter(streams->counters().responses_to_sent_by), 1u);
  EXPECT_EQ(counter(streams->counters().connections_opened), 1u);
  ::close(back);
  ::close(lfd);
}

TEST_F(StreamTransportTest, ReloadingTlsWhenItIsOffIsAnError) {
  start(1);
  const Status s = streams->reload_tls({"a.crt", "a.key", "", false});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("sip.tls_port"), std::string::npos) << s.error().message;
  EXPECT_EQ(counter(streams->counters().tls_reloads), 0u);
}

}  // namespace
}  // namespace trunkline::sip
