// The transaction layer with a recording transport and TU, on a clock the
// test moves: every timer of RFC 3261 Table 4 at the times the RFC gives
// (T1 = 500 ms, T2 = 4 s, T4 = 5 s).
#include "control/sip/transaction/transaction_layer.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace trunkline::sip {
namespace {

struct Sent {
  Peer to;
  std::string bytes;
};

class RecordingTransport : public Transport {
 public:
  void send(const Peer& to, std::string_view bytes) override {
    sent.push_back({to, std::string(bytes)});
  }
  std::vector<Sent> sent;
};

class RecordingTu : public TransactionUser {
 public:
  void on_request(TxId id, const Message& m, const Peer&) override {
    requests.push_back(id);
    methods.emplace_back(m.request_line().method);
  }
  void on_ack(const Message&, const Peer&) override { ++acks; }
  void on_cancel(TxId id) override { cancelled.push_back(id); }
  void on_response(TxId id, const Message& m) override {
    responses.push_back({id, m.status_line().code});
  }
  void on_client_timeout(TxId id) override { client_timeouts.push_back(id); }
  void on_server_timeout(TxId id) override { server_timeouts.push_back(id); }
  void on_stray_response(const Message&, const Peer&) override { ++strays; }

  std::vector<TxId> requests, cancelled, client_timeouts, server_timeouts;
  std::vector<std::string> methods;
  std::vector<std::pair<TxId, int>> responses;
  int acks = 0, strays = 0;
};

const Peer kPeer{net::IpKey::of(*net::Ip4::parse("198.51.100.10")), 5060};

std::string request(std::string_view method, std::string_view branch, int cseq = 1,
                    std::string_view cseq_method = {}, std::string_view to_tag = {}) {
  std::string m(method);
  std::string s = m + " sip:100@198.51.100.1 SIP/2.0\r\n";
  s += "Via: SIP/2.0/UDP 198.51.100.10:5060;branch=" + std::string(branch) + "\r\n";
  s += "From: <sip:carrier@198.51.100.10>;tag=abc\r\n";
  s += "To: <sip:100@198.51.100.1>" +
       (to_tag.empty() ? std::string() : ";tag=" + std::string(to_tag)) + "\r\n";
  s += "Call-ID: call-1@198.51.100.10\r\n";
  s += "CSeq: " + std::to_string(cseq) + " " +
       std::string(cseq_method.empty() ? method : cseq_method) + "\r\n";
  s += "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  return s;
}

std::string response(int code, std::string_view branch, std::string_view method, int cseq = 1) {
  std::string s = "SIP/2.0 " + std::to_string(code) + " X\r\n";
  s += "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=" + std::string(branch) + "\r\n";
  s += "From: <sip:trunkline@198.51.100.1>;tag=ours\r\n";
  s += "To: <sip:100@198.51.100.10>;tag=theirs\r\n";
  s += "Call-ID: out-1@198.51.100.1\r\n";
  s += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
  s += "Content-Length: 0\r\n\r\n";
  return s;
}

std::string our_request(std::string_view method, std::string_view branch) {
  std::string s = std::string(method) + " sip:agent@198.51.100.10 SIP/2.0\r\n";
  s += "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=" + std::string(branch) + "\r\n";
  s += "From: <sip:trunkline@198.51.100.1>;tag=ours\r\n";
  s += "To: <sip:100@198.51.100.10>\r\n";
  s += "Call-ID: out-1@198.51.100.1\r\n";
  s += "CSeq: 1 " + std::string(method) + "\r\n";
  s += "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  return s;
}

class Layer : public ::testing::Test {
 protected:
  void feed(const std::string& text, std::uint64_t now) {
    Message m;
    ASSERT_TRUE(parse_message(text, &m).ok()) << text;
    layer.receive(m, kPeer, now);
  }
  // First line of the n-th sent message.
  std::string line(std::size_t n) const {
    const std::string& b = transport.sent.at(n).bytes;
    return b.substr(0, b.find("\r\n"));
  }
  std::size_t sent() const { return transport.sent.size(); }

  RecordingTransport transport;
  RecordingTu tu;
  TransactionLayer layer{transport, tu};
};

TEST_F(Layer, InviteServerSends100AndAbsorbsRetransmissions) {
  feed(request("INVITE", "z9hG4bKinv1"), 0);
  ASSERT_EQ(tu.requests.size(), 1u);
  ASSERT_EQ(sent(), 1u);
  EXPECT_EQ(line(0), "SIP/2.0 100 Trying");
  feed(request("INVITE", "z9hG4bKinv1"), 300);
  EXPECT_EQ(tu.requests.size(), 1u) << "a retransmission is not a new request";
  EXPECT_EQ(sent(), 2u) << "it gets the last response again";
  EXPECT_EQ(line(1), "SIP/2.0 100 Trying");
  EXPECT_EQ(layer.counters().requests_absorbed, 1u);
}

TEST_F(Layer, InviteServerRetransmitsNon2xxOnTimerGUntilAck) {
  feed(request("INVITE", "z9hG4bKinv2"), 0);
  const TxId tx = tu.requests.at(0);
  ASSERT_TRUE(layer.respond(tx, response(486, "z9hG4bKinv2", "INVITE"), 486, 1000).ok());
  EXPECT_EQ(sent(), 2u);
  // G: 500, then 1000, 2000 after the response at t=1000.
  layer.advance(1499);
  EXPECT_EQ(sent(), 2u);
  layer.advance(1500);
  EXPECT_EQ(sent(), 3u);
  layer.advance(2500);
  EXPECT_EQ(sent(), 4u);
  layer.advance(4499);
  EXPECT_EQ(sent(), 4u);
  layer.advance(4500);
  EXPECT_EQ(sent(), 5u);
  feed(request("ACK", "z9hG4bKinv2", 1, "ACK"), 4600);
  EXPECT_EQ(layer.state_name(tx), "confirmed");
  EXPECT_EQ(tu.acks, 0) << "the ACK for a non-2xx stays in the transaction";
  layer.advance(9000);
  EXPECT_EQ(sent(), 5u) << "no retransmission after the ACK";
  layer.advance(9600);  // timer I = T4 after the ACK
  EXPECT_EQ(layer.state_name(tx), "");
  EXPECT_TRUE(tu.server_timeouts.empty());
}

TEST_F(Layer, InviteServerGivesUpOnTimerHWithoutAck) {
  feed(request("INVITE", "z9hG4bKinv3"), 0);
  const TxId tx = tu.requests.at(0);
  ASSERT_TRUE(layer.respond(tx, response(404, "z9hG4bKinv3", "INVITE"), 404, 0).ok());
  for (std::uint64_t t = 0; t <= 32000; t += 100) layer.advance(t);
  // G at 500, 1500, 3500, 7500, then every T2: 11500 ... 31500 → 10 retransmissions.
  EXPECT_EQ(sent(), 2u + 10u);
  ASSERT_EQ(tu.server_timeouts.size(), 1u);
  EXPECT_EQ(tu.server_timeouts[0], tx);
  EXPECT_EQ(layer.size(), 0u);
}

TEST_F(Layer, Invite2xxIsRetransmittedUntilItsOwnAck) {
  feed(request("INVITE", "z9hG4bKinv4"), 0);
  const TxId tx = tu.requests.at(0);
  ASSERT_TRUE(layer.respond(tx, response(200, "z9hG4bKinv4", "INVITE"), 200, 0).ok());
  layer.advance(500);
  layer.advance(1500);
  EXPECT_EQ(sent(), 4u) << "100, 200 and two retransmissions";
  feed(request("INVITE", "z9hG4bKinv4"), 1600);
  EXPECT_EQ(tu.requests.size(), 1u);
  feed(request("ACK", "z9hG4bKack4", 1, "ACK", "ours"), 1700);  // a new branch: 2xx ACK
  EXPECT_EQ(tu.acks, 1);
  EXPECT_EQ(layer.size(), 0u);
  layer.advance(10000);
  EXPECT_EQ(sent(), 4u);
}

TEST_F(Layer, NonInviteServerResendsItsFinalThenEndsOnTimerJ) {
  feed(request("OPTIONS", "z9hG4bKopt1"), 0);
  const TxId tx = tu.requests.at(0);
  EXPECT_EQ(sent(), 0u) << "no 100 for non-INVITE";
  ASSERT_TRUE(layer.respond(tx, response(200, "z9hG4bKopt1", "OPTIONS"), 200, 10).ok());
  feed(request("OPTIONS", "z9hG4bKopt1"), 2000);
  EXPECT_EQ(sent(), 2u);
  EXPECT_EQ(tu.requests.size(), 1u);
  EXPECT_FALSE(layer.respond(tx, response(500, "z9hG4bKopt1", "OPTIONS"), 500, 20).ok())
      << "a second final is refused";
  layer.advance(32009);
  EXPECT_EQ(layer.state_name(tx), "completed");
  layer.advance(32010);
  EXPECT_EQ(layer.state_name(tx), "");
}

TEST_F(Layer, InviteClientRetransmitsOnTimerAAndTimesOutOnB) {
  auto tx = layer.request(our_request("INVITE", "z9hG4bKout1"), kPeer, 0);
  ASSERT_TRUE(tx.ok()) << tx.error().message;
  for (std::uint64_t t = 0; t <= 32000; t += 100) layer.advance(t);
  // A: 500, 1500, 3500, 7500, 15500, 31500 (doubling, no ceiling) + the first send.
  EXPECT_EQ(sent(), 7u);
  ASSERT_EQ(tu.client_timeouts.size(), 1u);
  EXPECT_EQ(tu.client_timeouts[0], *tx);
}

TEST_F(Layer, InviteClientAcksANon2xxAndAbsorbsItsRetransmission) {
  auto tx = layer.request(our_request("INVITE", "z9hG4bKout2"), kPeer, 0);
  ASSERT_TRUE(tx.ok());
  feed(response(180, "z9hG4bKout2", "INVITE"), 100);
  layer.advance(5000);
  EXPECT_EQ(sent(), 1u) << "a provisional stops timer A";
  feed(response(486, "z9hG4bKout2", "INVITE"), 6000);
  ASSERT_EQ(sent(), 2u);
  const std::string& ack = transport.sent[1].bytes;
  EXPECT_EQ(line(1), "ACK sip:agent@198.51.100.10 SIP/2.0");
  EXPECT_NE(ack.find("branch=z9hG4bKout2"), std::string::npos) << ack;
  EXPECT_NE(ack.find("tag=theirs"), std::string::npos) << "To of the response";
  EXPECT_NE(ack.find("CSeq: 1 ACK"), std::string::npos) << ack;
  feed(response(486, "z9hG4bKout2", "INVITE"), 6500);
  EXPECT_EQ(sent(), 3u) << "the retransmitted final is ACKed again";
  ASSERT_EQ(tu.responses.size(), 2u) << "180 and 486, once each";
  EXPECT_EQ(tu.responses[1].second, 486);
  layer.advance(6000 + 32000);
  EXPECT_EQ(layer.size(), 0u) << "timer D";
}

TEST_F(Layer, Invite2xxEndsTheClientTransactionAndLaterCopiesAreStray) {
  auto tx = layer.request(our_request("INVITE", "z9hG4bKout3"), kPeer, 0);
  ASSERT_TRUE(tx.ok());
  feed(response(200, "z9hG4bKout3", "INVITE"), 100);
  EXPECT_EQ(layer.size(), 0u);
  feed(response(200, "z9hG4bKout3", "INVITE"), 600);
  EXPECT_EQ(tu.strays, 1) << "the TU ACKs 2xx retransmissions itself";
}

TEST_F(Layer, NonInviteClientCapsTimerEAtT2) {
  auto tx = layer.request(our_request("OPTIONS", "z9hG4bKout4"), kPeer, 0);
  ASSERT_TRUE(tx.ok());
  std::vector<std::uint64_t> at;
  for (std::uint64_t t = 0; t <= 20000; t += 50) {
    const std::size_t before = sent();
    layer.advance(t);
    if (sent() > before) at.push_back(t);
  }
  const std::vector<std::uint64_t> want = {500, 1500, 3500, 7500, 11500, 15500, 19500};
  EXPECT_EQ(at, want);
  feed(response(200, "z9hG4bKout4", "OPTIONS"), 20000);
  ASSERT_EQ(tu.responses.size(), 1u);
  layer.advance(24999);
  EXPECT_EQ(layer.state_name(*tx), "completed");
  layer.advance(25000);  // timer K = T4
  EXPECT_EQ(layer.size(), 0u);
}

TEST_F(Layer, CancelOfAPendingInviteIsAnswered200AndReported) {
  feed(request("INVITE", "z9hG4bKinv5"), 0);
  const TxId invite = tu.requests.at(0);
  feed(request("CANCEL", "z9hG4bKinv5", 1, "CANCEL"), 100);
  ASSERT_EQ(tu.cancelled.size(), 1u);
  EXPECT_EQ(tu.cancelled[0], invite);
  EXPECT_EQ(line(sent() - 1), "SIP/2.0 200 OK");
  EXPECT_NE(transport.sent.back().bytes.find("CSeq: 1 CANCEL"), std::string::npos);
}

TEST_F(Layer, CancelMatchingNothingIs481) {
  feed(request("CANCEL", "z9hG4bKnothing", 1, "CANCEL"), 0);
  EXPECT_TRUE(tu.cancelled.empty());
  EXPECT_EQ(line(0), "SIP/2.0 481 Call/Transaction Does Not Exist");
  EXPECT_EQ(layer.counters().cancels_unmatched, 1u);
}

TEST_F(Layer, ClientCancelCopiesTheInvite) {
  auto tx = layer.request(our_request("INVITE", "z9hG4bKout6"), kPeer, 0);
  ASSERT_TRUE(tx.ok());
  auto c = layer.cancel(*tx, 50);
  ASSERT_TRUE(c.ok()) << c.error().message;
  const std::string& cancel = transport.sent.back().bytes;
  EXPECT_EQ(line(sent() - 1), "CANCEL sip:agent@198.51.100.10 SIP/2.0");
  EXPECT_NE(cancel.find("branch=z9hG4bKout6"), std::string::npos);
  EXPECT_NE(cancel.find("CSeq: 1 CANCEL"), std::string::npos);
  feed(response(487, "z9hG4bKout6", "INVITE"), 200);
  EXPECT_FALSE(layer.cancel(*tx, 300).ok()) << "nothing left to cancel";
}

TEST_F(Layer, RequestsNeedAnRfc3261BranchAndUniqueOnes) {
  EXPECT_FALSE(layer.request(our_request("OPTIONS", "old-style"), kPeer, 0).ok());
  ASSERT_TRUE(layer.request(our_request("OPTIONS", "z9hG4bKdup"), kPeer, 0).ok());
  EXPECT_FALSE(layer.request(our_request("OPTIONS", "z9hG4bKdup"), kPeer, 0).ok());
  const std::string a = layer.new_branch(), b = layer.new_branch();
  EXPECT_EQ(a.rfind("z9hG4bK", 0), 0u);
  EXPECT_NE(a, b);
}

TEST_F(Layer, Rfc2543RequestsAreMatchedWithoutABranch) {
  std::string old = request("OPTIONS", "x");
  old.replace(old.find(";branch=x"), 9, "");
  feed(old, 0);
  feed(old, 100);
  EXPECT_EQ(tu.requests.size(), 1u);
  EXPECT_EQ(layer.counters().requests_absorbed, 1u);
}

// Over TCP and TLS (§17): the transport delivers or fails, so nothing is
// retransmitted, and the timers that only absorb retransmissions are zero.
Peer stream_peer() {
  Peer p = kPeer;
  p.transport = TransportKind::kTcp;
  p.connection = 7;
  return p;
}

TEST_F(Layer, ReliableInviteClientSetsNoTimerAButKeepsTimerB) {
  auto id = layer.request(our_request("INVITE", "z9hG4bKrel1"), stream_peer(), 0);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(sent(), 1u);
  EXPECT_EQ(transport.sent.at(0).to.connection, 7u) << "it goes where the peer names";
  layer.advance(31999);
  EXPECT_EQ(sent(), 1u) << "no timer A on a stream";
  layer.advance(32000);  // B = 64*T1
  EXPECT_EQ(tu.client_timeouts, std::vector<TxId>{*id});
}

TEST_F(Layer, ReliableNonInviteClientEndsAtOnceOnItsFinal) {
  auto id = layer.request(our_request("OPTIONS", "z9hG4bKrel2"), stream_peer(), 0);
  ASSERT_TRUE(id.ok());
  layer.advance(10000);
  EXPECT_EQ(sent(), 1u) << "no timer E on a stream";
  Message m;
  const std::string r = response(200, "z9hG4bKrel2", "OPTIONS");
  ASSERT_TRUE(parse_message(r, &m).ok());
  layer.receive(m, stream_peer(), 10000);
  layer.advance(10000);  // K = 0
  EXPECT_EQ(layer.state_name(*id), "");
}

TEST_F(Layer, ReliableServerSendsNoTimerGAndEndsOnTimerJAtOnce) {
  Message m;
  const std::string inv = request("INVITE", "z9hG4bKrel3");
  ASSERT_TRUE(parse_message(inv, &m).ok());
  layer.receive(m, stream_peer(), 0);
  const TxId tx = tu.requests.at(0);
  ASSERT_TRUE(layer.respond(tx, response(486, "z9hG4bKrel3", "INVITE"), 486, 100).ok());
  layer.advance(5000);
  EXPECT_EQ(sent(), 2u) << "100 and 486, no timer G on a stream";
  const std::string ack = request("ACK", "z9hG4bKrel3", 1, "ACK");
  ASSERT_TRUE(parse_message(ack, &m).ok());
  layer.receive(m, stream_peer(), 5000);
  layer.advance(5000);  // I = 0
  EXPECT_EQ(layer.state_name(tx), "");

  const std::string opt = request("OPTIONS", "z9hG4bKrel4", 2);
  ASSERT_TRUE(parse_message(opt, &m).ok());
  layer.receive(m, stream_peer(), 6000);
  const TxId tx2 = tu.requests.at(1);
  ASSERT_TRUE(layer.respond(tx2, response(200, "z9hG4bKrel4", "OPTIONS", 2), 200, 6000).ok());
  layer.advance(6000);  // J = 0
  EXPECT_EQ(layer.state_name(tx2), "");
}

}  // namespace
TEST_F(Layer, TimersOfEndedTransactionsDoNotWaitOutTheirDeadlines) {
  // 200 INVITEs answered 2xx at once: each leaves Timers A and B (32 s)
  // behind, which would stay queued until due. A tick drops them.
  for (int i = 0; i < 200; ++i) {
    const std::string branch = "z9hG4bKburst" + std::to_string(i);
    ASSERT_TRUE(layer.request(our_request("INVITE", branch), kPeer, 0));
    feed(response(200, branch, "INVITE"), 10);
  }
  EXPECT_EQ(layer.size(), 0u);
  EXPECT_EQ(layer.next_deadline(), 500u) << "Timer A of the first, stale";
  layer.advance(20);
  EXPECT_EQ(layer.next_deadline(), std::numeric_limits<std::uint64_t>::max());
  // A live transaction's timers stay.
  ASSERT_TRUE(layer.request(our_request("INVITE", "z9hG4bKlive"), kPeer, 100));
  for (int i = 0; i < 200; ++i) {
    const std::string branch = "z9hG4bKmore" + std::to_string(i);
    ASSERT_TRUE(layer.request(our_request("INVITE", branch), kPeer, 100));
    feed(response(200, branch, "INVITE"), 110);
  }
  layer.advance(120);
  EXPECT_EQ(layer.next_deadline(), 600u) << "Timer A of the live INVITE";
  layer.advance(600);
  EXPECT_EQ(layer.counters().retransmissions_sent, 1u);
}

}  // namespace trunkline::sip
