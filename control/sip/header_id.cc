#include "control/sip/header_id.h"

#include <array>
#include <cstring>

#include "control/sip/chars.h"

namespace trunkline::sip {
namespace {

struct Entry {
  std::string_view name;
  char compact;
};

constexpr std::array<Entry, kHeaderIdCount> kEntries = {{{"", 0},
#define TL_SIP_HEADER_ENTRY(id, name, compact) {name, compact},
                                                         TL_SIP_HEADERS(TL_SIP_HEADER_ENTRY)
#undef TL_SIP_HEADER_ENTRY
}};

constexpr std::size_t kMaxNameLength = 24;

// Candidates indexed by (length, lower-case first letter) so a lookup
// compares against at most a couple of names.
struct Index {
  // For each length and letter a-z, up to 4 candidate ids.
  std::array<std::array<std::array<std::uint8_t, 4>, 26>, kMaxNameLength + 1> slots{};
  std::array<std::uint8_t, 26> compact{};
  bool overflow = false;
};

constexpr Index make_index() {
  Index index{};
  for (std::size_t i = 1; i < kEntries.size(); ++i) {
    const Entry& e = kEntries[i];
    std::size_t letter = static_cast<std::size_t>(to_lower_ascii(e.name[0]) - 'a');
    auto& slot = index.slots[e.name.size()][letter];
    bool placed = false;
    for (auto& s : slot) {
      if (s == 0) {
        s = static_cast<std::uint8_t>(i);
        placed = true;
        break;
      }
    }
    if (!placed || e.name.size() > kMaxNameLength) index.overflow = true;
    if (e.compact != 0)
      index.compact[static_cast<std::size_t>(e.compact - 'a')] = static_cast<std::uint8_t>(i);
  }
  return index;
}

constexpr Index kIndex = make_index();
static_assert(!kIndex.overflow, "header name index slot too small");

// Lower-case copies of the canonical names, to compare with `c | 0x20`:
// for the token characters a header name is made of, that maps exactly the
// upper-case letters onto their lower case and leaves the rest alone.
struct LowerNames {
  std::array<std::array<char, kMaxNameLength>, kHeaderIdCount> names{};
};

constexpr LowerNames make_lower_names() {
  LowerNames l{};
  for (std::size_t i = 1; i < kEntries.size(); ++i)
    for (std::size_t j = 0; j < kEntries[i].name.size(); ++j)
      l.names[i][j] = to_lower_ascii(kEntries[i].name[j]);
  return l;
}

constexpr LowerNames kLower = make_lower_names();

std::uint64_t load64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::uint32_t load32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// name (2 to kMaxNameLength octets) against a lower-case canonical name of
// the same length, a word at a time; the last word overlaps the one before
// it rather than reading past the name.
bool equals_lower(std::string_view name, const std::array<char, kMaxNameLength>& lower) {
  constexpr std::uint64_t kCase64 = 0x2020202020202020ull;
  constexpr std::uint32_t kCase32 = 0x20202020u;
  const char* p = name.data();
  const char* l = lower.data();
  std::size_t n = name.size();
  if (n >= 8) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
      if ((load64(p + i) | kCase64) != load64(l + i)) return false;
    return i == n || (load64(p + n - 8) | kCase64) == load64(l + n - 8);
  }
  if (n >= 4)
    return (load32(p) | kCase32) == load32(l) && (load32(p + n - 4) | kCase32) == load32(l + n - 4);
  for (std::size_t i = 0; i < n; ++i)
    if (static_cast<char>(p[i] | 0x20) != l[i]) return false;
  return true;
}

}  // namespace

HeaderId lookup_header(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return HeaderId::kOther;
  char first = static_cast<char>(name[0] | 0x20);
  if (first < 'a' || first > 'z') return HeaderId::kOther;
  std::size_t letter = static_cast<std::size_t>(first - 'a');
  if (name.size() == 1) return static_cast<HeaderId>(kIndex.compact[letter]);
  for (std::uint8_t id : kIndex.slots[name.size()][letter]) {
    if (id == 0) break;
    if (equals_lower(name, kLower.names[id])) return static_cast<HeaderId>(id);
  }
  return HeaderId::kOther;
}

std::string_view header_name(HeaderId id) { return kEntries[static_cast<std::size_t>(id)].name; }

char header_compact_form(HeaderId id) { return kEntries[static_cast<std::size_t>(id)].compact; }

}  // namespace trunkline::sip
