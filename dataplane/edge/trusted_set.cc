#include "dataplane/edge/trusted_set.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace trunkline::edge {

namespace {

std::uint64_t load_be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | p[i];
  return v;
}

// Sorts by first address and merges ranges that overlap or touch.
template <typename R, typename Next>
void sort_and_merge(std::vector<R>* v, Next follows) {
  std::sort(v->begin(), v->end(), [](const R& a, const R& b) { return a.first < b.first; });
  std::vector<R> merged;
  for (const R& r : *v) {
    if (!merged.empty() &&
        (r.first <= merged.back().last || follows(merged.back().last, r.first))) {
      if (merged.back().last < r.last) merged.back().last = r.last;
    } else {
      merged.push_back(r);
    }
  }
  *v = std::move(merged);
}

}  // namespace

TrustedSet::U128 TrustedSet::load6(const std::uint8_t* a) {
  return U128{load_be64(a), load_be64(a + 8)};
}

TrustedSet::TrustedSet(const std::vector<net::Prefix4>& v4, const std::vector<net::Prefix6>& v6) {
  for (const net::Prefix4& p : v4) {
    const std::uint32_t mask = p.len == 0 ? 0 : ~std::uint32_t{0} << (32 - p.len);
    const std::uint32_t a = ntohl(p.addr.be) & mask;
    v4_.push_back({a, a | ~mask});
  }
  sort_and_merge(&v4_, [](std::uint32_t last, std::uint32_t first) {
    return last != ~std::uint32_t{0} && last + 1 == first;
  });
  for (const net::Prefix6& p : v6) {
    const U128 a = load6(p.addr.b.data());
    const unsigned len = p.len > 128 ? 128 : p.len;
    const std::uint64_t hi_mask = len == 0 ? 0 : len >= 64 ? ~0ull : ~0ull << (64 - len);
    const std::uint64_t lo_mask = len <= 64 ? 0 : len == 128 ? ~0ull : ~0ull << (128 - len);
    const U128 first{a.hi & hi_mask, a.lo & lo_mask};
    v6_.push_back({first, U128{first.hi | ~hi_mask, first.lo | ~lo_mask}});
  }
  sort_and_merge(&v6_, [](const U128& last, const U128& first) {
    if (last.lo != ~0ull) return last.hi == first.hi && last.lo + 1 == first.lo;
    return last.hi != ~0ull && last.hi + 1 == first.hi && first.lo == 0;
  });
}

bool TrustedSet::contains_v4(const std::uint8_t* src4) const {
  if (v4_.empty()) return false;
  std::uint32_t be;
  std::memcpy(&be, src4, 4);
  const std::uint32_t a = ntohl(be);
  // The last range that starts at or before `a`.
  auto it = std::upper_bound(v4_.begin(), v4_.end(), a,
                             [](std::uint32_t x, const Range4& r) { return x < r.first; });
  return it != v4_.begin() && a <= std::prev(it)->last;
}

bool TrustedSet::contains_v6(const std::uint8_t* src16) const {
  if (v6_.empty()) return false;
  const U128 a = load6(src16);
  auto it = std::upper_bound(v6_.begin(), v6_.end(), a,
                             [](const U128& x, const Range6& r) { return x < r.first; });
  return it != v6_.begin() && a <= std::prev(it)->last;
}

}  // namespace trunkline::edge
