// Test support for the registrar: a phone that writes REGISTER messages as
// text and answers challenges, the response parsed back into plain values,
// and a fixture with a Registrar over an in-memory credential table. The
// phone's side of Digest is computed from the password with EVP directly,
// as a phone does, not with the registrar's own functions.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/registrar/registrar.h"
#include "control/sip/auth.h"
#include "control/sip/message.h"

namespace trunkline::registrar::regtest {

inline constexpr std::uint64_t kT0 = 1'000'000;

inline std::string h(const char* md_name, std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD* md_alg = EVP_MD_fetch(nullptr, md_name, nullptr);
  EVP_Digest(s.data(), s.size(), md, &len, md_alg, nullptr);
  EVP_MD_free(md_alg);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

inline const char* md_name(std::string_view algorithm) {
  return algorithm == "SHA-256" ? "SHA2-256" : "MD5";
}

inline sip::Peer peer(const char* ip, std::uint16_t port) {
  sip::Peer p;
  p.ip = net::IpKey::of(*net::Ip4::parse(ip));
  p.port = port;
  return p;
}

// What a response says, copied out of the parsed message.
struct Challenge {
  std::string realm, nonce, algorithm, qop, stale;
};
struct Response {
  int code = 0;
  std::string reason;
  std::vector<Challenge> challenges;
  std::vector<std::string> contacts;  // Contact header values
  std::string to, min_expires, retry_after, call_id, cseq, via;
  bool to_has_tag = false;
};

inline Response parse_response(const std::string& text) {
  Response r;
  sip::Message m;
  sip::ParseError e = sip::parse_message(text, &m);
  EXPECT_TRUE(e.ok()) << e.describe() << "\n" << text;
  if (!e.ok()) return r;
  EXPECT_TRUE(sip::validate_message(m).ok()) << text;
  EXPECT_FALSE(m.is_request());
  r.code = m.status_line().code;
  r.reason = std::string(m.status_line().reason);
  for (const sip::HeaderField& f : m) {
    if (f.id == sip::HeaderId::kWWWAuthenticate) {
      sip::AuthField a;
      EXPECT_TRUE(sip::parse_challenge(f.value, &a, nullptr)) << f.value;
      r.challenges.push_back({std::string(a.get("realm")), std::string(a.get("nonce")),
                              std::string(a.get("algorithm")), std::string(a.get("qop")),
                              std::string(a.get("stale"))});
    } else if (f.id == sip::HeaderId::kContact) {
      r.contacts.emplace_back(f.value);
    } else if (f.id == sip::HeaderId::kMinExpires) {
      r.min_expires = std::string(f.value);
    } else if (f.id == sip::HeaderId::kRetryAfter) {
      r.retry_after = std::string(f.value);
    } else if (f.id == sip::HeaderId::kVia) {
      r.via += std::string(f.value) + "|";
    }
  }
  r.to = std::string(m.find(sip::HeaderId::kTo)->value);
  r.to_has_tag = m.to().has_tag;
  r.call_id = std::string(m.call_id());
  r.cseq = std::string(m.find(sip::HeaderId::kCSeq)->value);
  return r;
}

// A phone: builds REGISTERs and answers challenges.
struct Phone {
  std::string user = "alice";
  std::string domain = "a.example";
  std::string password = "s3cret";
  std::string call_id = "reg-1@192.168.1.20";
  std::uint32_t cseq = 0;
  std::string contact = "<sip:alice@192.168.1.20:5060>";
  std::string algorithm = "SHA-256";
  std::string cnonce = "0a4f113b";
  std::uint32_t nc = 0;
  Challenge last;  // the challenge being answered

  std::string request(const std::string& extra, const std::string& authorization) {
    std::string s = "REGISTER sip:" + domain + " SIP/2.0\r\n";
    s += "Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK" + std::to_string(++cseq) +
         call_id.substr(0, 3) + ";rport\r\n";
    s += "Max-Forwards: 70\r\n";
    s += "From: <sip:" + user + "@" + domain + ">;tag=ph" + std::to_string(cseq) + "\r\n";
    s += "To: <sip:" + user + "@" + domain + ">\r\n";
    s += "Call-ID: " + call_id + "\r\n";
    s += "CSeq: " + std::to_string(cseq) + " REGISTER\r\n";
    if (!contact.empty()) s += "Contact: " + contact + "\r\n";
    s += extra;
    if (!authorization.empty()) s += "Authorization: " + authorization + "\r\n";
    s += "Content-Length: 0\r\n\r\n";
    return s;
  }

  // The Authorization for the challenge of our algorithm in `r`.
  std::string answer(const Response& r, const std::string& pass) {
    for (const Challenge& c : r.challenges)
      if (c.algorithm == algorithm) last = c;
    nc = 0;
    return authorization(pass);
  }
  std::string authorization(const std::string& pass) {
    char ncbuf[9];
    std::snprintf(ncbuf, sizeof ncbuf, "%08x", ++nc);
    const char* md = md_name(algorithm);
    const std::string uri = "sip:" + domain;
    const std::string ha1 = h(md, user + ":" + last.realm + ":" + pass);
    const std::string ha2 = h(md, "REGISTER:" + uri);
    const std::string response =
        h(md, ha1 + ":" + last.nonce + ":" + ncbuf + ":" + cnonce + ":auth:" + ha2);
    return "Digest username=\"" + user + "\", realm=\"" + last.realm + "\", nonce=\"" + last.nonce +
           "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=" + algorithm +
           ", cnonce=\"" + cnonce + "\", qop=auth, nc=" + ncbuf;
  }
};

class RegistrarTest : public ::testing::Test {
 protected:
  void SetUp() override { make(RegistrarConfig{}); }

  void make(RegistrarConfig cfg) {
    cfg.nonce_secret = "test secret";
    registrar_.reset();
    locations_ = std::make_unique<LocationService>(
        LocationService::Limits{cfg.max_contacts_per_agent, 1000});
    registrar_ = std::make_unique<Registrar>(
        [this](std::string_view domain, std::string_view user) -> std::optional<Credential> {
          auto it = users_.find({std::string(domain), std::string(user)});
          if (it == users_.end()) return std::nullopt;
          return it->second;
        },
        *locations_, cfg);
  }

  // Provisioning: digests only.
  void add_user(std::int64_t tenant, const std::string& domain, const std::string& user,
                const std::string& password) {
    users_[{domain, user}] =
        Credential{tenant, user, domain, h("MD5", user + ":" + domain + ":" + password),
                   h("SHA2-256", user + ":" + domain + ":" + password)};
  }

  Response send(const std::string& text, std::uint64_t now = kT0,
                const sip::Peer& from = peer("203.0.113.5", 40000)) {
    sip::Message m;
    sip::ParseError e = sip::parse_message(text, &m);
    EXPECT_TRUE(e.ok()) << e.describe() << "\n" << text;
    int code = 0;
    const std::string out = registrar_->handle(m, from, now, &code);
    Response r = parse_response(out);
    EXPECT_EQ(r.code, code);
    return r;
  }

  // Challenge, then answer: the final response.
  Response register_phone(Phone& p, const std::string& extra = {}, std::uint64_t now = kT0,
                          const sip::Peer& from = peer("203.0.113.5", 40000)) {
    Response r = send(p.request(extra, ""), now, from);
    EXPECT_EQ(r.code, 401);
    return send(p.request(extra, p.answer(r, p.password)), now, from);
  }

  std::map<std::pair<std::string, std::string>, Credential> users_;
  std::unique_ptr<LocationService> locations_;
  std::unique_ptr<Registrar> registrar_;
};

}  // namespace trunkline::registrar::regtest
