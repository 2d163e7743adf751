#include "dataplane/net/neighbour_table.h"

#include <cstring>

namespace trunkline::net {

namespace {

// FNV-1a over the 16 key bytes; the table is small and the keys are short.
std::uint32_t hash(const IpKey& k) {
  std::uint32_t h = 2166136261u;
  for (std::uint8_t b : k.b) h = (h ^ b) * 16777619u;
  return h;
}

}  // namespace

NeighbourTable::NeighbourTable(const NeighbourParams& params, Counters* counters)
    : params_(params), counters_(counters), slots_(params.capacity), mask_(params.capacity - 1) {}

std::uint32_t NeighbourTable::slot_of(const IpKey& ip) const { return hash(ip) & mask_; }

const Neighbour* NeighbourTable::find(const IpKey& ip) const {
  for (std::uint32_t i = slot_of(ip), n = 0; n <= mask_; i = (i + 1) & mask_, ++n) {
    const Neighbour& e = slots_[i];
    if (e.state == NeighState::kEmpty) return nullptr;
    if (e.ip == ip) return &e;
  }
  return nullptr;
}

Neighbour* NeighbourTable::find_mut(const IpKey& ip) {
  return const_cast<Neighbour*>(static_cast<const NeighbourTable*>(this)->find(ip));
}

Neighbour* NeighbourTable::insert(const IpKey& ip) {
  // Keep one slot in eight free so probe sequences stay short.
  if (size_ >= capacity() - capacity() / 8) {
    bump(counters_->neigh_table_full);
    return nullptr;
  }
  std::uint32_t i = slot_of(ip);
  while (slots_[i].state != NeighState::kEmpty) i = (i + 1) & mask_;
  slots_[i] = Neighbour{};
  slots_[i].ip = ip;
  ++size_;
  return &slots_[i];
}

void NeighbourTable::remove_at(std::uint32_t i) {
  // Backward-shift deletion: pull later members of the cluster into the hole
  // when their home slot allows it, so no tombstones are needed.
  std::uint32_t hole = i;
  for (std::uint32_t j = (i + 1) & mask_; slots_[j].state != NeighState::kEmpty;
       j = (j + 1) & mask_) {
    std::uint32_t home = slot_of(slots_[j].ip);
    // j may move to hole if home is not cyclically in (hole, j].
    bool home_in_range = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
    if (!home_in_range) {
      slots_[hole] = slots_[j];
      hole = j;
    }
  }
  slots_[hole] = Neighbour{};
  --size_;
}

void NeighbourTable::learn(const IpKey& ip, const MacAddr& mac, std::uint64_t now_ms,
                           bool confirmed, bool create) {
  Neighbour* e = find_mut(ip);
  if (e == nullptr) {
    if (!create) return;
    e = insert(ip);
    if (e == nullptr) return;
    e->used_ms = now_ms;
  } else if (e->state != NeighState::kIncomplete && !(e->mac == mac)) {
    bump(counters_->neigh_mac_changed);
  }
  const bool was_resolved = e->state == NeighState::kReachable || e->state == NeighState::kStale;
  e->mac = mac;
  if (confirmed) {
    e->state = NeighState::kReachable;
    e->confirmed_ms = now_ms;
    e->probes = 0;
    bump(counters_->neigh_learned);
  } else {
    if (!was_resolved) bump(counters_->neigh_learned);
    // A hint with the same MAC leaves a REACHABLE entry as it is.
    if (e->state != NeighState::kReachable) {
      e->state = NeighState::kStale;
      e->probes = 0;
    }
  }
}

Resolution NeighbourTable::resolve(const IpKey& ip, std::uint64_t now_ms) {
  Neighbour* e = find_mut(ip);
  if (e == nullptr) {
    e = insert(ip);
    if (e == nullptr) return {};
    e->state = NeighState::kIncomplete;
  }
  e->used_ms = now_ms;
  const bool due = e->probes == 0 || now_ms - e->probed_ms >= params_.retransmit_ms;
  Resolution r;
  switch (e->state) {
    case NeighState::kReachable:
      if (now_ms - e->confirmed_ms < params_.reachable_ms) return {&e->mac, false};
      e->state = NeighState::kStale;
      [[fallthrough]];
    case NeighState::kStale:
      r.mac = &e->mac;
      r.send_probe = due && e->probes < params_.max_probes;
      break;
    case NeighState::kIncomplete:
      r.send_probe = due && e->probes < params_.max_probes;
      break;
    case NeighState::kEmpty:
      break;
  }
  if (r.send_probe) {
    ++e->probes;
    e->probed_ms = now_ms;
  }
  return r;
}

void NeighbourTable::age(std::uint64_t now_ms, std::uint32_t budget) {
  for (std::uint32_t n = 0; n < budget && n <= mask_; ++n) {
    const std::uint32_t i = age_cursor_;
    age_cursor_ = (age_cursor_ + 1) & mask_;
    Neighbour& e = slots_[i];
    switch (e.state) {
      case NeighState::kEmpty:
        break;
      case NeighState::kReachable:
        if (now_ms - e.confirmed_ms >= params_.reachable_ms) e.state = NeighState::kStale;
        break;
      case NeighState::kIncomplete:
        if (e.probes >= params_.max_probes && now_ms - e.probed_ms >= params_.retransmit_ms) {
          bump(counters_->neigh_failed);
          remove_at(i);
          // The slot may now hold a shifted entry: look at it again.
          age_cursor_ = i;
        }
        break;
      case NeighState::kStale:
        if (e.probes >= params_.max_probes && now_ms - e.probed_ms >= params_.retransmit_ms) {
          // Re-probed because it was used, and no longer answers.
          bump(counters_->neigh_failed);
          remove_at(i);
          age_cursor_ = i;
        } else if (now_ms - e.used_ms >= params_.max_age_ms &&
                   now_ms - e.confirmed_ms >= params_.max_age_ms) {
          bump(counters_->neigh_expired);
          remove_at(i);
          age_cursor_ = i;
        }
        break;
    }
  }
}

}  // namespace trunkline::net
