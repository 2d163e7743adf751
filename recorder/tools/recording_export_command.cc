#include <unistd.h>

#include <cstdio>

#include "recorder/format/wav_writer.h"
#include "recorder/tools/recording_commands.h"
#include "recorder/tools/recording_export.h"
#include "recorder/tools/recording_options.h"

namespace trunkline::recorder {

Result<ExportSummary> export_to_wav(const std::filesystem::path& file, KeyProvider& keys,
                                    const VerifyExpectations& expect,
                                    const std::filesystem::path& out, bool* invalid) {
  *invalid = false;
  // First pass: verify everything before any decrypted audio leaves the process.
  const VerifyReport check = verify_recording(file, keys, expect);
  if (!check.valid()) {
    *invalid = true;
    return Error{file.string() + " does not verify: " + check.first_failure()};
  }
  // Second pass: decrypt into OUT.part, checked again as it goes (the file
  // could change between passes); renamed into place only if it all holds.
  WavWriter wav(out);
  if (Status st = wav.open(); !st) return st.error();
  const VerifyReport second = verify_recording(file, keys, expect, &wav);
  if (!second.valid()) {
    wav.abandon();
    *invalid = true;
    return Error{file.string() + " changed while exporting: " + second.first_failure()};
  }
  if (Status st = wav.finish(); !st) return st.error();
  return ExportSummary{second.frames, second.trailer && second.trailer->recovered};
}

int recording_export_main(int argc, char** argv) {
  auto options = parse_recording_options(argc, argv, /*with_out=*/true);
  if (!options) {
    std::fprintf(stderr, "recording export: %s\nusage: trunkline recording export %s\n",
                 options.error().message.c_str(), kRecordingExportUsage);
    return 2;
  }
  if (::access(options->out.c_str(), F_OK) == 0) {
    std::fprintf(stderr, "recording export: %s exists; refusing to overwrite it\n",
                 options->out.c_str());
    return 2;
  }
  auto keys = open_keys(*options);
  if (!keys) {
    std::fprintf(stderr, "recording export: %s\n", keys.error().message.c_str());
    return 2;
  }
  const VerifyExpectations expect = expectations_for(*options, **keys);
  bool invalid = false;
  auto done = export_to_wav(options->file, **keys, expect, options->out, &invalid);
  if (!done) {
    std::fprintf(stderr, "recording export: %s\n", done.error().message.c_str());
    return invalid ? 1 : 2;
  }
  std::printf("exported %s -> %s (%lld ms, stereo 8 kHz 16-bit: left caller, right agent%s)\n",
              options->file.c_str(), options->out.c_str(), static_cast<long long>(done->frames / 8),
              done->recovered ? "; recovered after a crash" : "");
  return 0;
}

}  // namespace trunkline::recorder
