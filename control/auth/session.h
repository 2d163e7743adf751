// Login sessions of the control API. A session is named by a bearer token
// of 32 random bytes (base64url, 43 characters) that only the client holds:
// the table keeps SHA-256(token), so a copy of the table (a core dump, a
// debugger) yields no usable token.
//
// The first 8 bytes of the hash index the table; the full 32 bytes are then
// compared with CRYPTO_memcmp, so lookup time does not reveal how much of a
// guessed token's hash matched.
//
// A session ends at the first of: its idle timeout (no validate() for that
// long, default 15 min), its absolute timeout (since creation, default 8 h),
// revoke() of its token, revoke_all() of its user (logout everywhere, a
// password change, a lock). Each user has at most max_per_user sessions;
// creating one more ends that user's oldest.
//
// A session may be restricted: after a login that must change the password
// or enrol a second factor, the API allows only that step until it calls
// set_restriction(kNone). Thread-safe (one mutex: control-plane rates).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "control/auth/crypto.h"
#include "control/auth/role.h"

namespace trunkline::auth {

struct SessionOptions {
  std::chrono::seconds idle_timeout{15 * 60};
  std::chrono::seconds absolute_timeout{8 * 60 * 60};
  std::size_t max_per_user = 8;
};

enum class SessionRestriction : std::uint8_t {
  kNone,
  kChangePasswordOnly,
  kEnrolMfaOnly,
};

struct SessionInfo {
  Principal principal;
  SessionRestriction restriction = SessionRestriction::kNone;
  std::chrono::sys_seconds created_at;
  std::chrono::sys_seconds last_seen_at;
};

class SessionTable {
 public:
  explicit SessionTable(SessionOptions options = {});

  // A new token for the principal. Timeouts of zero are treated as one
  // second (a session that cannot be used at all is a configuration error
  // the config layer reports, not something to create silently).
  std::string create(const Principal& principal, std::chrono::sys_seconds now,
                     SessionRestriction restriction = SessionRestriction::kNone);

  // The session's details if the token names a live session; refreshes its
  // idle timer. An expired session is removed when found.
  std::optional<SessionInfo> validate(std::string_view token, std::chrono::sys_seconds now);

  bool set_restriction(std::string_view token, SessionRestriction restriction);

  // true if the token named a session.
  bool revoke(std::string_view token);
  // Ends every session of the user in that tenant (empty: the system
  // administrator); returns how many.
  std::size_t revoke_all(std::optional<TenantId> tenant, std::string_view user);

  // Removes expired sessions; returns how many.
  std::size_t purge_expired(std::chrono::sys_seconds now);
  std::size_t size() const;

 private:
  struct Entry {
    Sha256Digest token_hash;
    SessionInfo info;
  };
  bool expired(const Entry& e, std::chrono::sys_seconds now) const;
  // The entry whose full hash matches, or end(). Caller holds mu_.
  std::unordered_map<std::uint64_t, Entry>::iterator find(std::string_view token);
  std::size_t count_user(const Principal& p) const;

  const SessionOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::uint64_t, Entry> entries_;
};

}  // namespace trunkline::auth
