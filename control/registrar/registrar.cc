#include "control/registrar/registrar.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common/log.h"
#include "control/sip/message_writer.h"
#include "control/sip/scalar_headers.h"

namespace trunkline::registrar {

struct Registrar::Reply {
  int code = 0;
  std::string reason;
  std::string headers;  // extra header lines, each ending in CRLF
};

enum class Registrar::Auth : std::uint8_t { kOk, kAnswered };

namespace {

// More Contacts than this in one REGISTER is refused before any work.
constexpr std::size_t kMaxContactsPerRequest = 32;
constexpr std::size_t kMaxReasonUri = 96;

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& ch : out) ch = sip::to_lower_ascii(ch);
  return out;
}

// The same resource for the digest's uri check (RFC 7616 section 3.4.6):
// as written, or scheme, user, host (no case) and port equal.
bool same_uri(std::string_view digest_uri, const sip::Uri& request_uri) {
  if (digest_uri == request_uri.text) return true;
  sip::Uri u;
  if (!sip::parse_uri(digest_uri, &u, nullptr) || !u.is_sip() || !request_uri.is_sip())
    return false;
  return u.kind == request_uri.kind && u.user == request_uri.user &&
         sip::iequals(u.host.text, request_uri.host.text) && u.has_port == request_uri.has_port &&
         u.port == request_uri.port;
}

// qvalue (already checked by the Contact parser) in thousandths.
std::uint16_t q_milli(const sip::Contact& c) {
  if (!c.has_q) return 1000;
  std::string_view q = c.q;
  unsigned v = static_cast<unsigned>(q[0] - '0') * 1000;
  unsigned scale = 100;
  for (std::size_t i = 2; i < q.size() && scale > 0; ++i, scale /= 10)
    v += static_cast<unsigned>(q[i] - '0') * scale;
  return static_cast<std::uint16_t>(std::min(v, 1000u));
}

void append_q(std::string* out, std::uint16_t q) {
  if (q >= 1000) {
    out->append(";q=1");
    return;
  }
  char buf[8];
  std::snprintf(buf, sizeof buf, "0.%03u", static_cast<unsigned>(q));
  std::string_view s(buf);
  while (s.size() > 1 && s.back() == '0') s.remove_suffix(1);
  if (s.back() == '.') s.remove_suffix(1);
  out->append(";q=").append(s);
}

// A realm inside a quoted string.
std::string quote(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  return out;
}

// Reason phrases carry request text (a Contact URI): no control characters.
std::string sanitize(std::string_view text) {
  std::string out;
  for (char ch : text) {
    auto u = static_cast<unsigned char>(ch);
    out.push_back(u < 0x20 || u == 0x7F ? '?' : ch);
  }
  return out;
}

std::uint64_t random_u64() {
  std::uint64_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) std::abort();
  return v;
}

// A digest of the right size for the unknown user's arm, so that it costs
// the same hashing as a known user's.
const std::string& dummy_ha1(DigestAlgorithm alg) {
  static const std::string md5(32, '0');
  static const std::string sha256(64, '0');
  return alg == DigestAlgorithm::kMd5 ? md5 : sha256;
}

// A challenge without any algorithm could never be answered.
RegistrarConfig with_defaults(RegistrarConfig cfg) {
  if (cfg.challenge_algorithms.empty())
    cfg.challenge_algorithms = RegistrarConfig{}.challenge_algorithms;
  return cfg;
}

}  // namespace

Registrar::Registrar(CredentialLookup lookup, LocationService& locations, RegistrarConfig cfg)
    : lookup_(std::move(lookup)),
      locations_(locations),
      cfg_(with_defaults(std::move(cfg))),
      nonces_(cfg_.nonce_secret, cfg_.nonce_lifetime_s),
      nonce_counts_(cfg_.nonce_table_capacity),
      tag_counter_(random_u64()) {}

std::string Registrar::new_tag() {
  char buf[24];
  std::snprintf(
      buf, sizeof buf, "reg%llx",
      static_cast<unsigned long long>(tag_counter_.fetch_add(1, std::memory_order_relaxed)));
  return buf;
}

std::string Registrar::handle(const sip::Message& reg, const sip::Peer& from, std::uint64_t now_ms,
                              int* code_out) {
  requests_.fetch_add(1, std::memory_order_relaxed);
  Reply reply;
  const sip::Uri& to = reg.to().addr.uri;
  if (!reg.is_request() || reg.method() != sip::Method::kRegister) {
    reply = {405, "Method Not Allowed", "Allow: REGISTER\r\n"};
  } else if (!to.is_sip() || !to.has_user || to.user.empty()) {
    // Step 5: the address of record must be a SIP URI naming an agent.
    not_found_.fetch_add(1, std::memory_order_relaxed);
    reply = {404, "Not Found (To is not a SIP URI with a user)", {}};
  } else {
    const std::string domain = lowercase(to.host.text);
    const std::string user = sip::unescape(to.user);
    const std::optional<Credential> cred = lookup_(domain, user);
    const std::string realm = cred && !cred->realm.empty() ? cred->realm : domain;
    if (authenticate(reg, user, cred, realm, now_ms, &reply) == Auth::kOk)
      bind(reg, from, *cred, now_ms, &reply);
  }
  if (code_out != nullptr) *code_out = reply.code;
  return write(reg, reply);
}

Registrar::Auth Registrar::authenticate(const sip::Message& reg, std::string_view user,
                                        const std::optional<Credential>& cred,
                                        std::string_view realm, std::uint64_t now_ms,
                                        Reply* reply) {
  // RFC 3261 section 22.4: credentials for another realm are not ours to
  // judge; the first Digest credentials for our realm are used.
  DigestCredentials creds;
  bool found = false;
  bool unusable = false;
  for (const sip::HeaderField* h = reg.find(sip::HeaderId::kAuthorization); h != nullptr;
       h = reg.find_next(h)) {
    DigestCredentials c;
    const DigestParseResult r = parse_digest_credentials(h->value, &c);
    switch (r.error) {
      case DigestError::kNone:
        if (!found && unquoted(c.realm) == realm) {
          creds = c;
          found = true;
        }
        break;
      case DigestError::kNotDigest:
        break;
      case DigestError::kUnsupportedAlgorithm:
      case DigestError::kUnsupportedQop:
      case DigestError::kUnsupportedUserhash:
        unusable = true;
        break;
      default:
        bad_requests_.fetch_add(1, std::memory_order_relaxed);
        *reply = {400, "Bad Request (Authorization: " + std::string(r.detail) + ")", {}};
        return Auth::kAnswered;
    }
  }
  if (!found) {
    if (unusable) unsupported_credentials_.fetch_add(1, std::memory_order_relaxed);
    challenge(realm, false, now_ms, reply);
    return Auth::kAnswered;
  }
  // Step 4: a phone may register only its own address of record.
  if (unquoted(creds.username) != user) {
    username_mismatches_.fetch_add(1, std::memory_order_relaxed);
    *reply = {403, "Forbidden (Authorization username is not the To user)", {}};
    return Auth::kAnswered;
  }
  // We challenge with qop="auth": without it there is no nc, so no replay
  // protection (RFC 2069 clients are not served).
  // Only the algorithms we challenge with: no downgrade to one the operator
  // turned off.
  if (!creds.has_qop ||
      std::find(cfg_.challenge_algorithms.begin(), cfg_.challenge_algorithms.end(),
                creds.algorithm) == cfg_.challenge_algorithms.end()) {
    unsupported_credentials_.fetch_add(1, std::memory_order_relaxed);
    challenge(realm, false, now_ms, reply);
    return Auth::kAnswered;
  }
  if (!same_uri(unquoted(creds.uri), reg.request_line().uri)) {
    bad_requests_.fetch_add(1, std::memory_order_relaxed);
    *reply = {400, "Bad Request (Authorization uri is not the Request-URI)", {}};
    return Auth::kAnswered;
  }
  const std::string nonce = unquoted(creds.nonce);
  const NonceAuthority::Checked checked = nonces_.check(nonce, realm, now_ms);
  if (checked.state == NonceAuthority::State::kForged) {
    forged_nonces_.fetch_add(1, std::memory_order_relaxed);
    challenge(realm, false, now_ms, reply);
    return Auth::kAnswered;
  }
  // The hash is computed for unknown users too, against a dummy digest, so
  // timing does not tell which users exist.
  const std::string* ha1 = nullptr;
  if (cred) ha1 = creds.algorithm == DigestAlgorithm::kMd5 ? &cred->ha1_md5 : &cred->ha1_sha256;
  const bool have_ha1 = ha1 != nullptr && !ha1->empty();
  const bool match = verify_response(creds, have_ha1 ? *ha1 : dummy_ha1(creds.algorithm),
                                     reg.request_line().method) &&
                     have_ha1;
  if (checked.state == NonceAuthority::State::kStale) {
    // stale=true only with a response that was right for that nonce
    // (RFC 7616 section 3.3): the phone retries without asking for the
    // password. A wrong one is simply challenged again.
    if (match) stale_nonces_.fetch_add(1, std::memory_order_relaxed);
    challenge(realm, match, now_ms, reply);
    return Auth::kAnswered;
  }
  if (!match) {
    (cred ? auth_failures_ : unknown_users_).fetch_add(1, std::memory_order_relaxed);
    *reply = {403, "Forbidden", {}};
    return Auth::kAnswered;
  }
  switch (nonce_counts_.accept(nonce, checked.issued_ms, creds.nc, now_ms, nonces_.lifetime_ms())) {
    case NonceCountTable::Verdict::kAccepted:
      return Auth::kOk;
    case NonceCountTable::Verdict::kReplay:
      nc_replays_.fetch_add(1, std::memory_order_relaxed);
      break;
    case NonceCountTable::Verdict::kForgotten:
      stale_nonces_.fetch_add(1, std::memory_order_relaxed);
      break;
  }
  // A phone that reuses an nc gets a fresh nonce without a password prompt;
  // a replayed capture gets nothing it can use.
  challenge(realm, true, now_ms, reply);
  return Auth::kAnswered;
}

void Registrar::challenge(std::string_view realm, bool stale, std::uint64_t now_ms, Reply* reply) {
  challenges_.fetch_add(1, std::memory_order_relaxed);
  const std::string nonce = nonces_.issue(realm, now_ms);
  reply->code = 401;
  reply->reason = "Unauthorized";
  reply->headers.clear();
  // RFC 8760 section 2.4: one challenge per algorithm, the preferred first.
  for (DigestAlgorithm alg : cfg_.challenge_algorithms) {
    reply->headers.append("WWW-Authenticate: Digest realm=\"")
        .append(quote(realm))
        .append("\", nonce=\"")
        .append(nonce)
        .append("\", algorithm=")
        .append(algorithm_name(alg))
        .append(", qop=\"auth\"");
    if (stale) reply->headers.append(", stale=true");
    reply->headers.append("\r\n");
  }
}

void Registrar::bind(const sip::Message& reg, const sip::Peer& from, const Credential& cred,
                     std::uint64_t now_ms, Reply* reply) {
  auto bad = [&](std::string reason) {
    bad_requests_.fetch_add(1, std::memory_order_relaxed);
    *reply = {400, "Bad Request (" + sanitize(reason) + ")", {}};
  };
  std::optional<std::uint32_t> header_expires;
  if (const sip::HeaderField* h = reg.find(sip::HeaderId::kExpires)) {
    std::uint32_t v = 0;
    if (!sip::parse_delta_seconds(h->value, &v, nullptr))
      return bad("Expires is not delta-seconds");
    header_expires = v;
  }

  RegisterChange change;
  change.tenant = cred.tenant;
  change.agent = cred.agent;
  change.source = from;
  change.call_id = reg.call_id();
  change.cseq = reg.cseq().number;
  change.now_ms = now_ms;
  change.max_contacts = cfg_.max_contacts_per_agent;
  std::vector<ContactChange> contacts;

  const sip::HeaderField* first = reg.find(sip::HeaderId::kContact);
  bool star = false;
  for (const sip::HeaderField* h = first; h != nullptr; h = reg.find_next(h))
    star = star || (!h->value.empty() && h->value.front() == '*');
  if (first == nullptr) {
    queries_.fetch_add(1, std::memory_order_relaxed);
  } else if (star) {
    // Step 6: "*" alone, and only to remove everything.
    if (reg.count(sip::HeaderId::kContact) != 1 || first->value != "*")
      return bad("Contact * with other contacts");
    if (!header_expires || *header_expires != 0) return bad("Contact * without Expires: 0");
    change.remove_all = true;
  } else {
    bool too_brief = false;
    sip::ListReader<sip::Contact> reader(reg, sip::HeaderId::kContact, sip::parse_contact);
    sip::Contact ct;
    while (reader.next(&ct)) {
      if (contacts.size() == kMaxContactsPerRequest) return bad("more than 32 Contacts");
      const std::string_view uri = ct.addr.uri.text;
      if (!ct.addr.uri.is_sip())
        return bad("Contact " + std::string(uri.substr(0, kMaxReasonUri)) + " is not a SIP URI");
      std::uint32_t expires =
          ct.has_expires ? ct.expires : header_expires.value_or(cfg_.default_expires_s);
      if (expires != 0 && expires < cfg_.min_expires_s) too_brief = true;
      expires = std::min(expires, cfg_.max_expires_s);
      contacts.push_back(ContactChange{std::string(uri), q_milli(ct), expires});
    }
    if (!reader.error().ok()) return bad("Contact: " + std::string(reader.error().detail));
    if (too_brief) {
      interval_too_brief_.fetch_add(1, std::memory_order_relaxed);
      *reply = {423, "Interval Too Brief",
                "Min-Expires: " + std::to_string(cfg_.min_expires_s) + "\r\n"};
      return;
    }
    change.contacts = contacts;
  }

  if (first != nullptr) {
    const ApplyResult r = locations_.apply(change);
    switch (r.error) {
      case ApplyError::kNone:
        break;
      case ApplyError::kOutOfOrder:
        out_of_order_.fetch_add(1, std::memory_order_relaxed);
        *reply = {500, "Server Internal Error (CSeq not above the binding's)", {}};
        return;
      case ApplyError::kTooManyContacts:
        contacts_refused_.fetch_add(1, std::memory_order_relaxed);
        *reply = {
            403,
            "Forbidden (more than " + std::to_string(cfg_.max_contacts_per_agent) + " contacts)",
            {}};
        return;
      case ApplyError::kTableFull:
        location_full_.fetch_add(1, std::memory_order_relaxed);
        *reply = {503, "Service Unavailable (registrations full)",
                  "Retry-After: " + std::to_string(cfg_.retry_after_s) + "\r\n"};
        return;
    }
    registrations_.fetch_add(r.added, std::memory_order_relaxed);
    refreshes_.fetch_add(r.refreshed, std::memory_order_relaxed);
    unregistrations_.fetch_add(r.removed, std::memory_order_relaxed);
    if (r.added != 0 || r.removed != 0)
      TL_LOG(kInfo, "agent_registration",
             "tenant=%lld agent=%s source=%s added=%zu refreshed=%zu removed=%zu",
             static_cast<long long>(cred.tenant), cred.agent.c_str(), from.to_string().c_str(),
             r.added, r.refreshed, r.removed);
  }

  *reply = {200, "OK", {}};
  for (const Binding& b : locations_.lookup(cred.tenant, cred.agent, now_ms)) {
    reply->headers.append("Contact: <").append(b.contact).append(">;expires=");
    reply->headers.append(std::to_string(b.expires_in_s(now_ms)));
    if (b.q != 1000) append_q(&reply->headers, b.q);
    reply->headers.append("\r\n");
  }
}

std::string Registrar::write(const sip::Message& reg, const Reply& reply) {
  std::string out;
  sip::MessageWriter w(&out);
  sip::write_response_head(reg, reply.code, sanitize(reply.reason), new_tag(), w);
  out.append(reply.headers);
  w.header("Server", "Trunkline");
  w.finish();
  return out;
}

RegistrarCounters Registrar::counters() const {
  RegistrarCounters c;
#define TL_REGISTRAR_COUNTER_READ(name, help) c.name = name##_.load(std::memory_order_relaxed);
  TL_REGISTRAR_COUNTERS(TL_REGISTRAR_COUNTER_READ)
#undef TL_REGISTRAR_COUNTER_READ
  return c;
}

}  // namespace trunkline::registrar
