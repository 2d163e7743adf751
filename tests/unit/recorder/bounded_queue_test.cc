#include "recorder/ingest/bounded_queue.h"

#include <gtest/gtest.h>

#include <thread>

#include "recorder/ingest/rtp_record.h"

namespace trunkline::recorder {
namespace {

TEST(BoundedQueueTest, FullQueueDropsAndCountsWithoutBlocking) {
  BoundedQueue<RtpRecord> q(4);
  RtpRecord r;
  int accepted = 0;
  for (int i = 0; i < 10; ++i) {
    r.sequence = static_cast<std::uint16_t>(i);
    accepted += q.push(r) ? 1 : 0;
  }
  EXPECT_EQ(accepted, 4);
  EXPECT_EQ(q.dropped(), 6u);
  RtpRecord out;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(q.pop(out));
    EXPECT_EQ(out.sequence, i);
  }
  EXPECT_FALSE(q.pop(out));
  EXPECT_TRUE(q.empty());
}

TEST(BoundedQueueTest, OneProducerOneConsumerKeepOrderAndCountEveryItem) {
  BoundedQueue<RtpRecord> q(256);
  constexpr int kItems = 200000;
  std::thread producer([&] {
    RtpRecord r;
    for (int i = 0; i < kItems; ++i) {
      r.arrival_us = i;
      q.push(r);  // never blocks; drops when the consumer lags
    }
  });
  std::int64_t last = -1;
  std::uint64_t received = 0;
  bool ordered = true;
  while (received + q.dropped() < kItems || !q.empty()) {
    q.consume(64, [&](const RtpRecord& r) {
      ordered = ordered && r.arrival_us > last;
      last = r.arrival_us;
      ++received;
    });
  }
  producer.join();
  EXPECT_TRUE(ordered);
  EXPECT_EQ(received + q.dropped(), static_cast<std::uint64_t>(kItems));
}

}  // namespace
}  // namespace trunkline::recorder
