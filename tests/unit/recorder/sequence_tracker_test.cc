#include "recorder/jitter/sequence_tracker.h"

#include <gtest/gtest.h>

namespace trunkline::recorder {
namespace {

using V = SequenceTracker::Verdict;

TEST(SequenceTrackerTest, CountsAcrossTheWrapAround) {
  SequenceTracker t;
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(t.accept(static_cast<std::uint16_t>(65500 + i)), V::kInOrder);
  EXPECT_EQ(t.expected(), 100u);
}

TEST(SequenceTrackerTest, ReorderedPacketsAreNewOnceAndDuplicatesAfter) {
  SequenceTracker t;
  EXPECT_EQ(t.accept(65534), V::kInOrder);
  EXPECT_EQ(t.accept(1), V::kInOrder);  // 65535 and 0 still to come
  EXPECT_EQ(t.accept(0), V::kReordered);
  EXPECT_EQ(t.accept(65535), V::kReordered);
  EXPECT_EQ(t.accept(0), V::kDuplicate);
  EXPECT_EQ(t.accept(1), V::kDuplicate);
  EXPECT_EQ(t.expected(), 4u);
}

TEST(SequenceTrackerTest, GapsCountAsExpected) {
  SequenceTracker t;
  t.accept(10);
  t.accept(11);
  t.accept(15);  // 12..14 lost
  EXPECT_EQ(t.expected(), 6u);
}

TEST(SequenceTrackerTest, PacketOlderThanTheWindowIsTooOld) {
  SequenceTracker t;
  for (int i = 0; i < 100; ++i) t.accept(static_cast<std::uint16_t>(i));
  EXPECT_EQ(t.accept(20), V::kTooOld);
  EXPECT_EQ(t.accept(40), V::kDuplicate);
}

TEST(SequenceTrackerTest, PacketBeforeTheFirstExtendsTheSpan) {
  SequenceTracker t;
  t.accept(100);
  t.accept(101);
  EXPECT_EQ(t.accept(99), V::kReordered);
  EXPECT_EQ(t.expected(), 3u);
}

TEST(SequenceTrackerTest, RestartKeepsWhatWasExpected) {
  SequenceTracker t;
  t.accept(1);
  t.accept(3);  // 2 lost
  t.restart();
  t.accept(5000);
  t.accept(5001);
  EXPECT_EQ(t.expected(), 5u);
}

TEST(SequenceTrackerTest, HugeForwardJumpIsASenderRestart) {
  SequenceTracker t;
  t.accept(1);
  t.accept(2);
  EXPECT_EQ(t.accept(30000), V::kInOrder);
  EXPECT_EQ(t.expected(), 3u);  // not 30000
}

}  // namespace
}  // namespace trunkline::recorder
