#include "dataplane/sip/overload_reply.h"

#include <cstdio>
#include <cstring>

namespace trunkline::dataplane {

namespace {

class Out {
 public:
  Out(char* p, std::size_t cap) : p_(p), cap_(cap) {}
  void put(std::string_view s) {
    if (len_ + s.size() > cap_) {
      overflow_ = true;
      return;
    }
    std::memcpy(p_ + len_, s.data(), s.size());
    len_ += s.size();
  }
  std::size_t size() const { return overflow_ ? 0 : len_; }

 private:
  char* p_;
  std::size_t cap_;
  std::size_t len_ = 0;
  bool overflow_ = false;
};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

enum class Copy { kNo, kVia, kFrom, kTo, kCallId, kCSeq };

Copy classify(std::string_view name) {
  if (iequals(name, "via") || iequals(name, "v")) return Copy::kVia;
  if (iequals(name, "from") || iequals(name, "f")) return Copy::kFrom;
  if (iequals(name, "to") || iequals(name, "t")) return Copy::kTo;
  if (iequals(name, "call-id") || iequals(name, "i")) return Copy::kCallId;
  if (iequals(name, "cseq")) return Copy::kCSeq;
  return Copy::kNo;
}

// Does a To value carry a tag parameter (outside a quoted display name / <uri>)?
bool has_tag(std::string_view value) {
  bool quoted = false;
  int angle = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char ch = value[i];
    if (ch == '"' && (i == 0 || value[i - 1] != '\\')) quoted = !quoted;
    if (quoted) continue;
    if (ch == '<') ++angle;
    if (ch == '>') --angle;
    if (ch == ';' && angle == 0) {
      std::size_t j = i + 1;
      while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
      if (value.size() - j >= 3 && iequals(value.substr(j, 3), "tag")) return true;
    }
  }
  return false;
}

}  // namespace

std::size_t write_overload_503(std::string_view req, std::uint32_t retry_after_s, char* out,
                               std::size_t cap) {
  Out o(out, cap);
  o.put("SIP/2.0 503 Service Unavailable\r\n");
  std::size_t pos = req.find("\r\n");
  if (pos == std::string_view::npos) return 0;
  pos += 2;
  unsigned seen = 0;
  // Header lines up to the empty line; a folded line (starting with white
  // space) belongs to the header before it and is copied with it.
  Copy current = Copy::kNo;
  while (pos < req.size()) {
    std::size_t end = req.find("\r\n", pos);
    if (end == std::string_view::npos) return 0;
    std::string_view line = req.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) break;
    if (line[0] == ' ' || line[0] == '\t') {
      if (current != Copy::kNo) {
        o.put(line);
        o.put("\r\n");
      }
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return 0;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    current = classify(name);
    if (current == Copy::kNo) continue;
    seen |= 1u << static_cast<unsigned>(current);
    o.put(line);
    if (current == Copy::kTo && !has_tag(line.substr(colon + 1))) o.put(";tag=tl-overload");
    o.put("\r\n");
  }
  constexpr unsigned kNeeded = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5);
  if ((seen & kNeeded) != kNeeded) return 0;
  char tail[96];
  const int n = std::snprintf(tail, sizeof tail, "Retry-After: %u\r\nContent-Length: 0\r\n\r\n",
                              retry_after_s);
  o.put(std::string_view(tail, static_cast<std::size_t>(n)));
  return o.size();
}

}  // namespace trunkline::dataplane
