#include "control/sip/auth.h"

#include <cstring>

#include "control/sip/simd_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trunkline::sip {

bool AuthField::find(std::string_view name, Param* out) const {
  for (std::size_t i = 0; i < param_count; ++i) {
    if (iequals(params[i].name, name)) {
      *out = params[i];
      return true;
    }
  }
  return false;
}

namespace {

enum class Form : std::uint8_t { kAny, kQuoted, kToken, kDigestResponse, kHex8, kTrueFalse };

struct DigestRule {
  std::string_view name;
  Form form;
};

// RFC 3261 section 25.1, digest-response and digest-cln.
constexpr DigestRule kCredentialRules[] = {
    {"username", Form::kQuoted},
    {"realm", Form::kQuoted},
    {"nonce", Form::kQuoted},
    {"uri", Form::kQuoted},
    {"response", Form::kDigestResponse},
    {"algorithm", Form::kToken},
    {"cnonce", Form::kQuoted},
    {"opaque", Form::kQuoted},
    {"qop", Form::kToken},
    {"nc", Form::kHex8},
};
constexpr DigestRule kChallengeRules[] = {
    {"realm", Form::kQuoted},  {"domain", Form::kQuoted},   {"nonce", Form::kQuoted},
    {"opaque", Form::kQuoted}, {"stale", Form::kTrueFalse}, {"algorithm", Form::kToken},
    {"qop", Form::kQuoted},
};

// Sixteen octets at a time with SSE2: a digest response is 32 or 64 hex
// digits, which cost ~8 instructions each one by one.
bool all_hex(std::string_view v, std::size_t n) {
  if (v.size() != n) return false;
  const char* p = v.data();
  const char* end = p + n;
#if defined(__SSE2__)
  for (; end - p >= 16; p += 16) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    auto in_range = [](__m128i y, char lo, char hi) {
      return _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8(static_cast<char>(lo - 1))),
                           _mm_cmpgt_epi8(_mm_set1_epi8(static_cast<char>(hi + 1)), y));
    };
    __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i ok = _mm_or_si128(in_range(x, '0', '9'), in_range(lower, 'a', 'f'));
    if (_mm_movemask_epi8(ok) != 0xFFFF) return false;
  }
#endif
  for (; p < end; ++p)
    if (!is(*p, kHex)) return false;
  return true;
}

bool check_form(const Param& p, Form form) {
  switch (form) {
    case Form::kAny:
      return true;
    case Form::kQuoted:
      return p.quoted;
    case Form::kToken:
      return !p.quoted;
    case Form::kDigestResponse:  // MD5 (RFC 3261): 32 hex digits; SHA-256 (RFC 8760): 64
      return p.quoted && (all_hex(p.value, 32) || all_hex(p.value, 64));
    case Form::kHex8:
      return !p.quoted && all_hex(p.value, 8);
    case Form::kTrueFalse:
      return !p.quoted && (iequals(p.value, "true") || iequals(p.value, "false"));
  }
  return false;
}

// Length, folded first and folded last octet of a non-empty name: equal
// for any two names iequals() matches, never 0, and different for most
// pairs that differ, so one compare rules most names out.
constexpr std::uint32_t name_signature(std::string_view name) {
  return static_cast<std::uint32_t>(name.size()) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(to_lower_ascii(name.front()))) << 8 |
         static_cast<unsigned char>(to_lower_ascii(name.back()));
}

// Signatures in groups of four, padded with 0 (which matches no name).
constexpr std::size_t round4(std::size_t n) { return (n + 3) / 4 * 4; }

// Bit i set where sigs[i] == sig, for the first n (a multiple of 4).
std::uint32_t matching(const std::uint32_t* sigs, std::size_t n, std::uint32_t sig) {
  std::uint32_t bits = 0;
#if defined(__SSE2__)
  __m128i want = _mm_set1_epi32(static_cast<int>(sig));
  for (std::size_t i = 0; i < n; i += 4) {
    __m128i have = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sigs + i));
    auto lanes =
        static_cast<std::uint32_t>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(have, want))));
    bits |= lanes << i;
  }
#else
  for (std::size_t i = 0; i < n; ++i) bits |= std::uint32_t{sigs[i] == sig} << i;
#endif
  return bits;
}

// iequals() against a name made only of lower-case letters (every rule's,
// and "digest"): OR-ing in 0x20 folds exactly a letter's two cases.
bool equals_lower(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if ((name[i] | 0x20) != lower[i]) return false;
  return true;
}

template <std::size_t N>
constexpr bool all_lower_letters(const DigestRule (&rules)[N]) {
  for (const DigestRule& rule : rules) {
    if (rule.name.empty()) return false;
    for (char ch : rule.name)
      if (ch < 'a' || ch > 'z') return false;
  }
  return true;
}
static_assert(all_lower_letters(kCredentialRules) && all_lower_letters(kChallengeRules),
              "equals_lower() needs rule names of lower-case letters");

// A quoted-string at c (at its DQUOTE) of plain qdtext only, the usual
// Digest value. False, nothing consumed, for anything else (escapes, HTAB,
// UTF-8, no closing quote): parse_quoted_string() then decides.
bool plain_quoted_string(Cursor& c, const char* begin, std::string_view* inner) {
  const char* first = c.pos() + 1;
  const char* stop = find_not_plain_qdtext(begin, first, c.end());
  if (stop == c.end() || *stop != '"') return false;
  *inner = std::string_view(first, static_cast<std::size_t>(stop - first));
  c.set_pos(stop + 1);
  return true;
}

template <std::size_t N>
struct Rules {
  const DigestRule (&rules)[N];
  std::array<std::uint32_t, round4(N)> sigs;
  // Names of up to 8 octets as little-endian words, and the mask of their
  // octets: compared in one go when 8 octets can be read.
  std::array<std::uint64_t, N> words;
  std::array<std::uint64_t, N> masks;
};

template <std::size_t N>
constexpr Rules<N> make_rules(const DigestRule (&rules)[N]) {
  Rules<N> r{rules, {}, {}, {}};
  for (std::size_t i = 0; i < N; ++i) {
    std::string_view name = rules[i].name;
    r.sigs[i] = name_signature(name);
    for (std::size_t k = 0; k < name.size() && k < 8; ++k) {
      r.words[i] |= std::uint64_t{static_cast<unsigned char>(name[k])} << (8 * k);
      r.masks[i] |= std::uint64_t{0xFF} << (8 * k);
    }
  }
  return r;
}

// equals_lower(name, rules.rules[i].name) for a name whose signature
// matched rule i (so of its length); `end` bounds what may be read.
template <std::size_t N>
bool is_rule(const Rules<N>& rules, std::size_t i, std::string_view name, const char* end) {
  if (name.size() > 8 || end - name.data() < 8) return equals_lower(name, rules.rules[i].name);
  std::uint64_t w = 0;
  std::memcpy(&w, name.data(), 8);
  return ((w | 0x2020202020202020ull) & rules.masks[i]) == rules.words[i];
}

template <std::size_t N>
bool parse_auth(std::string_view value, AuthField* out, SyntaxError* err, const Rules<N>& rules) {
  static_assert(round4(kMaxAuthParams) <= 32);
  out->param_count = 0;
  Cursor c(value);
  if (!parse_token(c, &out->scheme, err, "expected authentication scheme")) return false;
  if (c.skip_lws() == 0) return c.fail(err, "expected white space after authentication scheme");
  bool digest = equals_lower(out->scheme, "digest");  // out->is_digest()
  // name_signature() of each parameter so far; 0 where none yet.
  alignas(16) std::uint32_t seen[round4(kMaxAuthParams)] = {};
  while (true) {
    Param p;
    const char* at = c.pos();
    const char* name_end = scan_class(at, c.end(), kToken);
    if (name_end == at) return c.fail(err, "expected authentication parameter");
    p.name = std::string_view(at, static_cast<std::size_t>(name_end - at));
    c.set_pos(name_end);
    // "name=" with no white space around the '=' is the usual shape.
    if (c.at('=') && !is(c.peek(1), kLws)) {
      c.advance();
    } else if (!c.consume_separator('=')) {
      return c.fail(err, "expected '=' after authentication parameter");
    }
    p.has_value = true;
    if (c.at('"')) {
      p.quoted = true;
      if (!plain_quoted_string(c, value.data(), &p.value) && !parse_quoted_string(c, &p.value, err))
        return false;
    } else if (!parse_token(c, &p.value, err, "expected token or quoted string")) {
      return false;
    }
    std::uint32_t sig = name_signature(p.name);
    if (digest) {
      // Rule names are distinct, so at most one rule applies.
      for (std::uint32_t m = matching(rules.sigs.data(), rules.sigs.size(), sig); m != 0;
           m &= m - 1) {
        auto i = static_cast<std::size_t>(__builtin_ctz(m));
        if (!is_rule(rules, i, p.name, c.end())) continue;
        const DigestRule& rule = rules.rules[i];
        if (!check_form(p, rule.form)) {
          c.set_pos(at);
          return c.fail(err, "Digest parameter has the wrong form");
        }
        break;
      }
    }
    for (std::uint32_t m = matching(seen, round4(out->param_count), sig); m != 0; m &= m - 1) {
      if (iequals(out->params[static_cast<std::size_t>(__builtin_ctz(m))].name, p.name)) {
        c.set_pos(at);
        return c.fail(err, "repeated authentication parameter");
      }
    }
    if (out->param_count == kMaxAuthParams) {
      c.set_pos(at);
      return c.fail(err, "too many authentication parameters");
    }
    seen[out->param_count] = sig;
    out->params.set(out->param_count++, p);
    c.skip_lws();
    if (c.done()) return true;
    if (!c.consume(',')) return c.fail(err, "expected ',' between authentication parameters");
    c.skip_lws();
  }
}

}  // namespace

bool parse_credentials(std::string_view value, AuthField* out, SyntaxError* err) {
  static constexpr auto kRules = make_rules(kCredentialRules);
  return parse_auth(value, out, err, kRules);
}

bool parse_challenge(std::string_view value, AuthField* out, SyntaxError* err) {
  static constexpr auto kRules = make_rules(kChallengeRules);
  return parse_auth(value, out, err, kRules);
}

}  // namespace trunkline::sip
