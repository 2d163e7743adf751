// A standard RIFF/WAVE file: PCM, 16-bit, 2 channels, 8000 Hz. Written to
// `<out>.part` and renamed into place only when complete.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>

#include "common/result.h"
#include "recorder/format/recording_verifier.h"

namespace trunkline::recorder {

class WavWriter final : public AudioSink {
 public:
  explicit WavWriter(std::filesystem::path out);
  ~WavWriter() override;  // removes the .part file if not finished
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;

  Status open();
  Status write(std::int64_t first_frame, std::span<const std::uint8_t> pcm) override;
  // Fills in the sizes, flushes, and renames into place.
  Status finish();
  // Drops the partial output.
  void abandon();

 private:
  std::filesystem::path out_;
  std::filesystem::path part_;
  std::FILE* file_ = nullptr;
  std::uint64_t data_bytes_ = 0;
};

// The 44-byte header of a 16-bit stereo 8 kHz PCM WAVE file with `data_bytes` of samples.
void wav_header(std::uint32_t data_bytes, std::uint8_t out[44]);

}  // namespace trunkline::recorder
