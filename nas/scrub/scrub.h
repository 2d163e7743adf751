// Scrub and self-heal: read every copy of every live recording on every
// mirror that is up, compare it with the index's SHA-256, and rewrite a
// missing or bad copy from a source that matches (the spool or another
// mirror). A copy whose checksum does not match is never used as a source,
// and when no source matches nothing is overwritten: the recording is
// reported unrepairable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nas/clock.h"
#include "nas/mirror/replicator.h"

namespace trunkline::nas {

struct ScrubFinding {
  std::int64_t tenant_id = 0;
  std::string recording_id;
  std::string mirror;
  std::string problem;  // "missing" | "bad"
  bool repaired = false;
  std::string detail;  // why it could not be repaired
};

struct ScrubReport {
  std::uint64_t recordings = 0;
  std::uint64_t copies_checked = 0;
  std::uint64_t copies_ok = 0;
  std::uint64_t missing = 0;
  std::uint64_t bad = 0;
  std::uint64_t repaired = 0;
  std::uint64_t unrepairable = 0;
  std::uint64_t mirrors_down = 0;  // not scrubbed this time
  std::vector<ScrubFinding> findings;
  bool clean() const { return missing == 0 && bad == 0; }
};

Result<ScrubReport> scrub(Replicator& replicator, const Clock& clock);

// One line per finding and a summary, or the same as one JSON object.
std::string format_report(const ScrubReport& report, bool json);

}  // namespace trunkline::nas
