// The B2BUA call model: an INVITE from an allowed trunk to a known number
// becomes a call with an inbound (carrier) leg and an outbound (agent) leg,
// each its own SIP dialog; the media of both is anchored in the dataplane
// (a media session per call, installed and removed through MediaSink).
//
// It is the transaction user of one control shard: requests and responses
// come from the TransactionLayer, REGISTER goes to the registrar handler,
// and what is not a call (OPTIONS, the test responder) goes to `fallback`.
// Pure logic over its inputs: time comes from the clocks it is given; no
// thread, no I/O of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "control/b2bua/call_queue.h"
#include "control/b2bua/call_record.h"
#include "control/b2bua/call_recorder.h"
#include "control/b2bua/dialog.h"
#include "control/b2bua/media_ports.h"
#include "control/b2bua/routing.h"
#include "control/sip/transaction/transaction_layer.h"
#include "dataplane/media/media_types.h"

namespace trunkline::b2bua {

struct Offer;   // call.h
struct Branch;  // call.h

// Where media commands go (the dataplane's command rings in the daemon).
class MediaSink {
 public:
  virtual ~MediaSink() = default;
  // False when a ring was full: the command did not reach every lcore.
  virtual bool send(const media::Command& c) = 0;
};

struct B2buaConfig {
  unsigned shard = 0;
  unsigned shards = 1;
  std::uint16_t media_port_min = 20000;
  std::uint16_t media_port_max = 29999;
  std::uint32_t ring_timeout_s = 30;  // an unanswered target is cancelled after this
  std::uint32_t max_calls = 10000;    // per shard; beyond: 503 with Retry-After
  std::uint32_t retry_after_s = 30;
  unsigned media_workers = 1;        // lcores that send a kFinal report per leg
  std::uint32_t cdr_wait_ms = 1000;  // how long a CDR waits for the media reports
  bool test_responder = false;       // INVITEs go to `fallback` (load tests)
};

// clang-format off
#define TL_B2BUA_COUNTERS(X)                                                   \
  X(calls_offered,       "INVITEs that started a call")                        \
  X(calls_answered,      "calls an agent answered")                            \
  X(calls_active,        "calls up now (gauge)")                               \
  X(refused_trunk,       "INVITEs refused 403: source is no allowed trunk")    \
  X(refused_transport,   "INVITEs refused 403: a TLS trunk's, or a SIPS, INVITE not over TLS") \
  X(refused_number,      "INVITEs refused 404: number not provisioned")        \
  X(refused_overload,    "INVITEs refused 503: too many calls or no media port") \
  X(refused_sdp,         "INVITEs refused 488: no usable audio offer")         \
  X(abandoned,           "calls the caller cancelled before an answer")        \
  X(agent_busy,          "targets that answered busy")                         \
  X(agent_no_answer,     "targets cancelled at the ring timeout")              \
  X(agent_unreachable,   "targets that failed or timed out")                   \
  X(byes,                "BYEs handled")                                       \
  X(reinvites,           "re-INVITEs and UPDATEs relayed")                     \
  X(media_command_failed,"media commands that did not reach every lcore")      \
  X(cdrs_written,        "CDRs handed to the store")                           \
  X(recordings_started,  "answered calls of recorded numbers whose recording started") \
  X(recordings_failed,   "answered calls of recorded numbers NOT recorded: recorder off or full") \
  X(streams_measured,    "call legs whose final RTP statistics were measured (packets > 0)") \
  X(stream_packets,      "RTP packets received on measured legs")              \
  X(stream_packets_lost, "RTP packets lost on measured legs (RFC 3550 expected - received)") \
  X(streams_mos_good,    "measured legs with an estimated MOS of 4.0 or more") \
  X(streams_mos_fair,    "measured legs with an estimated MOS of 3.6 to 4.0") \
  X(streams_mos_poor,    "measured legs with an estimated MOS below 3.6")     \
  X(streams_jitter_over_30ms, "measured legs whose interarrival jitter ended above 30 ms") \
  X(streams_loss_over_1pct,   "measured legs that lost more than 1% of their packets") \
  X(queued,              "calls handed to the ACD (numbers with a queue)")      \
  X(queue_prompts,       "announcement/music playouts started for waiting callers") \
  X(queue_offers,        "offers of queued calls to agents")                   \
  X(queue_released,      "queued calls the ACD released: refused, announced or transferred") \
  X(late_offers,         "INVITEs without SDP: our offer went in the 200, the answer came in the ACK") \
  X(late_answer_missing, "late-offer calls ended: the carrier's ACK had no usable answer") \
  X(queue_menus,         "callers who heard a number's DTMF menu")               \
  X(queue_menu_choices,  "menu keys that chose an incoming skill")             \
  X(queue_no_acd,        "calls to a queued number refused 480: the tenant has no ACD")
// clang-format on

struct B2buaCounters {
#define TL_B2BUA_COUNTER_FIELD(name, help) std::uint64_t name = 0;
  TL_B2BUA_COUNTERS(TL_B2BUA_COUNTER_FIELD)
#undef TL_B2BUA_COUNTER_FIELD
};

using RegisterHandler = std::function<std::string(const sip::Message&, const sip::Peer&,
                                                  std::uint64_t now_ms, int* code)>;

class B2bua final : public sip::TransactionUser {
 public:
  // `now_ms`: the shard's monotonic clock (timers); `wall_ms`: UTC ms (CDRs).
  B2bua(B2buaConfig cfg, Routing& routing, MediaSink& media, sip::Transport& transport,
        CallRecordSink cdrs, std::function<std::uint64_t()> now_ms,
        std::function<std::uint64_t()> wall_ms);
  ~B2bua() override;

  void attach(sip::TransactionLayer* layer) { layer_ = layer; }
  void set_fallback(sip::TransactionUser* fallback) { fallback_ = fallback; }
  void set_register_handler(RegisterHandler h) { register_ = std::move(h); }
  // Records answered calls of numbers provisioned with record = true (null:
  // recording is off, and such calls count as recordings_failed).
  void set_recorder(CallRecorder* recorder) { recorder_ = recorder; }
  // The ACD, for numbers provisioned with a queue (null: such calls get 480).
  void set_queue(CallQueue* queue) { queue_ = queue; }
  // An order of the ACD about one of this shard's queued calls.
  void on_queue_order(const QueueOrder& order);

  void on_request(sip::TxId tx, const sip::Message& request, const sip::Peer& from) override;
  void on_ack(const sip::Message& ack, const sip::Peer& from) override;
  void on_cancel(sip::TxId invite_tx) override;
  void on_response(sip::TxId client_tx, const sip::Message& response) override;
  void on_client_timeout(sip::TxId client_tx) override;
  void on_server_timeout(sip::TxId server_tx) override;
  void on_stray_response(const sip::Message& response, const sip::Peer& from) override;

  // A report from the dataplane about one of this shard's sessions.
  void on_media_report(const media::Report& r);
  // Ring timeouts and overdue CDRs; call at least every 100 ms.
  void tick();

  const B2buaCounters& counters() const { return counters_; }
  std::size_t calls() const { return calls_.size(); }

  struct Call;

 private:
  enum class Side : std::uint8_t { kCarrier = 0, kAgent = 1 };
  // A request relayed from one leg to the other (re-INVITE, UPDATE): the
  // server transaction on the leg it came from waits for the other's answer.
  struct Relay {
    media::SessionId call;
    sip::TxId server_tx;
    Side from;
    std::string request;     // as received, to answer it
    std::uint32_t cseq = 0;  // of the relayed request on the other leg (its ACK reuses it)
  };

  void start_call(sip::TxId tx, const sip::Message& invite, const sip::Peer& from);
  void in_dialog(sip::TxId tx, const sip::Message& req, const sip::Peer& from, Call& call,
                 Side side);
  // b2bua_branches.cc: ringing agents' phones.
  void hunt(Call& call);
  void offer_agent(Call& call, std::string agent, std::vector<Target> targets,
                   std::uint32_t ring_ms);
  bool ring_wave(Call& call, Offer& offer);
  bool send_invite(Call& call, Offer& offer, const Target& t);
  bool agent_key(Call& call);
  void forget_branch(Call& call, sip::TxId tx);
  void cancel_branches(Call& call, const std::string* only_agent = nullptr);
  void on_branch_response(Call& call, sip::TxId tx, const sip::Message& response);
  void branch_failed(Call& call, sip::TxId tx, int code, std::string_view reason);
  void wave_over(Call& call, const std::string& agent);
  void offer_over(Call& call, const std::string& agent);
  void answered_by(Call& call, sip::TxId tx, const sip::Message& response);
  void tick_offers(Call& call, std::uint64_t now);
  void answer_carrier(Call& call, int code, std::string_view reason, std::string_view extra = {},
                      std::string_view sdp = {});
  void respond(sip::TxId tx, const sip::Message& req, int code, std::string_view reason,
               std::string_view to_tag, std::string_view extra = {},
               std::string_view content_type = {}, std::string_view body = {});
  void send_in_dialog(Call& call, Side side, std::string_view method, std::string_view extra = {},
                      std::string_view content_type = {}, std::string_view body = {},
                      Relay* relay = nullptr);
  void send_ack(Call& call, std::uint32_t cseq);
  void hang_up(Call& call, Side from_side, int code, std::string_view text);
  void end_call(Call& call, Outcome outcome, int code, std::string_view text);
  void finish(Call& call);  // writes the CDR and forgets the call
  void update_media(Call& call, Side side, const struct AudioOffer& a);
  void update_leg(Call& call, Side side);
  void start_recording(Call& call, std::string_view answer_sdp);
  void count_stream(const store::LegStats& leg);
  // b2bua_queue.cc: calls distributed by the ACD.
  void enqueue(Call& call);
  void arrive(Call& call, std::string_view incoming_skill);
  bool install_media(Call& call);
  // `agent` "": the call's current agent.
  void report(Call& call, QueueReportKind kind, OfferFailureKind failure = OfferFailureKind::kError,
              std::string_view agent = {});
  void offer_failed(Call& call, const Offer& offer);
  void play(Call& call, std::uint16_t announcement, std::uint16_t music);
  void offer(Call& call, const QueueOrder& order);
  void release_queued(Call& call, int code, std::string_view cause);
  void queue_tick(Call& call, std::uint64_t now);
  void menu_key(Call& call, std::uint8_t event);
  void media(const media::Command& c);
  Call* find(std::string_view call_id, Side* side);
  std::string new_tag();
  std::string new_call_id();
  // Our Contact on a leg; `sips`: a SIPS URI (the leg is TLS end to end).
  std::string contact_for(const sip::Peer& local_side, bool sips = false) const;

  B2buaConfig cfg_;
  Routing& routing_;
  MediaSink& media_;
  sip::Transport& transport_;
  CallRecordSink cdrs_;
  std::function<std::uint64_t()> now_ms_;
  std::function<std::uint64_t()> wall_ms_;
  sip::TransactionLayer* layer_ = nullptr;
  sip::TransactionUser* fallback_ = nullptr;
  RegisterHandler register_;
  CallRecorder* recorder_ = nullptr;
  CallQueue* queue_ = nullptr;
  MediaPorts ports_;
  std::uint32_t next_session_ = 1;
  std::uint64_t tag_counter_ = 0;
  std::uint64_t random_state_;
  std::unordered_map<media::SessionId, std::unique_ptr<Call>> calls_;
  std::unordered_map<std::string, media::SessionId> by_call_id_;  // both legs' Call-IDs
  std::unordered_map<sip::TxId, media::SessionId> by_server_tx_;  // carrier INVITEs pending
  std::unordered_map<sip::TxId, media::SessionId> by_invite_tx_;  // our INVITEs to targets
  std::unordered_map<sip::TxId, Relay> relays_;
  B2buaCounters counters_;
};

}  // namespace trunkline::b2bua
