#include "dataplane/media/flow_table.h"

#include <sys/mman.h>

#include <algorithm>
#include <new>
#include <utility>

namespace trunkline::media {

namespace {

std::uint32_t pow2_at_least(std::uint64_t n) {
  std::uint64_t p = 2;
  while (p < n) p <<= 1;
  return static_cast<std::uint32_t>(p);
}

constexpr std::size_t align_up(std::size_t n, std::size_t a) { return (n + a - 1) / a * a; }

bool valid_local(const Endpoint& e) { return e.port != 0 && e.port % 2 == 0 && e.port != 0xfffe; }

void fill_leg(Leg& l, SessionId id, const LegSpec& spec, std::uint8_t owner_shard) {
  l = Leg{};
  l.local = spec.local;
  l.remote = spec.remote;
  l.dpdk_port = spec.dpdk_port;
  l.telephone_event_pt = spec.telephone_event_pt;
  l.owner_shard = owner_shard;
  l.id = id;
  l.flags = static_cast<std::uint8_t>(Leg::kInUse | (spec.local.ip.is_v4() ? 0 : Leg::kV6) |
                                      (spec.latch ? Leg::kLatch : 0));
}

}  // namespace

FlowTable::FlowTable(std::uint32_t max_sessions) {
  max_sessions = std::min(max_sessions, kMaxSessionsLimit);
  if (max_sessions == 0) return;
  const std::uint32_t index_cap = pow2_at_least(4ull * max_sessions);  // legs at most half
  const std::uint32_t id_cap = pow2_at_least(2ull * max_sessions);
  const std::size_t legs_bytes = 2ull * max_sessions * sizeof(Leg);
  const std::size_t index_off = align_up(legs_bytes, 64);
  const std::size_t id_off = index_off + align_up(std::size_t{index_cap} * sizeof(Slot), 64);
  const std::size_t free_off = id_off + align_up(std::size_t{id_cap} * sizeof(Slot), 64);
  const std::size_t total = free_off + std::size_t{max_sessions} * sizeof(std::uint32_t);

  void* p = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;  // max_sessions() stays 0: the caller reports it
  // Huge pages where the kernel allows them (THP "madvise" or "always"); the
  // writes below fault every page in now rather than on the packet path.
  (void)madvise(p, total, MADV_HUGEPAGE);
  region_ = p;
  region_bytes_ = total;
  auto* base = static_cast<std::uint8_t*>(p);
  legs_ = reinterpret_cast<Leg*>(base);
  for (std::size_t i = 0; i < 2ull * max_sessions; ++i) new (&legs_[i]) Leg();
  index_ = reinterpret_cast<Slot*>(base + index_off);
  index_mask_ = index_cap - 1;
  for (std::uint32_t i = 0; i < index_cap; ++i) index_[i] = Slot{0, kNoLeg};
  by_id_ = reinterpret_cast<Slot*>(base + id_off);
  by_id_mask_ = id_cap - 1;
  for (std::uint32_t i = 0; i < id_cap; ++i) by_id_[i] = Slot{0, kNoLeg};
  free_ = reinterpret_cast<std::uint32_t*>(base + free_off);
  // Lowest session numbers first: a lightly loaded table stays compact.
  for (std::uint32_t i = 0; i < max_sessions; ++i) free_[i] = max_sessions - 1 - i;
  free_top_ = max_sessions;
  max_sessions_ = max_sessions;
}

FlowTable::~FlowTable() {
  if (region_ != nullptr) munmap(region_, region_bytes_);
}

FlowTable::FlowTable(FlowTable&& o) noexcept { *this = std::move(o); }

FlowTable& FlowTable::operator=(FlowTable&& o) noexcept {
  if (this == &o) return *this;
  if (region_ != nullptr) munmap(region_, region_bytes_);
  max_sessions_ = std::exchange(o.max_sessions_, 0);
  sessions_ = std::exchange(o.sessions_, 0);
  legs_ = std::exchange(o.legs_, nullptr);
  index_ = std::exchange(o.index_, nullptr);
  index_mask_ = std::exchange(o.index_mask_, 0);
  by_id_ = std::exchange(o.by_id_, nullptr);
  by_id_mask_ = std::exchange(o.by_id_mask_, 0);
  free_ = std::exchange(o.free_, nullptr);
  free_top_ = std::exchange(o.free_top_, 0);
  region_ = std::exchange(o.region_, nullptr);
  region_bytes_ = std::exchange(o.region_bytes_, 0);
  return *this;
}

std::size_t FlowTable::bytes() const { return region_bytes_; }

std::uint32_t FlowTable::id_hash(SessionId id) {
  return static_cast<std::uint32_t>((id * 0x9e3779b97f4a7c15ull) >> 32);
}

std::uint32_t FlowTable::find_id_slot(SessionId id) const {
  if (by_id_ == nullptr) return kNoLeg;
  for (std::uint32_t i = id_hash(id) & by_id_mask_;; i = (i + 1) & by_id_mask_) {
    if (by_id_[i].leg == kNoLeg) return kNoLeg;
    if (by_id_[i].tag == id) return i;
  }
}

Leg* FlowTable::session(SessionId id) {
  const std::uint32_t i = find_id_slot(id);
  return i == kNoLeg ? nullptr : &legs_[2 * by_id_[i].leg];
}

InsertResult FlowTable::insert(SessionId id, const LegSpec& a, const LegSpec& b,
                               std::uint8_t owner_shard) {
  if (!valid_local(a.local) || !valid_local(b.local) || a.local == b.local) {
    return InsertResult::kInvalid;
  }
  if (find_id_slot(id) != kNoLeg || find(a.local.ip, a.local.port) != nullptr ||
      find(b.local.ip, b.local.port) != nullptr) {
    return InsertResult::kDuplicate;
  }
  if (free_top_ == 0) return InsertResult::kFull;
  const std::uint32_t n = free_[--free_top_];
  const LegSpec* specs[2] = {&a, &b};
  for (std::uint32_t k = 0; k < 2; ++k) {
    Leg& l = legs_[2 * n + k];
    fill_leg(l, id, *specs[k], owner_shard);
    const std::uint64_t h = flow_hash(l.local.ip, l.local.port);
    std::uint32_t i = static_cast<std::uint32_t>(h) & index_mask_;
    while (index_[i].leg != kNoLeg) i = (i + 1) & index_mask_;
    index_[i] = Slot{static_cast<std::uint32_t>(h >> 32), 2 * n + k};
  }
  std::uint32_t i = id_hash(id) & by_id_mask_;
  while (by_id_[i].leg != kNoLeg) i = (i + 1) & by_id_mask_;
  by_id_[i] = Slot{id, n};
  ++sessions_;
  return InsertResult::kOk;
}

std::uint32_t FlowTable::home_of(const Slot& s, bool by_id) const {
  if (by_id) return id_hash(s.tag) & by_id_mask_;
  const Leg& l = legs_[s.leg];
  return static_cast<std::uint32_t>(flow_hash(l.local.ip, l.local.port)) & index_mask_;
}

void FlowTable::index_remove(Slot* table, std::uint32_t mask, std::uint32_t i, bool by_id) {
  // Backward-shift deletion: pull later members of the cluster into the hole
  // when their home slot allows it, so no tombstones are needed.
  std::uint32_t hole = i;
  for (std::uint32_t j = (i + 1) & mask; table[j].leg != kNoLeg; j = (j + 1) & mask) {
    const std::uint32_t home = home_of(table[j], by_id);
    const bool home_in_range = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!home_in_range) {
      table[hole] = table[j];
      hole = j;
    }
  }
  table[hole] = Slot{0, kNoLeg};
}

bool FlowTable::erase(SessionId id) {
  const std::uint32_t idslot = find_id_slot(id);
  if (idslot == kNoLeg) return false;
  const std::uint32_t n = by_id_[idslot].leg;
  for (std::uint32_t k = 0; k < 2; ++k) {
    const std::uint32_t leg = 2 * n + k;
    const Leg& l = legs_[leg];
    std::uint32_t i = static_cast<std::uint32_t>(flow_hash(l.local.ip, l.local.port)) & index_mask_;
    while (index_[i].leg != leg) i = (i + 1) & index_mask_;
    index_remove(index_, index_mask_, i, false);
  }
  legs_[2 * n] = Leg{};
  legs_[2 * n + 1] = Leg{};
  index_remove(by_id_, by_id_mask_, idslot, true);
  free_[free_top_++] = n;
  --sessions_;
  return true;
}

}  // namespace trunkline::media
