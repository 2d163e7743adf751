#include "control/auth/session.h"

#include <algorithm>

#include "control/auth/encoding.h"

namespace trunkline::auth {
namespace {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenChars = 43;  // base64url of 32 bytes, no padding

std::uint64_t index_of(const Sha256Digest& h) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | h[i];
  return v;
}

bool same_user(const Principal& a, const Principal& b) {
  return a.tenant == b.tenant && a.user == b.user;
}

}  // namespace

SessionTable::SessionTable(SessionOptions options) : options_(options) {}

bool SessionTable::expired(const Entry& e, std::chrono::sys_seconds now) const {
  const auto idle = std::max(options_.idle_timeout, std::chrono::seconds(1));
  const auto absolute = std::max(options_.absolute_timeout, std::chrono::seconds(1));
  return now >= e.info.last_seen_at + idle || now >= e.info.created_at + absolute;
}

std::unordered_map<std::uint64_t, SessionTable::Entry>::iterator SessionTable::find(
    std::string_view token) {
  // Anything that is not a token we could have issued is not looked up.
  if (token.size() != kTokenChars) return entries_.end();
  const Sha256Digest h = sha256(token);
  auto it = entries_.find(index_of(h));
  if (it == entries_.end() || !constant_time_equal(it->second.token_hash, h)) return entries_.end();
  return it;
}

std::size_t SessionTable::count_user(const Principal& p) const {
  return static_cast<std::size_t>(std::count_if(entries_.begin(), entries_.end(), [&](auto& kv) {
    return same_user(kv.second.info.principal, p);
  }));
}

std::string SessionTable::create(const Principal& principal, std::chrono::sys_seconds now,
                                 SessionRestriction restriction) {
  std::lock_guard lock(mu_);
  const std::size_t limit = std::max<std::size_t>(options_.max_per_user, 1);
  while (count_user(principal) >= limit) {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (same_user(it->second.info.principal, principal) &&
          (oldest == entries_.end() || it->second.info.created_at < oldest->second.info.created_at))
        oldest = it;
    entries_.erase(oldest);
  }
  for (;;) {
    std::string token = base64url_encode(random_bytes(kTokenBytes));
    const Sha256Digest h = sha256(token);
    // A 64-bit index collision is astronomically rare; draw again if so.
    if (entries_.count(index_of(h)) != 0) continue;
    entries_.emplace(index_of(h), Entry{h, SessionInfo{principal, restriction, now, now}});
    return token;
  }
}

std::optional<SessionInfo> SessionTable::validate(std::string_view token,
                                                  std::chrono::sys_seconds now) {
  std::lock_guard lock(mu_);
  auto it = find(token);
  if (it == entries_.end()) return std::nullopt;
  if (expired(it->second, now)) {
    entries_.erase(it);
    return std::nullopt;
  }
  it->second.info.last_seen_at = std::max(it->second.info.last_seen_at, now);
  return it->second.info;
}

bool SessionTable::set_restriction(std::string_view token, SessionRestriction restriction) {
  std::lock_guard lock(mu_);
  auto it = find(token);
  if (it == entries_.end()) return false;
  it->second.info.restriction = restriction;
  return true;
}

bool SessionTable::revoke(std::string_view token) {
  std::lock_guard lock(mu_);
  auto it = find(token);
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

std::size_t SessionTable::revoke_all(std::optional<TenantId> tenant, std::string_view user) {
  std::lock_guard lock(mu_);
  return std::erase_if(entries_, [&](const auto& kv) {
    return kv.second.info.principal.tenant == tenant && kv.second.info.principal.user == user;
  });
}

std::size_t SessionTable::purge_expired(std::chrono::sys_seconds now) {
  std::lock_guard lock(mu_);
  return std::erase_if(entries_, [&](const auto& kv) { return expired(kv.second, now); });
}

std::size_t SessionTable::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace trunkline::auth
