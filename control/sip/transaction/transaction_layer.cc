#include "control/sip/transaction/transaction_layer.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <limits>

#include "control/sip/message_writer.h"
#include "control/sip/transaction/request_builders.h"

namespace trunkline::sip {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

std::string sent_by(const Via& v) {
  return lower(v.host.text) + ":" + std::to_string(v.has_port ? v.port : 5060);
}

bool is_final(int code) { return code >= 200; }

// A timer's deadline: never 0, which means "off".
std::uint64_t at(std::uint64_t now, std::uint64_t delay) {
  return std::max<std::uint64_t>(now + delay, 1);
}

}  // namespace

std::string server_key(const Message& request, bool as_invite) {
  const Via& v = request.top_via();
  const std::string_view method =
      as_invite ? std::string_view("INVITE") : request.request_line().method;
  if (v.has_rfc3261_branch()) {
    return "S|" + std::string(v.branch) + "|" + sent_by(v) + "|" + std::string(method);
  }
  // RFC 2543 peers: match on the request's identifying fields (§17.2.3).
  return "S2543|" + std::string(request.request_line().uri.text) + "|" +
         std::string(request.from().tag) + "|" + std::string(request.call_id()) + "|" +
         std::to_string(request.cseq().number) + "|" + std::string(v.text) + "|" +
         std::string(method);
}

std::string client_key(const Message& response) {
  return "C|" + std::string(response.top_via().branch) + "|" + std::string(response.cseq().method);
}

TransactionLayer::TransactionLayer(Transport& transport, TransactionUser& tu, TimerConfig timers)
    : transport_(transport), tu_(tu), timers_(timers) {
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&branch_state_), sizeof branch_state_) != 1) {
    branch_state_ = reinterpret_cast<std::uintptr_t>(this) ^ 0x9e3779b97f4a7c15ull;
  }
}

std::string TransactionLayer::new_branch() {
  // splitmix64 over a random seed: unique per layer, unpredictable across restarts.
  std::uint64_t z = (branch_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  char buf[32];
  std::snprintf(buf, sizeof buf, "z9hG4bK%016llx", static_cast<unsigned long long>(z));
  return buf;
}

void TransactionLayer::send(const Tx& tx, const std::string& bytes) {
  transport_.send(tx.peer, bytes);
}

TransactionLayer::Tx& TransactionLayer::create(Kind kind, std::string key, const Peer& peer,
                                               std::string request) {
  const TxId id = next_id_++;
  Tx& tx = txs_[id];
  tx.id = id;
  tx.kind = kind;
  tx.key = std::move(key);
  tx.peer = peer;
  tx.request = std::move(request);
  by_key_[tx.key] = id;
  return tx;
}

void TransactionLayer::schedule(Tx& tx) {
  ++tx.generation;
  if (tx.retransmit_at != 0) push_timer({tx.retransmit_at, tx.id, tx.generation});
  if (tx.timeout_at != 0) push_timer({tx.timeout_at, tx.id, tx.generation});
}

void TransactionLayer::push_timer(const Timer& t) {
  timers_heap_.push_back(t);
  std::push_heap(timers_heap_.begin(), timers_heap_.end(), std::greater<>{});
}

// Timers of ended or rescheduled transactions would wait in the heap until
// due (Timer B of an answered INVITE: 32 s). When they outnumber the live
// ones (at most two per transaction), they are dropped, and the memory a
// burst of calls grew the heap to is given back once it has drained.
// Amortised O(1) per timer: a pass leaves at most the live ones.
void TransactionLayer::trim_timers() {
  const std::size_t live_bound = 2 * txs_.size();
  if (timers_heap_.size() > 2 * live_bound + 64) {
    std::erase_if(timers_heap_, [this](const Timer& t) {
      auto it = txs_.find(t.id);
      return it == txs_.end() || it->second.generation != t.generation;
    });
    std::make_heap(timers_heap_.begin(), timers_heap_.end(), std::greater<>{});
  }
  if (timers_heap_.capacity() > 4 * timers_heap_.size() + 256) timers_heap_.shrink_to_fit();
}

void TransactionLayer::terminate(Tx& tx) {
  by_key_.erase(tx.key);
  if (!tx.ack_key.empty()) by_ack_key_.erase(tx.ack_key);
  txs_.erase(tx.id);  // heap entries for it are skipped when they come up
}

void TransactionLayer::receive(const Message& msg, const Peer& from, std::uint64_t now) {
  if (!msg.is_request()) return receive_response(msg, from, now);
  switch (msg.method()) {
    case Method::kAck:
      return receive_ack(msg, from, now);
    case Method::kCancel:
      return receive_cancel(msg, from, now);
    default:
      return receive_request(msg, from, now);
  }
}

void TransactionLayer::receive_request(const Message& msg, const Peer& from, std::uint64_t) {
  std::string key = server_key(msg, false);
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    // A retransmission: resend what we last sent, if anything (§17.2.1, §17.2.2).
    Tx& tx = txs_.at(it->second);
    ++counters_.requests_absorbed;
    if (!tx.last_response.empty() && tx.state != State::kAccepted) send(tx, tx.last_response);
    return;
  }
  const bool invite = msg.method() == Method::kInvite;
  Tx& tx = create(invite ? Kind::kInviteServer : Kind::kServer, std::move(key), from,
                  std::string(msg.bytes()));
  ++counters_.server_created;
  if (invite) {
    // 100 Trying at once: the TU may take longer than 200 ms (§17.2.1).
    tx.state = State::kProceeding;
    std::string trying;
    MessageWriter w(&trying);
    write_response_head(msg, 100, "Trying", {}, w);
    w.finish();
    tx.last_response = trying;
    send(tx, trying);
  } else {
    tx.state = State::kTrying;
  }
  tu_.on_request(tx.id, msg, from);
}

Status TransactionLayer::respond(TxId id, std::string response, int code, std::uint64_t now) {
  auto it = txs_.find(id);
  if (it == txs_.end()) return Error{"transaction " + std::to_string(id) + " no longer exists"};
  Tx& tx = it->second;
  if (tx.kind != Kind::kInviteServer && tx.kind != Kind::kServer) {
    return Error{"transaction " + std::to_string(id) + " is a client transaction"};
  }
  if (tx.state != State::kTrying && tx.state != State::kProceeding) {
    return Error{"transaction " + std::to_string(id) + " already has a final response"};
  }
  if (code < 100 || code > 699)
    return Error{"status code " + std::to_string(code) + " out of range"};
  send(tx, response);
  tx.last_response = std::move(response);
  if (!is_final(code)) {
    tx.state = State::kProceeding;
    return Status::Ok();
  }
  const bool reliable = tx.peer.reliable();
  if (tx.kind == Kind::kServer) {
    tx.state = State::kCompleted;
    // Timer J: 64*T1 over UDP, zero on a stream (§17.2.2). The transaction
    // still ends through the timer heap, never inside the TU's call.
    tx.timeout_at = at(now, reliable ? 0 : 64ull * timers_.t1_ms);
  } else if (code < 300) {
    // RFC 6026 "Accepted": retransmit the 2xx until its ACK, absorb INVITE
    // retransmissions, give up after 64*T1.
    tx.state = State::kAccepted;
    Message req;
    if (parse_message(tx.request, &req).ok()) {
      tx.ack_key = "A|" + std::string(req.call_id()) + "|" + std::to_string(req.cseq().number);
      by_ack_key_[tx.ack_key] = tx.id;
    }
    tx.interval_ms = timers_.t1_ms;
    tx.retransmit_at = now + tx.interval_ms;
    tx.timeout_at = now + 64ull * timers_.t1_ms;
  } else {
    tx.state = State::kCompleted;
    tx.interval_ms = timers_.t1_ms;
    tx.retransmit_at = reliable ? 0 : now + tx.interval_ms;  // timer G: UDP only
    tx.timeout_at = now + 64ull * timers_.t1_ms;             // timer H
  }
  schedule(tx);
  return Status::Ok();
}

void TransactionLayer::receive_ack(const Message& msg, const Peer& from, std::uint64_t now) {
  // An ACK for a non-2xx final carries the INVITE's branch (§17.2.3).
  if (auto it = by_key_.find(server_key(msg, true)); it != by_key_.end()) {
    Tx& tx = txs_.at(it->second);
    if (tx.kind == Kind::kInviteServer && tx.state == State::kCompleted) {
      tx.state = State::kConfirmed;
      tx.retransmit_at = 0;
      tx.timeout_at = at(now, tx.peer.reliable() ? 0 : timers_.t4_ms);  // timer I
      schedule(tx);
      return;
    }
    if (tx.kind == Kind::kInviteServer && tx.state == State::kConfirmed)
      return;  // ACK retransmitted
  }
  // An ACK for a 2xx has a transaction of its own; it ends our 2xx retransmission.
  const std::string ack_key =
      "A|" + std::string(msg.call_id()) + "|" + std::to_string(msg.cseq().number);
  if (auto it = by_ack_key_.find(ack_key); it != by_ack_key_.end()) {
    terminate(txs_.at(it->second));
    tu_.on_ack(msg, from);
    return;
  }
  ++counters_.stray_acks;
  tu_.on_ack(msg, from);
}

void TransactionLayer::receive_cancel(const Message& msg, const Peer& from, std::uint64_t now) {
  std::string key = server_key(msg, false);
  if (auto it = by_key_.find(key); it != by_key_.end()) {  // CANCEL retransmitted
    Tx& tx = txs_.at(it->second);
    ++counters_.requests_absorbed;
    if (!tx.last_response.empty()) send(tx, tx.last_response);
    return;
  }
  Tx& tx = create(Kind::kServer, std::move(key), from, std::string(msg.bytes()));
  tx.state = State::kTrying;
  ++counters_.server_created;
  auto invite = by_key_.find(server_key(msg, true));
  const bool pending = invite != by_key_.end() &&
                       txs_.at(invite->second).kind == Kind::kInviteServer &&
                       txs_.at(invite->second).state == State::kProceeding;
  std::string response;
  MessageWriter w(&response);
  // §9.2: 200 for a CANCEL that matches; 481 when nothing does.
  if (invite != by_key_.end()) {
    write_response_head(msg, 200, "OK", {}, w);
  } else {
    write_response_head(msg, 481, "Call/Transaction Does Not Exist", {}, w);
  }
  w.finish();
  const TxId cancel_id = tx.id;
  const TxId invite_id = invite != by_key_.end() ? invite->second : 0;
  (void)respond(cancel_id, std::move(response), invite != by_key_.end() ? 200 : 481, now);
  if (invite_id == 0) {
    ++counters_.cancels_unmatched;
  } else if (pending) {
    ++counters_.cancels_received;
    tu_.on_cancel(invite_id);
  }
}

Result<TxId> TransactionLayer::request(std::string bytes, const Peer& to, std::uint64_t now) {
  Message msg;
  if (ParseError e = parse_message(bytes, &msg); !e.ok()) {
    return Error{"request does not parse: " + e.describe()};
  }
  if (!msg.is_request() || msg.method() == Method::kAck) {
    return Error{"only requests other than ACK start a client transaction"};
  }
  if (!msg.top_via().has_rfc3261_branch()) return Error{"the top Via needs an RFC 3261 branch"};
  std::string key =
      "C|" + std::string(msg.top_via().branch) + "|" + std::string(msg.request_line().method);
  if (by_key_.count(key) != 0)
    return Error{"branch " + std::string(msg.top_via().branch) + " is in use"};
  const bool invite = msg.method() == Method::kInvite;
  Tx& tx =
      create(invite ? Kind::kInviteClient : Kind::kClient, std::move(key), to, std::move(bytes));
  ++counters_.client_created;
  tx.state = invite ? State::kCalling : State::kTrying;
  tx.interval_ms = timers_.t1_ms;
  tx.retransmit_at = to.reliable() ? 0 : now + tx.interval_ms;  // timer A / E: UDP only
  tx.timeout_at = now + 64ull * timers_.t1_ms;                  // timer B / F
  send(tx, tx.request);
  schedule(tx);
  return tx.id;
}

void TransactionLayer::receive_response(const Message& msg, const Peer& from, std::uint64_t now) {
  auto it = by_key_.find(client_key(msg));
  if (it == by_key_.end()) {
    ++counters_.stray_responses;
    tu_.on_stray_response(msg, from);
    return;
  }
  Tx& tx = txs_.at(it->second);
  const int code = msg.status_line().code;
  if (tx.state == State::kCompleted) {
    // A retransmitted final: an INVITE client ACKs it again (§17.1.1.2).
    ++counters_.responses_absorbed;
    if (tx.kind == Kind::kInviteClient && is_final(code) && !tx.ack.empty()) send(tx, tx.ack);
    return;
  }
  if (!is_final(code)) {
    if (tx.state == State::kCalling || tx.state == State::kTrying) {
      tx.state = State::kProceeding;
      if (tx.kind == Kind::kInviteClient) {
        tx.retransmit_at = 0;  // a provisional stops INVITE retransmission
        tx.timeout_at = 0;     // and timer B: the far end now owns the timing
      } else {
        tx.interval_ms = timers_.t2_ms;
      }
      schedule(tx);
    }
    tu_.on_response(tx.id, msg);
    return;
  }
  const TxId id = tx.id;
  if (tx.kind == Kind::kInviteClient && code < 300) {
    terminate(tx);  // the TU acknowledges 2xx responses itself
  } else if (tx.kind == Kind::kInviteClient) {
    tx.state = State::kCompleted;
    tx.ack = build_ack_for_non_2xx(tx.request, msg);
    ++counters_.acks_sent;
    send(tx, tx.ack);
    tx.retransmit_at = 0;
    tx.timeout_at =
        at(now, tx.peer.reliable() ? 0 : 32000);  // timer D: 32 s over UDP, 0 on streams
    schedule(tx);
  } else {
    tx.state = State::kCompleted;
    tx.retransmit_at = 0;
    tx.timeout_at = at(now, tx.peer.reliable() ? 0 : timers_.t4_ms);  // timer K
    schedule(tx);
  }
  tu_.on_response(id, msg);
}

Result<TxId> TransactionLayer::cancel(TxId invite_tx, std::uint64_t now) {
  auto it = txs_.find(invite_tx);
  if (it == txs_.end() || it->second.kind != Kind::kInviteClient) {
    return Error{"no INVITE client transaction " + std::to_string(invite_tx)};
  }
  if (it->second.state != State::kCalling && it->second.state != State::kProceeding) {
    return Error{"INVITE " + std::to_string(invite_tx) + " already has a final response"};
  }
  auto cancel = build_cancel(it->second.request);
  if (!cancel) return cancel.error();
  return request(std::move(*cancel), it->second.peer, now);
}

void TransactionLayer::fire(Tx& tx, std::uint64_t now) {
  if (tx.timeout_at != 0 && now >= tx.timeout_at) {
    const TxId id = tx.id;
    const Kind kind = tx.kind;
    const State state = tx.state;
    terminate(tx);
    if ((kind == Kind::kInviteClient && state == State::kCalling) ||
        (kind == Kind::kClient && (state == State::kTrying || state == State::kProceeding))) {
      ++counters_.client_timeouts;
      tu_.on_client_timeout(id);  // B or F
    } else if (kind == Kind::kInviteServer &&
               (state == State::kCompleted || state == State::kAccepted)) {
      ++counters_.server_timeouts;
      tu_.on_server_timeout(id);  // H, or a 2xx never acknowledged
    }
    return;  // D, I, J, K: the transaction simply ends
  }
  if (tx.retransmit_at != 0 && now >= tx.retransmit_at) {
    ++counters_.retransmissions_sent;
    const bool server = tx.kind == Kind::kInviteServer;
    send(tx, server ? tx.last_response : tx.request);
    // A doubles without a ceiling; E, G and the 2xx retransmission stop at T2.
    tx.interval_ms = tx.kind == Kind::kInviteClient ? tx.interval_ms * 2
                                                    : std::min(tx.interval_ms * 2, timers_.t2_ms);
    tx.retransmit_at = now + tx.interval_ms;
    schedule(tx);
  }
}

void TransactionLayer::advance(std::uint64_t now) {
  while (!timers_heap_.empty() && timers_heap_.front().when <= now) {
    std::pop_heap(timers_heap_.begin(), timers_heap_.end(), std::greater<>{});
    const Timer t = timers_heap_.back();
    timers_heap_.pop_back();
    auto it = txs_.find(t.id);
    if (it == txs_.end() || it->second.generation != t.generation) continue;
    fire(it->second, now);
  }
  trim_timers();
}

std::uint64_t TransactionLayer::next_deadline() const {
  return timers_heap_.empty() ? std::numeric_limits<std::uint64_t>::max()
                              : timers_heap_.front().when;
}

std::string_view TransactionLayer::state_name(TxId id) const {
  auto it = txs_.find(id);
  if (it == txs_.end()) return "";
  switch (it->second.state) {
    case State::kCalling:
      return "calling";
    case State::kTrying:
      return "trying";
    case State::kProceeding:
      return "proceeding";
    case State::kAccepted:
      return "accepted";
    case State::kCompleted:
      return "completed";
    case State::kConfirmed:
      return "confirmed";
  }
  return "";
}

}  // namespace trunkline::sip
