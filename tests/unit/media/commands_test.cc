// Commands and reports: control's verbs applied on the lcores through the
// rings, the reports they answer, and MediaControl on the control side.
#include "dataplane/media/commands.h"

#include <gtest/gtest.h>

#include "dataplane/media/media_control.h"
#include "media_frames.h"

namespace trunkline::media {
namespace {

using namespace testing;

const Endpoint kLocalA = ep("198.51.100.1", 20000);
const Endpoint kCarrier = ep("198.51.100.10", 4000);
const Endpoint kLocalB = ep("203.0.113.1", 20002);
const Endpoint kAgent = ep("203.0.113.20", 5000);

Command create_cmd(SessionId id, std::uint16_t port_a = 20000, std::uint16_t port_b = 20002,
                   const Endpoint& carrier = kCarrier) {
  Command c;
  c.verb = CommandVerb::kCreate;
  c.id = id;
  c.legs[0] = leg(Endpoint{kLocalA.ip, port_a}, carrier, 0);
  c.legs[1] = leg(Endpoint{kLocalB.ip, port_b}, kAgent, 1);
  return c;
}

Command verb(CommandVerb v, SessionId id, std::uint8_t leg_index = 0, std::uint8_t flag = 0) {
  Command c;
  c.verb = v;
  c.id = id;
  c.leg = leg_index;
  c.flag = flag;
  return c;
}

TEST(MediaCommands, CreateThenDeleteAnswersAFinalReportPerLeg) {
  Lcore lc;
  ASSERT_TRUE(lc.commands.q.push(create_cmd(5)));
  EXPECT_EQ(process_commands(lc.m), 1u);
  EXPECT_EQ(lc.m.flows.sessions(), 1u);
  EXPECT_EQ(lc.counters.media_sessions_created.load(), 1u);
  EXPECT_TRUE(lc.drain().empty()) << "creation is silent";

  for (std::uint16_t i = 0; i < 4; ++i) {
    Rtp r;
    r.seq = i;
    Frame f = udp_frame(kCarrier, kLocalA, rtp_bytes(r));
    ASSERT_EQ(lc.relay(f), net::Verdict::kForward);
  }
  lc.drain();  // the kLatched
  ASSERT_TRUE(lc.commands.q.push(verb(CommandVerb::kDelete, 5)));
  EXPECT_EQ(process_commands(lc.m), 1u);
  EXPECT_EQ(lc.m.flows.sessions(), 0u);
  const std::vector<Report> reports = lc.drain();
  ASSERT_EQ(reports.size(), 2u);
  for (std::uint8_t k = 0; k < 2; ++k) {
    EXPECT_EQ(reports[k].kind, ReportKind::kFinal);
    EXPECT_EQ(reports[k].id, 5u);
    EXPECT_EQ(reports[k].leg, k);
  }
  EXPECT_EQ(reports[0].stats.packets, 4u);
  EXPECT_EQ(reports[0].stats.bytes, 4u * 172u);
  EXPECT_EQ(reports[0].stats.mos_x100, 440u);
  EXPECT_EQ(reports[0].addr, kCarrier) << "where leg 0 was latched";
  EXPECT_EQ(reports[1].stats.packets, 0u);
  EXPECT_EQ(reports[1].stats.mos_x100, 0u);
  EXPECT_EQ(lc.counters.media_sessions_deleted.load(), 1u);
  Frame f = udp_frame(kCarrier, kLocalA, rtp_bytes({}));
  EXPECT_EQ(lc.relay(f), net::Verdict::kDrop);
  EXPECT_EQ(lc.counters.media_no_flow.load(), 1u);
}

TEST(MediaCommands, FullTableAndDuplicatesAreRefusedWithAReport) {
  Lcore lc(1);
  apply_command(lc.m, create_cmd(1));
  apply_command(lc.m, create_cmd(2, 20004, 20006));
  EXPECT_EQ(lc.counters.media_table_full.load(), 1u);
  apply_command(lc.m, create_cmd(1, 20008, 20010));
  EXPECT_EQ(lc.counters.media_command_rejected.load(), 1u);
  const std::vector<Report> reports = lc.drain();
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].kind, ReportKind::kRefused);
  EXPECT_EQ(reports[0].id, 2u);
  EXPECT_EQ(reports[1].kind, ReportKind::kRefused);
  EXPECT_EQ(reports[1].id, 1u);
  EXPECT_EQ(lc.m.flows.sessions(), 1u) << "the first session is untouched";
}

TEST(MediaCommands, UnknownSessionsAreCountedNotAnswered) {
  Lcore lc;
  apply_command(lc.m, verb(CommandVerb::kDelete, 9));
  apply_command(lc.m, verb(CommandVerb::kHold, 9, 0, 1));
  apply_command(lc.m, create_cmd(1));
  apply_command(lc.m, verb(CommandVerb::kHold, 1, 2, 1));  // no leg 2
  EXPECT_EQ(lc.counters.media_command_rejected.load(), 3u);
  EXPECT_TRUE(lc.drain().empty());
}

TEST(MediaCommands, HoldAndRecordSetTheirFlags) {
  Lcore lc;
  apply_command(lc.m, create_cmd(1));
  Leg* a = lc.m.flows.session(1);
  Leg& b = lc.m.flows.other(*a);
  apply_command(lc.m, verb(CommandVerb::kHold, 1, 1, 1));
  EXPECT_FALSE(a->has(Leg::kHeld));
  EXPECT_TRUE(b.has(Leg::kHeld));
  apply_command(lc.m, verb(CommandVerb::kRecord, 1, 0, 1));
  EXPECT_TRUE(a->has(Leg::kRecord));
  EXPECT_TRUE(b.has(Leg::kRecord));
  apply_command(lc.m, verb(CommandVerb::kRecord, 1, 0, 0));
  apply_command(lc.m, verb(CommandVerb::kHold, 1, 1, 0));
  EXPECT_FALSE(a->has(Leg::kRecord));
  EXPECT_FALSE(b.has(Leg::kHeld));
}

TEST(MediaCommands, UpdateRemoteChangesTheAddressAndEventType) {
  Lcore lc;
  apply_command(lc.m, create_cmd(1));
  Command u = verb(CommandVerb::kUpdateRemote, 1, 1);
  u.legs[1] = leg(kLocalB, ep("203.0.113.21", 5002), 1, 96);
  apply_command(lc.m, u);
  const Leg& b = lc.m.flows.other(*lc.m.flows.session(1));
  EXPECT_EQ(b.remote, ep("203.0.113.21", 5002));
  EXPECT_EQ(b.telephone_event_pt, 96);
  EXPECT_EQ(b.dpdk_port, 1);
}

TEST(MediaCommands, ABurstOfCommandsIsTakenAFewPerPoll) {
  Lcore lc(100);
  for (SessionId id = 0; id < 40; ++id) {
    ASSERT_TRUE(lc.commands.q.push(create_cmd(id, static_cast<std::uint16_t>(20000 + 4 * id),
                                              static_cast<std::uint16_t>(20002 + 4 * id))));
  }
  EXPECT_EQ(process_commands(lc.m), kCommandsPerPoll);
  EXPECT_EQ(process_commands(lc.m), 40u - kCommandsPerPoll);
  EXPECT_EQ(lc.m.flows.sessions(), 40u);
  EXPECT_EQ(lc.counters.media_commands.load(), 40u);
}

TEST(MediaCommands, AFullReportRingIsACountedDrop) {
  Lcore lc;
  lc.m.reports[0] = nullptr;  // as good as full
  apply_command(lc.m, create_cmd(1));
  apply_command(lc.m, verb(CommandVerb::kDelete, 1));
  EXPECT_EQ(lc.counters.media_report_ring_full.load(), 2u);
}

// Two worker lcores and one control shard.
class MediaControlRings : public ::testing::Test {
 protected:
  MediaControlRings() : w0_(64, 0), w1_(64, 1) {
    control_ =
        std::make_unique<MediaControl>(0, std::vector<CommandRing*>{&w0_.commands, &w1_.commands},
                                       std::vector<ReportRing*>{&w0_.reports, &w1_.reports});
    w0_.commands.full_counter = &w0_.counters.media_command_ring_full;
    w1_.commands.full_counter = &w1_.counters.media_command_ring_full;
  }
  void run_workers() {
    process_commands(w0_.m);
    process_commands(w1_.m);
  }

  Lcore w0_, w1_;
  std::unique_ptr<MediaControl> control_;
};

TEST_F(MediaControlRings, SendReachesEveryWorkerAndPollCollectsTheirReports) {
  ASSERT_TRUE(control_->send(create_cmd(3)));
  run_workers();
  EXPECT_EQ(w0_.m.flows.sessions(), 1u);
  EXPECT_EQ(w1_.m.flows.sessions(), 1u);
  EXPECT_EQ(control_->sessions(), 1u);
  ASSERT_TRUE(control_->send(verb(CommandVerb::kDelete, 3)));
  run_workers();
  std::vector<Report> got;
  EXPECT_EQ(control_->poll([&](const Report& r) { got.push_back(r); }), 4u);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].worker, 0);
  EXPECT_EQ(got[2].worker, 1);
  for (const Report& r : got) EXPECT_EQ(r.kind, ReportKind::kFinal);
  EXPECT_EQ(control_->counters().commands_sent, 2u);
  EXPECT_EQ(control_->counters().reports, 4u);
  EXPECT_EQ(control_->sessions(), 0u);
}

TEST_F(MediaControlRings, AFullRingRefusesTheCommandForEveryWorker) {
  // Fill worker 1's ring only (worker 0 keeps draining).
  std::size_t queued = 0;
  while (w1_.commands.q.push(verb(CommandVerb::kHold, 99))) ++queued;
  ASSERT_GT(queued, 0u);
  EXPECT_FALSE(control_->send(create_cmd(4)));
  EXPECT_EQ(control_->counters().command_ring_full, 1u);
  EXPECT_EQ(w1_.counters.media_command_ring_full.load(), 1u);
  EXPECT_EQ(w0_.counters.media_command_ring_full.load(), 0u);
  EXPECT_EQ(process_commands(w0_.m), 0u) << "all or none: worker 0 got nothing either";
  while (process_commands(w1_.m) != 0) {
  }
  EXPECT_TRUE(control_->send(create_cmd(4)));
}

// RSS brings the carrier's RTP to worker 0 and the agent's to worker 1:
// worker 1 must still send to where worker 0 latched the carrier.
TEST_F(MediaControlRings, ALatchOnOneWorkerReachesTheOthers) {
  const Endpoint natted = ep("198.51.100.77", 61000);
  ASSERT_TRUE(control_->send(create_cmd(8, 20000, 20002, Endpoint{})));  // carrier unknown
  run_workers();
  Frame in = udp_frame(natted, kLocalA, rtp_bytes({}));
  ASSERT_EQ(w0_.relay(in), net::Verdict::kForward);
  Frame early = udp_frame(kAgent, kLocalB, rtp_bytes({}));
  EXPECT_EQ(w1_.relay(early), net::Verdict::kDrop) << "worker 1 does not know the carrier yet";
  EXPECT_EQ(w1_.counters.media_no_destination.load(), 1u);

  std::vector<Report> got;
  control_->poll([&](const Report& r) { got.push_back(r); });
  // Worker 0 latched leg 0 (forwarded); worker 1 latched leg 1 to its
  // signalled address (nothing new to forward).
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(control_->counters().latches_forwarded, 1u);
  run_workers();
  Frame later = udp_frame(kAgent, kLocalB, rtp_bytes({}));
  ASSERT_EQ(w1_.relay(later), net::Verdict::kForward);
  EXPECT_EQ(w1_.out.next_hop, natted.ip);
  EXPECT_EQ(later.u16(34 + 2), natted.port);
  EXPECT_TRUE(w0_.m.flows.session(8)->has(Leg::kLocked)) << "worker 0 stays locked";
  // The echo of the same latch is not forwarded again.
  Frame more = udp_frame(natted, kLocalA, rtp_bytes({}));
  ASSERT_EQ(w1_.relay(more), net::Verdict::kForward);  // worker 1 now latches leg 0 itself
  EXPECT_EQ(control_->poll([](const Report&) {}), 1u);
  EXPECT_EQ(control_->counters().latches_forwarded, 1u);
}

}  // namespace
}  // namespace trunkline::media
