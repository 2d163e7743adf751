#include "control/registrar/location_service.h"

#include <algorithm>
#include <functional>
#include <mutex>

#include "control/sip/uri.h"

namespace trunkline::registrar {
namespace {

void append_lower(std::string* out, std::string_view text) {
  for (char ch : text) out->push_back(sip::to_lower_ascii(ch));
}

bool expired(const Binding& b, std::uint64_t now_ms) { return b.expires_at_ms <= now_ms; }

}  // namespace

std::uint32_t Binding::expires_in_s(std::uint64_t now_ms) const {
  if (expires_at_ms <= now_ms) return 0;
  return static_cast<std::uint32_t>((expires_at_ms - now_ms + 999) / 1000);
}

std::string contact_key(std::string_view uri_text) {
  sip::Uri uri;
  if (!sip::parse_uri(uri_text, &uri, nullptr) || !uri.is_sip()) return std::string(uri_text);
  std::string key;
  key.reserve(uri_text.size());
  key.append(uri.kind == sip::UriScheme::kSips ? "sips:" : "sip:");
  if (uri.has_user) {
    key.append(sip::unescape(uri.user));
    key.push_back('@');
  }
  append_lower(&key, uri.host.text);
  if (uri.has_port) key.append(":").append(std::to_string(uri.port));
  if (!uri.transport_param.empty()) {
    key.append(";transport=");
    append_lower(&key, uri.transport_param);
  }
  return key;
}

std::size_t LocationService::KeyHash::operator()(const Key& k) const {
  return std::hash<std::string>{}(k.agent) ^
         (std::hash<std::int64_t>{}(k.tenant) * 0x9E3779B97F4A7C15ull);
}

ApplyResult LocationService::apply(const RegisterChange& change) {
  ApplyResult result;
  const Key key{change.tenant, std::string(change.agent)};
  std::unique_lock lock(mu_);
  auto it = agents_.find(key);
  static const std::vector<Stored> kNone;
  const std::vector<Stored>& current = it != agents_.end() ? it->second : kNone;

  // The tentative list: live bindings only, so expired ones neither count
  // against the limit nor take part in the ordering checks.
  std::vector<Stored> next;
  next.reserve(current.size() + change.contacts.size());
  std::size_t expired_now = 0;
  for (const Stored& s : current) {
    if (expired(s.binding, change.now_ms)) {
      ++expired_now;
    } else {
      next.push_back(s);
    }
  }
  // Step 7: a binding written by this Call-ID may only be changed by a
  // higher CSeq. Bindings this request already touched are exempt (the same
  // contact twice in one REGISTER).
  std::vector<bool> touched(next.size(), false);
  auto in_order = [&](const Binding& b) {
    return b.call_id != change.call_id || change.cseq > b.cseq;
  };

  if (change.remove_all) {
    for (const Stored& s : next) {
      if (!in_order(s.binding)) {
        result.error = ApplyError::kOutOfOrder;
        break;
      }
    }
    if (result.ok()) {
      result.removed = next.size();
      next.clear();
    }
  } else {
    for (const ContactChange& c : change.contacts) {
      const std::string k = contact_key(c.contact);
      auto found =
          std::find_if(next.begin(), next.end(), [&](const Stored& s) { return s.key == k; });
      const std::size_t index = static_cast<std::size_t>(found - next.begin());
      if (found != next.end() && !touched[index] && !in_order(found->binding)) {
        result.error = ApplyError::kOutOfOrder;
        break;
      }
      if (c.expires_s == 0) {
        if (found != next.end()) {
          next.erase(found);
          touched.erase(touched.begin() + static_cast<std::ptrdiff_t>(index));
          ++result.removed;
        }
        continue;
      }
      Binding* b = nullptr;
      if (found != next.end()) {
        b = &found->binding;
        if (!touched[index]) ++result.refreshed;
        touched[index] = true;
      } else {
        next.push_back(Stored{k, Binding{}});
        touched.push_back(true);
        b = &next.back().binding;
        ++result.added;
      }
      b->contact = c.contact;
      b->q = c.q;
      b->expires_at_ms = change.now_ms + std::uint64_t{c.expires_s} * 1000;
      b->updated_ms = change.now_ms;
      b->source = change.source;
      b->call_id = std::string(change.call_id);
      b->cseq = change.cseq;
    }
  }

  if (result.ok()) {
    const std::size_t agent_limit =
        change.max_contacts == 0 ? limits_.max_contacts_per_agent
                                 : std::min(change.max_contacts, limits_.max_contacts_per_agent);
    // Growing past a limit is refused; a request that only shrinks or keeps
    // the count (a refresh after the limit was lowered) still goes through.
    const std::size_t live = current.size() - expired_now;
    if (next.size() > agent_limit && next.size() > live) {
      result.error = ApplyError::kTooManyContacts;
    } else if (next.size() > live && total_ - current.size() + next.size() > limits_.max_bindings) {
      // Full, perhaps of bindings nobody has expired yet: purge, then judge.
      purge_expired_locked(change.now_ms, it);
      if (total_ - current.size() + next.size() > limits_.max_bindings)
        result.error = ApplyError::kTableFull;
    }
  }

  switch (result.error) {
    case ApplyError::kNone:
      break;
    case ApplyError::kOutOfOrder:
      refused_out_of_order_.fetch_add(1, std::memory_order_relaxed);
      return ApplyResult{result.error, 0, 0, 0};
    case ApplyError::kTooManyContacts:
      refused_agent_full_.fetch_add(1, std::memory_order_relaxed);
      return ApplyResult{result.error, 0, 0, 0};
    case ApplyError::kTableFull:
      refused_table_full_.fetch_add(1, std::memory_order_relaxed);
      return ApplyResult{result.error, 0, 0, 0};
  }

  total_ = total_ - current.size() + next.size();
  if (next.empty()) {
    if (it != agents_.end()) agents_.erase(it);
  } else if (it != agents_.end()) {
    it->second = std::move(next);
  } else {
    agents_.emplace(key, std::move(next));
  }
  bindings_added_.fetch_add(result.added, std::memory_order_relaxed);
  bindings_refreshed_.fetch_add(result.refreshed, std::memory_order_relaxed);
  bindings_removed_.fetch_add(result.removed, std::memory_order_relaxed);
  bindings_expired_.fetch_add(expired_now, std::memory_order_relaxed);
  return result;
}

std::vector<Binding> LocationService::lookup(store::TenantId tenant, std::string_view agent,
                                             std::uint64_t now_ms) const {
  std::vector<Binding> out;
  {
    std::shared_lock lock(mu_);
    auto it = agents_.find(Key{tenant, std::string(agent)});
    if (it == agents_.end()) return out;
    out.reserve(it->second.size());
    for (const Stored& s : it->second)
      if (!expired(s.binding, now_ms)) out.push_back(s.binding);
  }
  std::stable_sort(out.begin(), out.end(), [](const Binding& a, const Binding& b) {
    if (a.q != b.q) return a.q > b.q;
    return a.updated_ms > b.updated_ms;
  });
  return out;
}

std::size_t LocationService::expire(std::uint64_t now_ms) {
  std::unique_lock lock(mu_);
  return purge_expired_locked(now_ms, agents_.end());
}

std::size_t LocationService::purge_expired_locked(std::uint64_t now_ms, Map::iterator skip) {
  std::size_t removed = 0;
  for (auto it = agents_.begin(); it != agents_.end();) {
    if (it == skip) {
      ++it;
      continue;
    }
    removed +=
        std::erase_if(it->second, [&](const Stored& s) { return expired(s.binding, now_ms); });
    it = it->second.empty() ? agents_.erase(it) : std::next(it);
  }
  total_ -= removed;
  bindings_expired_.fetch_add(removed, std::memory_order_relaxed);
  return removed;
}

std::size_t LocationService::size() const {
  std::shared_lock lock(mu_);
  return total_;
}

LocationCounters LocationService::counters() const {
  LocationCounters c;
#define TL_LOCATION_COUNTER_READ(name, help) c.name = name##_.load(std::memory_order_relaxed);
  TL_LOCATION_COUNTERS(TL_LOCATION_COUNTER_READ)
#undef TL_LOCATION_COUNTER_READ
  return c;
}

}  // namespace trunkline::registrar
