// Checks a recording end to end: header, location (is the file where its
// tenant and recording ID say it belongs), data key, every record's
// authentication and order, the audio's continuity, completeness (a trailer
// marked last, matching segment count and length) and the PCM checksum.
// Optionally hands each authenticated audio segment to a sink (export).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/key_provider.h"
#include "recorder/format/field_list.h"
#include "recorder/format/recording_fields.h"
#include "recorder/format/recording_format.h"

namespace trunkline::recorder {

struct VerifyCheck {
  std::string name;
  bool ok = false;
  std::string detail;
};

struct VerifyReport {
  std::vector<VerifyCheck> checks;
  std::optional<RecordingHeader> header;
  FieldList metadata;
  std::optional<TrailerInfo> trailer;
  std::int64_t frames = 0;
  std::uint32_t audio_segments = 0;

  bool valid() const;
  // The first failed check as "name: detail", or empty.
  std::string first_failure() const;
};

struct VerifyExpectations {
  std::optional<std::string> tenant_id;
  std::optional<RecordingId> recording_id;
};

// What a file's place says it must be: the recording ID from a file named
// <32 hex digits>.tlrec (or .tlrec.part), the tenant from the directory it
// sits in when `is_tenant(name)` says that directory names a tenant.
VerifyExpectations expectations_from_location(
    const std::filesystem::path& path, const std::function<bool(std::string_view)>& is_tenant);

class AudioSink {
 public:
  virtual ~AudioSink() = default;
  // Frames [first_frame, first_frame + pcm.size() / 4), s16le stereo.
  virtual Status write(std::int64_t first_frame, std::span<const std::uint8_t> pcm) = 0;
};

VerifyReport verify_recording(const std::filesystem::path& path, KeyProvider& keys,
                              const VerifyExpectations& expect, AudioSink* sink = nullptr);

}  // namespace trunkline::recorder
