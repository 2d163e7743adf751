// The transaction user that answers SIP until calls are routed: OPTIONS
// (carriers' keep-alives) with 200 and what we support; with
// [sip] test_responder, INVITE with 200 and an SDP answer and BYE in that
// dialog with 200 (carrier and load tests); otherwise INVITE with 480.
// Every other method: 501 with Allow. One per control shard.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "control/sip/transaction/transaction_layer.h"

namespace trunkline::sip {

struct ServiceCounters {
  std::uint64_t options_answered = 0;
  std::uint64_t invites_answered = 0;
  std::uint64_t invites_refused = 0;
  std::uint64_t byes_answered = 0;
  std::uint64_t byes_unknown = 0;
  std::uint64_t other_refused = 0;
  std::uint64_t dialogs = 0;  // open now
};

class SipService final : public TransactionUser {
 public:
  SipService(bool test_responder, std::function<std::uint64_t()> now_ms)
      : test_responder_(test_responder), now_ms_(std::move(now_ms)) {}
  void attach(TransactionLayer* layer) { layer_ = layer; }

  void on_request(TxId tx, const Message& request, const Peer& from) override;
  void on_ack(const Message&, const Peer&) override {}
  void on_cancel(TxId invite_tx) override;
  void on_response(TxId, const Message&) override {}
  void on_client_timeout(TxId) override {}
  void on_server_timeout(TxId) override {}
  void on_stray_response(const Message&, const Peer&) override {}

  const ServiceCounters& counters() const { return counters_; }

 private:
  void answer(TxId tx, const Message& request, int code, std::string_view reason,
              std::string_view extra_headers = {}, std::string_view content_type = {},
              std::string_view body = {});
  std::string new_tag();

  bool test_responder_;
  std::function<std::uint64_t()> now_ms_;
  TransactionLayer* layer_ = nullptr;
  std::unordered_set<std::string> dialogs_;  // Call-ID of the test responder's dialogs
  std::uint64_t tag_counter_ = 0;
  ServiceCounters counters_;
};

}  // namespace trunkline::sip
