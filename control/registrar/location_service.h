// The location service: where each agent's phones can be reached, as the
// registrar learned it from REGISTER (RFC 3261 section 10.3). Bindings are
// per (tenant, agent): the same user name in two tenants is two agents.
//
// Each binding keeps the Contact URI, its q, when it expires, and the
// address and port the REGISTER came from (a phone behind NAT is reached
// there, not at the private address in its Contact), with the Call-ID and
// CSeq of the REGISTER that wrote it, for the ordering rules of step 7.
//
// One instance is shared by every control shard: a std::shared_mutex inside,
// lookups take it shared. Bounded per agent and in total; what does not fit
// is refused whole and counted.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "control/sip/transaction/peer.h"
#include "control/store/store.h"

namespace trunkline::registrar {

struct Binding {
  std::string contact;     // the Contact URI as the phone wrote it, without "<" ">"
  std::uint16_t q = 1000;  // q-value in thousandths; 1000 when the Contact had none
  std::uint64_t expires_at_ms = 0;
  std::uint64_t updated_ms = 0;  // registered or last refreshed
  sip::Peer source;              // where the REGISTER came from
  std::string call_id;
  std::uint32_t cseq = 0;

  // Seconds left, rounded up; 0 once expired.
  std::uint32_t expires_in_s(std::uint64_t now_ms) const;
};

struct ContactChange {
  std::string contact;  // URI text
  std::uint16_t q = 1000;
  std::uint32_t expires_s = 0;  // 0 removes the binding
};

// All the binding changes of one REGISTER, applied all or nothing.
struct RegisterChange {
  store::TenantId tenant = 0;
  std::string_view agent;
  std::span<const ContactChange> contacts;
  bool remove_all = false;  // Contact: * (contacts then empty)
  sip::Peer source;
  std::string_view call_id;
  std::uint32_t cseq = 0;
  std::uint64_t now_ms = 0;
  // Bindings this agent may hold: 0 for the service's limit, else the
  // smaller of the two.
  std::size_t max_contacts = 0;
};

enum class ApplyError : std::uint8_t {
  kNone,
  kOutOfOrder,       // same Call-ID as a binding, CSeq not above it (step 7)
  kTooManyContacts,  // the agent would hold more than its limit
  kTableFull,        // the service would hold more than max_bindings
};

struct ApplyResult {
  ApplyError error = ApplyError::kNone;
  std::size_t added = 0;
  std::size_t refreshed = 0;
  std::size_t removed = 0;
  bool ok() const { return error == ApplyError::kNone; }
};

// Key under which two Contact URIs are the same binding: RFC 3261 section
// 19.1.4 simplified to what a phone varies: scheme and host compared without
// case, user with its escapes resolved, port, and the transport parameter.
// Other parameters (;ob, ;rinstance ...) do not make a new binding. A URI
// that does not parse is its own key.
std::string contact_key(std::string_view uri);

// clang-format off
#define TL_LOCATION_COUNTERS(X)                                                         \
  X(bindings_added,       "bindings created by REGISTER")                               \
  X(bindings_refreshed,   "bindings refreshed by REGISTER")                             \
  X(bindings_removed,     "bindings removed by REGISTER (Expires 0 or Contact *)")      \
  X(bindings_expired,     "bindings removed because they expired")                      \
  X(refused_out_of_order, "REGISTERs refused: CSeq not above the binding's (same Call-ID)") \
  X(refused_agent_full,   "REGISTERs refused: more contacts than the agent may hold")   \
  X(refused_table_full,   "REGISTERs refused: the location service is full")
// clang-format on

struct LocationCounters {
#define TL_LOCATION_COUNTER_FIELD(name, help) std::uint64_t name = 0;
  TL_LOCATION_COUNTERS(TL_LOCATION_COUNTER_FIELD)
#undef TL_LOCATION_COUNTER_FIELD
};

class LocationService {
 public:
  struct Limits {
    std::size_t max_contacts_per_agent = 8;
    std::size_t max_bindings = 100000;
  };

  LocationService() : LocationService(Limits{}) {}
  explicit LocationService(Limits limits) : limits_(limits) {}
  LocationService(const LocationService&) = delete;
  LocationService& operator=(const LocationService&) = delete;

  // RFC 3261 section 10.3 steps 6-7 for one REGISTER: each contact is
  // added, refreshed or (expires_s 0) removed; remove_all removes them all.
  // Nothing changes unless everything may.
  ApplyResult apply(const RegisterChange& change);

  // The agent's live bindings, highest q first, then most recently
  // registered first.
  std::vector<Binding> lookup(store::TenantId tenant, std::string_view agent,
                              std::uint64_t now_ms) const;

  // Removes every binding expired at now_ms; returns how many.
  std::size_t expire(std::uint64_t now_ms);

  // Bindings held, expired ones not yet removed included.
  std::size_t size() const;
  LocationCounters counters() const;
  const Limits& limits() const { return limits_; }

 private:
  struct Key {
    store::TenantId tenant;
    std::string agent;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };
  struct Stored {
    std::string key;  // contact_key(binding.contact)
    Binding binding;
  };

  using Map = std::unordered_map<Key, std::vector<Stored>, KeyHash>;
  // Removes expired bindings of every agent but `skip`'s; mu_ held.
  std::size_t purge_expired_locked(std::uint64_t now_ms, Map::iterator skip);

  const Limits limits_;
  mutable std::shared_mutex mu_;
  Map agents_;
  std::size_t total_ = 0;
#define TL_LOCATION_COUNTER_ATOMIC(name, help) std::atomic<std::uint64_t> name##_{0};
  TL_LOCATION_COUNTERS(TL_LOCATION_COUNTER_ATOMIC)
#undef TL_LOCATION_COUNTER_ATOMIC
};

}  // namespace trunkline::registrar
