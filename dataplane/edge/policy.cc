#include "dataplane/edge/policy.h"

#include <thread>

namespace trunkline::edge {

PolicyExchange::~PolicyExchange() {
  // The owner stops the lcores before destroying the exchange.
  for (auto& r : retired_) delete r.second;
  delete current_.load();
}

std::size_t PolicyExchange::publish(std::unique_ptr<const EdgePolicy> p,
                                    std::chrono::microseconds wait, bool readers_running) {
  const EdgePolicy* old = current_.exchange(p.release(), std::memory_order_acq_rel);
  const std::uint64_t v = version_.fetch_add(1, std::memory_order_acq_rel) + 1;
  if (old != nullptr) retired_.emplace_back(v, old);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (reclaim(readers_running) != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  return retired_.size();
}

std::size_t PolicyExchange::reclaim(bool readers_running) {
  std::uint64_t oldest_seen = ~std::uint64_t{0};
  if (readers_running)
    for (const auto* r : readers_) {
      const std::uint64_t s = r->load(std::memory_order_acquire);
      if (s < oldest_seen) oldest_seen = s;
    }
  std::size_t kept = 0;
  for (auto& r : retired_) {
    if (r.first <= oldest_seen) {
      delete r.second;
    } else {
      retired_[kept++] = r;
    }
  }
  retired_.resize(kept);
  return kept;
}

}  // namespace trunkline::edge
