// Verify-then-decrypt export of one recording to a WAV file, shared by
// `trunkline recording export FILE` and `trunkline recordings export ID`.
#pragma once

#include <cstdint>
#include <filesystem>

#include "common/result.h"
#include "recorder/crypto/key_provider.h"
#include "recorder/format/recording_verifier.h"

namespace trunkline::recorder {

struct ExportSummary {
  std::int64_t frames = 0;
  bool recovered = false;  // sealed by crash recovery: the audio ends early
};

// Verifies all of `file` before any decrypted audio leaves the process, then
// decrypts it into `out` (written as OUT.part, checked again as it goes,
// renamed into place only if it all holds). On failure *invalid says whether
// the recording did not verify (true) or the output could not be written.
Result<ExportSummary> export_to_wav(const std::filesystem::path& file, KeyProvider& keys,
                                    const VerifyExpectations& expect,
                                    const std::filesystem::path& out, bool* invalid);

}  // namespace trunkline::recorder
