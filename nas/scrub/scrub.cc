#include "nas/scrub/scrub.h"

#include <cerrno>
#include <cstdio>

#include "common/json_string.h"
#include "common/log.h"

namespace trunkline::nas {

using store::CopyState;

Result<ScrubReport> scrub(Replicator& replicator, const Clock& clock) {
  ScrubReport report;
  store::RecordingIndex& index = replicator.index();
  for (auto& m : replicator.mirrors().mirrors()) {
    if (!m->up()) ++report.mirrors_down;
  }
  auto keys = index.live_recordings();
  if (!keys) return keys.error();
  for (const auto& k : *keys) {
    auto row = index.get(k.tenant_id, k.recording_id);
    if (!row) return row.error();
    if (!*row) continue;
    ++report.recordings;
    // First read every copy, then repair: a repair must know which copies
    // are good before it picks a source.
    std::vector<ScrubFinding> found;
    for (auto& m : replicator.mirrors().mirrors()) {
      if (!m->up()) continue;
      ++report.copies_checked;
      auto digest = digest_file(m->path_of(**row));
      if (digest && digest->sha256 == (*row)->sha256) {
        ++report.copies_ok;
        (void)index.set_copy(k.tenant_id, k.recording_id, m->name(), CopyState::kOk, clock());
        continue;
      }
      const bool missing = !digest && !std::filesystem::exists(m->path_of(**row));
      ScrubFinding f{k.tenant_id, k.recording_id, m->name(), missing ? "missing" : "bad", false,
                     ""};
      ++(missing ? report.missing : report.bad);
      (void)index.set_copy(k.tenant_id, k.recording_id, m->name(),
                           missing ? CopyState::kMissing : CopyState::kBad, 0);
      found.push_back(std::move(f));
    }
    for (ScrubFinding& f : found) {
      Mirror* target = replicator.mirrors().find(f.mirror);
      if (target == nullptr || !target->up()) {
        f.detail = "mirror went down during the scrub";
      } else {
        f.repaired = replicator.repair(**row, *target, &f.detail);
      }
      if (f.repaired) {
        ++report.repaired;
        f.detail.clear();
      } else {
        ++report.unrepairable;
        TL_LOG(kError, "nas_scrub_unrepairable", "tenant=%lld recording=%s mirror=%s reason=\"%s\"",
               static_cast<long long>(f.tenant_id), f.recording_id.c_str(), f.mirror.c_str(),
               f.detail.c_str());
      }
      report.findings.push_back(std::move(f));
    }
    if (!found.empty()) {
      auto row_now = index.get(k.tenant_id, k.recording_id);
      if (row_now && *row_now) (void)replicator.settle(**row_now);
    }
  }
  return report;
}

namespace {

// Minimal JSON string escaping for our own text (paths and error messages).
}  // namespace

std::string format_report(const ScrubReport& r, bool json) {
  std::string out;
  char line[512];
  if (json) {
    std::snprintf(
        line, sizeof line,
        "{\"recordings\":%llu,\"copies_checked\":%llu,\"copies_ok\":%llu,"
        "\"missing\":%llu,\"bad\":%llu,\"repaired\":%llu,\"unrepairable\":%llu,"
        "\"mirrors_down\":%llu,\"findings\":[",
        static_cast<unsigned long long>(r.recordings),
        static_cast<unsigned long long>(r.copies_checked),
        static_cast<unsigned long long>(r.copies_ok), static_cast<unsigned long long>(r.missing),
        static_cast<unsigned long long>(r.bad), static_cast<unsigned long long>(r.repaired),
        static_cast<unsigned long long>(r.unrepairable),
        static_cast<unsigned long long>(r.mirrors_down));
    out = line;
    for (std::size_t i = 0; i < r.findings.size(); ++i) {
      const ScrubFinding& f = r.findings[i];
      out += (i ? "," : "");
      out += "{\"tenant\":" + std::to_string(f.tenant_id) +
             ",\"recording\":" + json_quote(f.recording_id) +
             ",\"mirror\":" + json_quote(f.mirror) + ",\"problem\":" + json_quote(f.problem) +
             ",\"repaired\":" + (f.repaired ? "true" : "false") +
             ",\"detail\":" + json_quote(f.detail) + "}";
    }
    return out + "]}\n";
  }
  for (const ScrubFinding& f : r.findings) {
    out += "tenant " + std::to_string(f.tenant_id) + " recording " + f.recording_id + " on " +
           f.mirror + ": " + f.problem + ", " +
           (f.repaired ? std::string("repaired") : "UNREPAIRABLE: " + f.detail) + "\n";
  }
  std::snprintf(line, sizeof line,
                "scrub: %llu recordings, %llu copies checked, %llu ok, %llu missing, %llu bad, "
                "%llu repaired, %llu unrepairable, %llu mirrors down (not checked)\n",
                static_cast<unsigned long long>(r.recordings),
                static_cast<unsigned long long>(r.copies_checked),
                static_cast<unsigned long long>(r.copies_ok),
                static_cast<unsigned long long>(r.missing), static_cast<unsigned long long>(r.bad),
                static_cast<unsigned long long>(r.repaired),
                static_cast<unsigned long long>(r.unrepairable),
                static_cast<unsigned long long>(r.mirrors_down));
  return out + line;
}

}  // namespace trunkline::nas
