#include "dataplane/media/srtp_table.h"

#include <srtp2/srtp.h>

#include <cstring>
#include <mutex>
#include <utility>

namespace trunkline::media {

namespace {

void set_policy(srtp_policy_t* p, SrtpSuite suite) {
  if (suite == SrtpSuite::kAesCm128HmacSha1_32) {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p->rtp);
  } else {
    srtp_crypto_policy_set_rtp_default(&p->rtp);  // AES_CM_128_HMAC_SHA1_80
  }
  srtp_crypto_policy_set_rtcp_default(&p->rtcp);  // SRTCP is always HMAC_SHA1_80
}

srtp_ctx_t_* make(SrtpSuite suite, const std::uint8_t* key, bool inbound) {
  srtp_policy_t p;
  std::memset(&p, 0, sizeof p);
  set_policy(&p, suite);
  p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
  p.key = const_cast<std::uint8_t*>(key);  // libsrtp copies it
  p.window_size = 128;
  p.allow_repeat_tx = 1;  // a peer's retransmission relayed twice is not an error
  srtp_t ctx = nullptr;
  if (srtp_create(&ctx, &p) != srtp_err_status_ok) return nullptr;
  return ctx;
}

// FNV-1a over the keys: tells a re-key from a repeat of the same keys.
std::uint64_t fingerprint(const SrtpKeys& k) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::uint8_t b) { h = (h ^ b) * 0x100000001b3ull; };
  mix(static_cast<std::uint8_t>(k.suite));
  mix(k.has_rx ? 1 : 0);
  for (std::uint8_t b : k.tx) mix(b);
  for (std::uint8_t b : k.rx) mix(b);
  return h | 1;  // never 0
}

static_assert(kSrtpMaxOverhead >= SRTP_MAX_TRAILER_LEN + 4);

}  // namespace

bool srtp_library_init(int* error) {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  if (error != nullptr) *error = static_cast<int>(status);
  return status == srtp_err_status_ok;
}

SrtpTable::~SrtpTable() {
  for (std::uint32_t i = 0; i < ctx_.size(); ++i) remove(i);
}

SrtpTable& SrtpTable::operator=(SrtpTable&& o) noexcept {
  if (this == &o) return *this;
  for (std::uint32_t i = 0; i < ctx_.size(); ++i) remove(i);
  ctx_ = std::move(o.ctx_);
  live_ = std::exchange(o.live_, 0);
  return *this;
}

bool SrtpTable::install(std::uint32_t leg, const SrtpKeys& keys) {
  const std::uint64_t f = fingerprint(keys);
  if (keys.suite != SrtpSuite::kNone && leg < ctx_.size() && ctx_[leg].keyed != nullptr &&
      ctx_[leg].keyed->fingerprint == f)
    return true;
  remove(leg);
  if (keys.suite == SrtpSuite::kNone) return true;
  if (leg >= ctx_.size() || !srtp_library_init()) return false;
  if (keys.suite != SrtpSuite::kAesCm128HmacSha1_80 &&
      keys.suite != SrtpSuite::kAesCm128HmacSha1_32)
    return false;
  ctx_[leg].keyed = new Keyed{keys, f};
  return true;
}

void SrtpTable::remove(std::uint32_t leg) {
  if (leg >= ctx_.size()) return;
  Pair& p = ctx_[leg];
  delete p.keyed;
  p.keyed = nullptr;
  for (srtp_ctx_t_** c : {&p.rx, &p.tx}) {
    if (*c == nullptr) continue;
    srtp_dealloc(*c);
    *c = nullptr;
    --live_;
  }
}

// The leg's receive or send context, made now if this is its first use here.
srtp_ctx_t_* SrtpTable::context(std::uint32_t leg, bool inbound) {
  Pair& p = ctx_[leg];
  srtp_ctx_t_*& c = inbound ? p.rx : p.tx;
  if (c == nullptr) {
    c = make(p.keyed->keys.suite, inbound ? p.keyed->keys.rx : p.keyed->keys.tx, inbound);
    if (c != nullptr) ++live_;
  }
  return c;
}

bool SrtpTable::unprotect(std::uint32_t leg, bool rtcp, std::uint8_t* rtp, int* len) {
  if (!has_rx(leg)) return false;
  srtp_ctx_t_* c = context(leg, true);
  if (c == nullptr) return false;
  return (rtcp ? srtp_unprotect_rtcp(c, rtp, len) : srtp_unprotect(c, rtp, len)) ==
         srtp_err_status_ok;
}

bool SrtpTable::protect(std::uint32_t leg, bool rtcp, std::uint8_t* rtp, int* len, int room) {
  if (!has_tx(leg) || room - *len < kSrtpMaxOverhead) return false;
  srtp_ctx_t_* c = context(leg, false);
  if (c == nullptr) return false;
  return (rtcp ? srtp_protect_rtcp(c, rtp, len) : srtp_protect(c, rtp, len)) == srtp_err_status_ok;
}

void SrtpTable::prepare(std::uint32_t leg) {
  if (has_tx(leg)) (void)context(leg, false);
  if (has_rx(leg)) (void)context(leg, true);
}

}  // namespace trunkline::media
