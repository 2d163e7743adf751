#include <cstdio>
#include <string>

#include "recorder/tools/recording_commands.h"
#include "recorder/tools/recording_options.h"

namespace trunkline::recorder {
namespace {

// Fields that are personal data: printed only on request.
bool is_personal(std::string_view key) { return key == "caller_number"; }

}  // namespace

int recording_verify_main(int argc, char** argv) {
  auto options = parse_recording_options(argc, argv, /*with_out=*/false);
  if (!options) {
    std::fprintf(stderr, "recording verify: %s\nusage: trunkline recording verify %s\n",
                 options.error().message.c_str(), kRecordingVerifyUsage);
    return 2;
  }
  auto keys = open_keys(*options);
  if (!keys) {
    std::fprintf(stderr, "recording verify: %s\n", keys.error().message.c_str());
    return 2;
  }
  const VerifyReport report =
      verify_recording(options->file, **keys, expectations_for(*options, **keys));
  std::printf("file: %s\n", options->file.c_str());
  for (const VerifyCheck& c : report.checks)
    std::printf("  %-9s %-4s %s\n", c.name.c_str(), c.ok ? "ok" : "FAIL", c.detail.c_str());
  if (!report.metadata.fields().empty()) {
    std::printf("metadata:\n");
    for (const auto& [k, v] : report.metadata.fields()) {
      if (is_personal(k) && !options->show_personal) {
        std::printf("  %s = (personal data; --show-personal prints it)\n", k.c_str());
      } else {
        std::printf("  %s = %s\n", k.c_str(), v.c_str());
      }
    }
  }
  if (report.trailer) {
    const TrailerInfo& t = *report.trailer;
    const std::string pauses = t.pauses.empty() ? "none" : format_spans(t.pauses);
    std::printf("trailer:\n  status = %s\n  duration_ms = %lld\n  pauses (frames) = %s\n",
                t.recovered ? "recovered (truncated by a crash)" : "complete",
                static_cast<long long>(t.frames / 8), pauses.c_str());
    std::printf("  caller packets: received=%llu lost=%llu late=%llu duplicate=%llu\n",
                static_cast<unsigned long long>(t.caller.received),
                static_cast<unsigned long long>(t.caller.lost()),
                static_cast<unsigned long long>(t.caller.late),
                static_cast<unsigned long long>(t.caller.duplicates));
    std::printf("  agent packets:  received=%llu lost=%llu late=%llu duplicate=%llu\n",
                static_cast<unsigned long long>(t.agent.received),
                static_cast<unsigned long long>(t.agent.lost()),
                static_cast<unsigned long long>(t.agent.late),
                static_cast<unsigned long long>(t.agent.duplicates));
  }
  if (report.valid()) {
    std::printf("result: VALID\n");
    return 0;
  }
  std::printf("result: INVALID (%s)\n", report.first_failure().c_str());
  return 1;
}

}  // namespace trunkline::recorder
