#include <unistd.h>

#include <cstdio>

#include "recorder/format/wav_writer.h"
#include "recorder/tools/recording_commands.h"
#include "recorder/tools/recording_options.h"

namespace trunkline::recorder {

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
  // First pass: verify everything before any decrypted audio leaves the process.
  const VerifyReport check = verify_recording(options->file, **keys, expect);
  if (!check.valid()) {
    std::fprintf(stderr, "recording export: %s does not verify: %s\n", options->file.c_str(),
                 check.first_failure().c_str());
    return 1;
  }
  // Second pass: decrypt into OUT.part, checked again as it goes (the file
  // could change between passes); renamed into place only if it all holds.
  WavWriter wav(options->out);
  if (Status st = wav.open(); !st) {
    std::fprintf(stderr, "recording export: %s\n", st.error().message.c_str());
    return 2;
  }
  const VerifyReport second = verify_recording(options->file, **keys, expect, &wav);
  if (!second.valid()) {
    wav.abandon();
    std::fprintf(stderr, "recording export: %s changed while exporting: %s\n",
                 options->file.c_str(), second.first_failure().c_str());
    return 1;
  }
  if (Status st = wav.finish(); !st) {
    std::fprintf(stderr, "recording export: %s\n", st.error().message.c_str());
    return 2;
  }
  std::printf("exported %s -> %s (%lld ms, stereo 8 kHz 16-bit: left caller, right agent%s)\n",
              options->file.c_str(), options->out.c_str(),
              static_cast<long long>(second.frames / 8),
              second.trailer && second.trailer->recovered ? "; recovered after a crash" : "");
  return 0;
}

}  // namespace trunkline::recorder
