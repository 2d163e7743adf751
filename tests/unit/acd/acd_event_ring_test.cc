// The supervisors' event ring: events formatted with names resolved and
// numbered, read after a sequence number, bounded (the oldest dropped), and
// a reader that fell behind told how many it missed.
#include "control/app/acd_event_ring.h"

#include <gtest/gtest.h>

#include "tests/unit/acd/acd_test_util.h"

namespace trunkline::app {
namespace {

using acd::testing::kSec;
using acd::testing::TestEngine;

std::int64_t fixed_clock() { return 1'700'000'000'123; }

class AcdEventRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    q_ = t_.queue("sales");
    ann_ = t_.agent("ann", {}, {q_});
  }
  void attach(std::size_t capacity) {
    ring_ = std::make_unique<AcdEventRing>(*t_.engine, capacity);
    ring_->set_clock_for_test(fixed_clock);
    t_.engine->subscribe(ring_.get());
  }
  TestEngine t_;
  acd::QueueId q_ = 0;
  acd::AgentId ann_ = 0;
  std::unique_ptr<AcdEventRing> ring_;
};

TEST_F(AcdEventRingTest, EventsAreNumberedNamedAndReadAfterASequenceNumber) {
  attach(16);
  t_.ok(t_.engine->log_in(1 * kSec, ann_, false));
  t_.ok(t_.engine->set_ready(2 * kSec, ann_));
  // The first caller goes straight to ann; the second waits.
  ASSERT_NE(t_.arrive(3 * kSec, q_), acd::kNoCaller);
  ASSERT_NE(t_.arrive(4 * kSec, q_), acd::kNoCaller);
  const std::string all = ring_->since(0);
  EXPECT_EQ(all.rfind("[{\"seq\":1,\"at_ms\":1700000000123,\"event\":\"agent_state\",\"agent\":"
                      "\"ann\",\"from\":\"logged_out\",\"to\":\"not_ready\"",
                      0),
            0u)
      << all;
  EXPECT_NE(all.find("\"event\":\"caller_queued\",\"queue\":\"sales\""), std::string::npos) << all;
  EXPECT_NE(all.find("\"event\":\"caller_offered\",\"agent\":\"ann\",\"queue\":\"sales\""),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("\"from\":\"ready\",\"to\":\"reserved\""), std::string::npos) << all;
  const std::uint64_t last = ring_->last_seq();
  EXPECT_GE(last, 4u);
  EXPECT_EQ(ring_->since(last), "[]");
  const std::string tail = ring_->since(last - 1);
  EXPECT_EQ(tail.rfind("[{\"seq\":" + std::to_string(last) + ",", 0), 0u) << tail;
  // A number from an earlier run (above the last) reads everything kept.
  EXPECT_EQ(ring_->since(last + 100), all);
}

TEST_F(AcdEventRingTest, RingIsBoundedAndASlowReaderIsToldWhatItMissed) {
  attach(4);
  for (int i = 0; i < 5; ++i) {
    t_.ok(t_.engine->log_in((2 * i + 1) * kSec, ann_, true));
    t_.ok(t_.engine->log_out((2 * i + 2) * kSec, ann_));
  }
  EXPECT_EQ(ring_->last_seq(), 10u);
  EXPECT_EQ(ring_->size(), 4u);
  // Read up to 2; 3..6 are gone: told 4 missed, then 7..10.
  const std::string s = ring_->since(2);
  EXPECT_EQ(s.rfind("[{\"seq\":6,\"event\":\"missed\",\"count\":4},{\"seq\":7,", 0), 0u) << s;
  EXPECT_NE(s.find("{\"seq\":10,"), std::string::npos) << s;
  // A new reader gets what is kept, without a "missed" marker.
  EXPECT_EQ(ring_->since(0).find("missed"), std::string::npos);
}

}  // namespace
}  // namespace trunkline::app
