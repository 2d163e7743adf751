// Command-line options shared by the recording verbs.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "recorder/crypto/file_key_provider.h"
#include "recorder/format/recording_verifier.h"

namespace trunkline::recorder {

struct RecordingOptions {
  std::filesystem::path file;
  std::filesystem::path out;         // export only
  std::filesystem::path key_dir;     // --keys, or $TRUNKLINE_KEY_DIR
  std::filesystem::path master_key;  // --master-key, or $TRUNKLINE_MASTER_KEY_FILE
  std::optional<std::string> tenant_id;
  std::optional<RecordingId> recording_id;
  bool show_personal = false;
};

// Parses argv (after the verb words). `with_out`: --out is accepted and required.
Result<RecordingOptions> parse_recording_options(int argc, char** argv, bool with_out);

// Opens the key provider the options name.
Result<std::unique_ptr<FileKeyProvider>> open_keys(const RecordingOptions& options);

// Explicit --tenant/--recording-id, else what the file's location implies.
VerifyExpectations expectations_for(const RecordingOptions& options, FileKeyProvider& keys);

}  // namespace trunkline::recorder
