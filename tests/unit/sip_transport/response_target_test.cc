// Where a stream response goes when its request's connection is gone
// (RFC 3261 §18.2.2): received (else the source address), sent-by's port
// (else the transport's default).
#include "control/sip/transport/response_target.h"

#include <gtest/gtest.h>

namespace trunkline::sip {
namespace {

std::string response(std::string_view via) {
  return "SIP/2.0 200 OK\r\nVia: " + std::string(via) +
         "\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\n"
         "Call-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
}

Peer source(TransportKind t) {
  Peer p;
  p.ip = net::IpKey::of(*net::Ip4::parse("198.51.100.10"));
  p.port = 41234;  // the peer's ephemeral port
  p.transport = t;
  p.connection = 7;
  return p;
}

TEST(ResponseTarget, ReceivedAndSentByPort) {
  const auto to = response_target(
      response("SIP/2.0/TCP carrier.example:5070;branch=z9hG4bKa;received=198.51.100.12"),
      source(TransportKind::kTcp));
  ASSERT_TRUE(to);
  EXPECT_EQ(to->ip, net::IpKey::of(*net::Ip4::parse("198.51.100.12")));
  EXPECT_EQ(to->port, 5070);
  EXPECT_EQ(to->connection, 0u) << "a new connection, not the lost one";
  EXPECT_EQ(to->transport, TransportKind::kTcp);
}

TEST(ResponseTarget, SourceAddressAndDefaultPortPerTransport) {
  const auto tcp = response_target(response("SIP/2.0/TCP 198.51.100.10;branch=z9hG4bKa"),
                                   source(TransportKind::kTcp));
  ASSERT_TRUE(tcp);
  EXPECT_EQ(tcp->ip, source(TransportKind::kTcp).ip);
  EXPECT_EQ(tcp->port, 5060);
  const auto tls = response_target(response("SIP/2.0/TLS 198.51.100.10;branch=z9hG4bKa"),
                                   source(TransportKind::kTls));
  ASSERT_TRUE(tls);
  EXPECT_EQ(tls->port, 5061);
}

TEST(ResponseTarget, IPv6Received) {
  Peer p = source(TransportKind::kTcp);
  p.ip = net::IpKey::of(*net::Ip6::parse("2001:db8::10"));
  const auto to = response_target(
      response("SIP/2.0/TCP [2001:db8::10]:5062;branch=z9hG4bKa;received=2001:db8::11"), p);
  ASSERT_TRUE(to);
  EXPECT_EQ(to->ip, net::IpKey::of(*net::Ip6::parse("2001:db8::11")));
  EXPECT_EQ(to->port, 5062);
}

TEST(ResponseTarget, RequestsAndGarbageHaveNone) {
  EXPECT_FALSE(response_target(
      "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 198.51.100.10;branch=z9hG4bKa\r\n"
      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\nCall-ID: c1\r\n"
      "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
      source(TransportKind::kTcp)));
  EXPECT_FALSE(response_target("not sip at all", source(TransportKind::kTcp)));
}

}  // namespace
}  // namespace trunkline::sip
