// SIP transactions (RFC 3261 §17, with RFC 6026's handling of 2xx) over UDP, TCP and TLS:
// INVITE and non-INVITE, client and server, with timers A-K, retransmission,
// absorption of retransmitted requests, ACK for non-2xx finals, and CANCEL.
//
// Pure logic: time is an input (now_ms on every call; advance() fires the
// timers that are due), messages go out through Transport, requests and
// responses go up to the TransactionUser. One instance per control shard;
// not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "control/sip/transaction/transaction_user.h"

namespace trunkline::sip {

// RFC 3261 Table 4.
struct TimerConfig {
  std::uint32_t t1_ms = 500;   // RTT estimate
  std::uint32_t t2_ms = 4000;  // longest retransmit interval of non-INVITE requests and responses
  std::uint32_t t4_ms = 5000;  // longest time a message stays in the network
};

// clang-format off
#define TL_SIP_TRANSACTION_COUNTERS(X)                                               \
  X(server_created,          "server transactions created")                          \
  X(client_created,          "client transactions created")                          \
  X(retransmissions_sent,    "requests and responses retransmitted on a timer")      \
  X(requests_absorbed,       "retransmitted requests absorbed (last response resent)") \
  X(responses_absorbed,      "retransmitted responses absorbed")                     \
  X(client_timeouts,         "client transactions that got no final response (B/F)") \
  X(server_timeouts,         "server transactions whose final was never ACKed (H)")  \
  X(acks_sent,               "ACKs sent for non-2xx finals")                         \
  X(cancels_received,        "CANCELs matched to a pending INVITE")                  \
  X(cancels_unmatched,       "CANCELs answered 481: no such transaction")            \
  X(stray_responses,         "responses matching no transaction")                    \
  X(stray_acks,              "ACKs matching no transaction or 2xx")
// clang-format on

struct TransactionCounters {
#define TL_TX_COUNTER_FIELD(name, help) std::uint64_t name = 0;
  TL_SIP_TRANSACTION_COUNTERS(TL_TX_COUNTER_FIELD)
#undef TL_TX_COUNTER_FIELD
};

class TransactionLayer {
 public:
  TransactionLayer(Transport& transport, TransactionUser& tu, TimerConfig timers = {});

  // A parsed message from the network.
  void receive(const Message& msg, const Peer& from, std::uint64_t now_ms);

  // Sends `response` (a complete message whose status code is `code`) in
  // server transaction `id`. An error if the transaction is gone or already
  // has a final response.
  Status respond(TxId id, std::string response, int code, std::uint64_t now_ms);

  // Sends a new request `bytes` (its top Via must carry a branch from
  // new_branch()) to `to` and returns its client transaction.
  Result<TxId> request(std::string bytes, const Peer& to, std::uint64_t now_ms);

  // CANCEL for an INVITE client transaction that has no final response yet.
  Result<TxId> cancel(TxId invite_client_tx, std::uint64_t now_ms);

  // Fires the timers due at now_ms.
  void advance(std::uint64_t now_ms);

  // The next time advance() has work, or UINT64_MAX.
  std::uint64_t next_deadline() const;

  // A fresh RFC 3261 branch: the magic cookie and 64 random bits.
  std::string new_branch();

  std::size_t size() const { return txs_.size(); }
  const TransactionCounters& counters() const { return counters_; }
  // The state of a transaction by name ("proceeding", ...), "" if gone.
  std::string_view state_name(TxId id) const;

 private:
  enum class Kind : std::uint8_t { kInviteServer, kServer, kInviteClient, kClient };
  enum class State : std::uint8_t {
    kCalling,     // INVITE client: request sent
    kTrying,      // non-INVITE client and server
    kProceeding,  // a provisional response sent / received
    kAccepted,    // INVITE server: 2xx sent, retransmitted until ACK (RFC 6026)
    kCompleted,   // a final response sent / received
    kConfirmed,   // INVITE server: ACK for the non-2xx received
  };              // a terminated transaction is erased, not kept in a state
  struct Tx {
    TxId id = 0;
    Kind kind = Kind::kServer;
    State state = State::kTrying;
    std::string key;
    std::string ack_key;  // INVITE server with a 2xx: Call-ID + CSeq the ACK carries
    Peer peer;
    std::string request;              // the request received (server) or sent (client)
    std::string last_response;        // server: what a retransmitted request gets
    std::string ack;                  // INVITE client: the ACK for the non-2xx final
    std::uint32_t interval_ms = 0;    // current retransmission interval
    std::uint64_t retransmit_at = 0;  // 0: off
    std::uint64_t timeout_at = 0;     // 0: off
    std::uint32_t generation = 0;     // bumped when timers change
  };
  struct Timer {
    std::uint64_t when;
    TxId id;
    std::uint32_t generation;
    bool operator>(const Timer& o) const { return when > o.when; }
  };

  void receive_request(const Message& msg, const Peer& from, std::uint64_t now_ms);
  void receive_response(const Message& msg, const Peer& from, std::uint64_t now);
  void receive_ack(const Message& msg, const Peer& from, std::uint64_t now);
  void receive_cancel(const Message& msg, const Peer& from, std::uint64_t now);
  Tx& create(Kind kind, std::string key, const Peer& peer, std::string request);
  void schedule(Tx& tx);
  void fire(Tx& tx, std::uint64_t now);
  void terminate(Tx& tx);
  void push_timer(const Timer& t);
  void trim_timers();
  void send(const Tx& tx, const std::string& bytes);

  Transport& transport_;
  TransactionUser& tu_;
  TimerConfig timers_;
  TxId next_id_ = 1;
  std::uint64_t branch_state_;
  std::unordered_map<TxId, Tx> txs_;
  std::unordered_map<std::string, TxId> by_key_;
  std::unordered_map<std::string, TxId> by_ack_key_;
  // A min-heap on `when` (std::push_heap with std::greater). A timer whose
  // transaction ended or was rescheduled stays until it comes up, unless
  // trim_timers() drops it first.
  std::vector<Timer> timers_heap_;
  TransactionCounters counters_;
};

// Transaction keys (RFC 3261 §17.1.3, §17.2.3), exposed for tests. ACK and
// CANCEL map onto the INVITE they belong to when `as_invite` is set.
std::string server_key(const Message& request, bool as_invite);
std::string client_key(const Message& response);

}  // namespace trunkline::sip
