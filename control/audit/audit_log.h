// The audit log: an append-only, hash-chained record of who did what, when,
// to what, from where, with what result (compliance retrieval, deletions,
// holds, and later the API's account actions).
//
// Each row's hash is SHA-256 over the previous row's hash and a canonical
// encoding of the row (canonical_encoding()); the first row chains from 64
// zeros. The hash and sequence number of the last row are also kept as the
// appliance setting "audit.head", written in the same transaction, so a
// removed last row is detected too. Triggers refuse UPDATE and DELETE; the
// chain catches whoever goes around them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "control/store/sqlite_store.h"

namespace trunkline::audit {

struct AuditEntry {
  std::int64_t seq = 0;  // assigned by append
  std::int64_t at_ms = 0;
  std::optional<std::int64_t> tenant_id;  // unset: an appliance-level action
  std::string actor;                      // user or component name
  std::string role;                       // e.g. "operator", "auditor", "system"
  std::string action;                     // e.g. "recordings.search"
  std::string target;                     // what it acted on, e.g. a recording ID or a query
  std::string result;                     // "ok", "denied", "not_found", "error: ..."
  std::string source;                     // address or "cli" / "local"
  std::string prev_hash;                  // hex
  std::string hash;                       // hex
};

// The bytes hashed for a row (everything but `hash`), unambiguous: each
// field is written as <decimal length>:<bytes>.
std::string canonical_encoding(const AuditEntry& entry);
// SHA-256 hex of canonical_encoding(entry).
std::string entry_hash(const AuditEntry& entry);

inline constexpr const char* kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Who acted, as an entry names them.
struct AuditWho {
  std::string actor;   // user or component name
  std::string role;    // e.g. "operator", "auditor", "system"
  std::string source;  // address or "cli" / "local"
};

class AuditLog {
 public:
  explicit AuditLog(store::SqliteStore& store) : store_(store) {}

  // Appends one action of `who` at `at_ms` (Unix ms): the usual way to
  // write an entry. Durable when it returns, as append().
  Status record(std::int64_t at_ms, std::optional<std::int64_t> tenant_id, const AuditWho& who,
                std::string action, std::string target, std::string result);

  // Appends the entry (seq, prev_hash and hash are filled in) and returns it.
  // Durable when it returns: a committed transaction, or part of the
  // caller's open one (then durable with its commit).
  Result<AuditEntry> append(AuditEntry entry);

  // Every entry, oldest first (optionally only one tenant's).
  Result<std::vector<AuditEntry>> entries(std::optional<std::int64_t> tenant_id = std::nullopt);

 private:
  store::SqliteStore& store_;
};

struct ChainReport {
  bool ok = true;
  std::int64_t entries = 0;
  std::int64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;             // what is wrong at first_bad_seq
};

// Walks the chain from the first row: sequence without gaps, each
// prev_hash equal to the previous row's hash, each hash recomputed, and the
// last row equal to the recorded head.
Result<ChainReport> verify_chain(store::SqliteStore& store);

}  // namespace trunkline::audit
