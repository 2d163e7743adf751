#include "tests/unit/recorder/recorder_test_support.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "recorder/codec/g711.h"
#include "recorder/format/recording_format.h"

namespace trunkline::recorder::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/tl-recorder-test-XXXXXX";
  char* made = ::mkdtemp(tmpl.data());
  path_ = made != nullptr ? std::filesystem::path(made) : std::filesystem::path();
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

KeySetup::KeySetup(const std::filesystem::path& root)
    : key_dir(root / "keys"), master_key(root / "master.key"), spool_dir(root / "spool") {
  std::filesystem::create_directories(key_dir);
  std::filesystem::create_directories(spool_dir);
  (void)FileKeyProvider::create_master_key_file(master_key);
}

std::unique_ptr<FileKeyProvider> KeySetup::open(bool create_missing) const {
  FileKeyProviderOptions opts;
  opts.create_missing_tenant_keys = create_missing;
  auto keys = FileKeyProvider::open(key_dir, master_key, opts);
  return keys ? std::move(*keys) : nullptr;
}

std::vector<RtpRecord> make_leg(RecordingHandle handle, std::int64_t start_us, const LegSpec& leg,
                                const Impairments& imp) {
  constexpr int kSamples = 160;
  const int packets = static_cast<int>(leg.duration_s * 50);
  std::mt19937 rng(imp.seed + static_cast<std::uint32_t>(leg.leg) * 7919);
  std::uniform_int_distribution<std::int64_t> jitter(0, imp.max_jitter_us);
  std::vector<RtpRecord> out;
  std::uint8_t payload[kSamples];
  for (int k = 0; k < packets; ++k) {
    for (int i = 0; i < kSamples; ++i) {
      const double t = (k * kSamples + i) / 8000.0;
      double v = 0;
      for (const Tone& tone : leg.tones)
        if (t >= tone.from_s && t < tone.to_s)
          v += tone.amplitude * std::sin(2 * M_PI * tone.hz * t);
      const auto s = static_cast<std::int16_t>(std::lround(v));
      payload[i] = leg.payload_type == g711::kPayloadTypePcma ? g711::linear_to_alaw(s)
                                                              : g711::linear_to_ulaw(s);
    }
    if (imp.lost.contains(k)) continue;
    std::int64_t arrival = start_us + (k + 1) * 20'000 + imp.base_delay_us;
    if (k > 0) arrival += jitter(rng);
    if (auto it = imp.extra_delay.find(k); it != imp.extra_delay.end()) arrival += it->second;
    RtpRecord r;
    r.assign(handle, leg.leg, static_cast<std::uint16_t>(leg.first_sequence + k),
             leg.first_timestamp + static_cast<std::uint32_t>(k * kSamples), leg.ssrc,
             leg.payload_type, arrival, std::span<const std::uint8_t>(payload, kSamples));
    out.push_back(r);
    if (imp.duplicated.contains(k)) {
      r.arrival_us += 5'000;
      out.push_back(r);
    }
  }
  return out;
}

double tone_amplitude(const std::vector<std::int16_t>& x, std::size_t from, std::size_t n,
                      double hz) {
  const double w = 2 * M_PI * hz / 8000.0;
  const double coeff = 2 * std::cos(w);
  double s1 = 0, s2 = 0;
  for (std::size_t i = from; i < from + n && i < x.size(); ++i) {
    const double s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return 2 * std::sqrt(std::max(power, 0.0)) / static_cast<double>(n);
}

double rms(const std::vector<std::int16_t>& x, std::size_t from, std::size_t n) {
  double sum = 0;
  for (std::size_t i = from; i < from + n && i < x.size(); ++i) sum += double(x[i]) * x[i];
  return std::sqrt(sum / static_cast<double>(n));
}

Status PcmCollector::write(std::int64_t, std::span<const std::uint8_t> pcm) {
  for (std::size_t i = 0; i + 3 < pcm.size(); i += 4) {
    left.push_back(static_cast<std::int16_t>(pcm[i] | pcm[i + 1] << 8));
    right.push_back(static_cast<std::int16_t>(pcm[i + 2] | pcm[i + 3] << 8));
  }
  return Status::Ok();
}

bool read_wav(const std::filesystem::path& path, std::vector<std::int16_t>& left,
              std::vector<std::int16_t>& right, std::uint32_t* sample_rate) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::uint8_t> b((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
  if (b.size() < 44 || std::memcmp(b.data(), "RIFF", 4) != 0 ||
      std::memcmp(b.data() + 8, "WAVEfmt ", 8) != 0 || std::memcmp(b.data() + 36, "data", 4) != 0)
    return false;
  auto u16 = [&](std::size_t o) { return static_cast<std::uint16_t>(b[o] | b[o + 1] << 8); };
  auto u32 = [&](std::size_t o) {
    return static_cast<std::uint32_t>(b[o] | b[o + 1] << 8 | b[o + 2] << 16 |
                                      static_cast<std::uint32_t>(b[o + 3]) << 24);
  };
  if (u16(20) != 1 || u16(22) != 2 || u16(34) != 16) return false;
  *sample_rate = u32(24);
  const std::uint32_t data = u32(40);
  if (44 + std::size_t{data} != b.size()) return false;
  for (std::size_t i = 44; i + 3 < b.size(); i += 4) {
    left.push_back(static_cast<std::int16_t>(u16(i)));
    right.push_back(static_cast<std::int16_t>(u16(i + 2)));
  }
  return true;
}

void drive(RecorderWorker& worker, RtpQueue& queue, std::vector<RtpRecord> packets,
           std::int64_t from_us, std::int64_t to_us, std::int64_t step_us,
           const std::function<void(std::int64_t)>& on_step) {
  std::stable_sort(packets.begin(), packets.end(), [](const RtpRecord& a, const RtpRecord& b) {
    return a.arrival_us < b.arrival_us;
  });
  std::size_t next = 0;
  for (std::int64_t now = from_us; now <= to_us; now += step_us) {
    if (on_step) on_step(now);
    while (next < packets.size() && packets[next].arrival_us <= now) {
      if (!queue.push(packets[next])) break;  // full: deliver the rest next step
      ++next;
    }
    worker.poll(now);
  }
}

std::filesystem::path record_test_call(const KeySetup& setup, KeyProvider& keys,
                                       const std::string& tenant, double duration_s,
                                       std::uint32_t seed) {
  RecorderConfig config;
  config.spool_dir = setup.spool_dir;
  config.rtp_queue_capacity = 4096;
  RecorderWorker worker(config, keys);
  RtpQueue& queue = worker.add_rtp_producer();
  std::filesystem::path sealed;
  worker.on_sealed([&](const std::filesystem::path& p, const CallDetails&, std::int64_t,
                       std::int64_t) { sealed = p; });

  auto details = std::make_shared<CallDetails>();
  details->tenant_id = tenant;
  details->recording_id = recording_id_to_hex(*new_recording_id());
  details->call_id = "call-" + std::to_string(seed) + "@test";
  details->caller_number = "+81312345678";
  details->did = "+81300000000";
  details->skill = "billing";
  details->agent = "agent-7";
  details->codec = "PCMU";
  const std::int64_t start = 1'700'000'000'000'000 + std::int64_t{seed} * 1'000'000'000;
  auto handle = worker.start_recording(details, start);
  if (!handle) return {};
  LegSpec caller{Leg::kCaller, 0, 0x1111, 100, 1000, duration_s, {{1000, 0, duration_s, 8000}}};
  LegSpec agent{Leg::kAgent, 0, 0x2222, 200, 5000, duration_s, {{2000, 0, duration_s, 8000}}};
  Impairments imp;
  imp.seed = seed;
  auto packets = make_leg(*handle, start, caller, imp);
  auto more = make_leg(*handle, start, agent, imp);
  packets.insert(packets.end(), more.begin(), more.end());
  const std::int64_t end = start + static_cast<std::int64_t>(duration_s * 1e6) + 40'000;
  bool stopped = false;
  drive(worker, queue, packets, start, end + 500'000, 5'000, [&](std::int64_t now) {
    if (!stopped && now >= end) {
      stopped = worker.stop_recording(*handle, end);
    }
  });
  return sealed;
}

std::vector<std::pair<std::size_t, std::size_t>> record_ranges(const std::vector<std::uint8_t>& f) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  auto header = header_size_from_prefix(f);
  if (!header) return out;
  std::size_t at = *header;
  while (at + kRecordHeaderSize <= f.size()) {
    auto rh = parse_record_header(f.data() + at);
    if (!rh) break;
    const std::size_t size = kRecordOverhead + rh->body_size;
    out.emplace_back(at, size);
    at += size;
  }
  return out;
}

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
}

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

}  // namespace trunkline::recorder::testing
