// Known SIP scanners by their User-Agent (friendly-scanner, sipvicious ...):
// a request whose User-Agent holds one of the configured words, in any case,
// is dropped on the lcore without an answer, so the scanner learns nothing.
// Only requests, only User-Agent: one header the pre-parse already walks
// past, compared against a short list.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace trunkline::edge {

class ScannerMatcher {
 public:
  // Longest word and most words [edge] scanner_user_agents takes.
  static constexpr std::size_t kMaxWord = 64;
  static constexpr std::size_t kMaxWords = 64;
  // Only this much of a User-Agent is looked at (scanners put their name first).
  static constexpr std::size_t kScanPrefix = 256;

  ScannerMatcher() = default;
  // `words` are compared case-insensitively; the config refuses empty or
  // over-long words.
  explicit ScannerMatcher(const std::vector<std::string>& words);

  bool matches(std::string_view user_agent) const;
  std::size_t size() const { return words_.size(); }

 private:
  std::vector<std::string> words_;  // lower case
};

}  // namespace trunkline::edge
