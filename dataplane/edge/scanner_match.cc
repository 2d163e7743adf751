#include "dataplane/edge/scanner_match.h"

namespace trunkline::edge {

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

ScannerMatcher::ScannerMatcher(const std::vector<std::string>& words) {
  for (const std::string& w : words) {
    if (w.empty()) continue;
    std::string l;
    for (char c : w) l += lower(c);
    words_.push_back(std::move(l));
  }
}

bool ScannerMatcher::matches(std::string_view user_agent) const {
  if (words_.empty() || user_agent.empty()) return false;
  // Lower-case the start of the value once, then plain substring searches.
  char buf[kScanPrefix];
  const std::size_t n = user_agent.size() < kScanPrefix ? user_agent.size() : kScanPrefix;
  for (std::size_t i = 0; i < n; ++i) buf[i] = lower(user_agent[i]);
  const std::string_view ua(buf, n);
  for (const std::string& w : words_)
    if (ua.find(w) != std::string_view::npos) return true;
  return false;
}

}  // namespace trunkline::edge
