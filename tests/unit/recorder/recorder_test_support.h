// Helpers for the recorder tests: scratch directories with keys, synthetic
// G.711 calls with network impairments, and tone detection (Goertzel).
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "recorder/crypto/file_key_provider.h"
#include "recorder/format/recording_verifier.h"
#include "recorder/ingest/rtp_record.h"
#include "recorder/worker/recorder_worker.h"

namespace trunkline::recorder::testing {

// A fresh directory under $TMPDIR, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// <tmp>/keys (tenant KEKs), <tmp>/master.key, <tmp>/spool.
struct KeySetup {
  explicit KeySetup(const std::filesystem::path& root);
  std::unique_ptr<FileKeyProvider> open(bool create_missing = true) const;
  std::filesystem::path key_dir;
  std::filesystem::path master_key;
  std::filesystem::path spool_dir;
};

struct Tone {
  double hz = 1000;
  double from_s = 0;
  double to_s = 0;
  double amplitude = 8000;
};

// The packets one leg sends: 20 ms of G.711 each, from 0 to `duration_s`.
struct LegSpec {
  Leg leg = Leg::kCaller;
  std::uint8_t payload_type = 0;  // 0 PCMU, 8 PCMA
  std::uint32_t ssrc = 0x1234;
  std::uint16_t first_sequence = 65500;        // wraps during the call
  std::uint32_t first_timestamp = 0xFFFFF000;  // wraps during the call
  double duration_s = 4;
  std::vector<Tone> tones;
};

struct Impairments {
  std::int64_t base_delay_us = 10'000;
  std::int64_t max_jitter_us = 0;           // uniform extra delay per packet (not the first)
  std::set<int> lost;                       // packet numbers never delivered
  std::set<int> duplicated;                 // delivered twice (second copy 5 ms later)
  std::map<int, std::int64_t> extra_delay;  // packet number -> added delay
  std::uint32_t seed = 1;
};

// Packet k carries samples [160k, 160k+160) and is sent at start + 20(k+1) ms.
std::vector<RtpRecord> make_leg(RecordingHandle handle, std::int64_t start_us, const LegSpec& leg,
                                const Impairments& imp);

// Amplitude of the `hz` component of samples [from, from + n) (Goertzel).
double tone_amplitude(const std::vector<std::int16_t>& samples, std::size_t from, std::size_t n,
                      double hz);
double rms(const std::vector<std::int16_t>& samples, std::size_t from, std::size_t n);

// Collects exported audio as two channels.
class PcmCollector final : public AudioSink {
 public:
  Status write(std::int64_t first_frame, std::span<const std::uint8_t> pcm) override;
  std::vector<std::int16_t> left;
  std::vector<std::int16_t> right;
};

// Reads a 16-bit stereo WAV file written by the exporter.
bool read_wav(const std::filesystem::path& path, std::vector<std::int16_t>& left,
              std::vector<std::int16_t>& right, std::uint32_t* sample_rate);

// Delivers `packets` to the worker in arrival order, polling every `step_us`
// of simulated time from `from_us` until `to_us`; `on_step(now)` runs before
// each poll (to issue commands at chosen times).
void drive(RecorderWorker& worker, RtpQueue& queue, std::vector<RtpRecord> packets,
           std::int64_t from_us, std::int64_t to_us, std::int64_t step_us = 5'000,
           const std::function<void(std::int64_t)>& on_step = {});

// Records one synthetic call through a worker (caller 1 kHz, agent 2 kHz,
// 20 ms packets, no impairments) into `setup.spool_dir`; returns the sealed
// file, or an empty path on failure.
std::filesystem::path record_test_call(const KeySetup& setup, KeyProvider& keys,
                                       const std::string& tenant, double duration_s,
                                       std::uint32_t seed = 1);

// Byte ranges (offset, size) of each record of a recording file.
std::vector<std::pair<std::size_t, std::size_t>> record_ranges(
    const std::vector<std::uint8_t>& file);

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes);

}  // namespace trunkline::recorder::testing
