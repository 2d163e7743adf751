// Recorder throughput: how many concurrent stereo G.711 calls one recorder
// core keeps in real time, with jitter buffering, stereo mixing, zstd,
// AES-256-GCM, SHA-256 and spool writes, and how many bytes a call-minute
// costs on disk.
//
// BM_RecorderRealTime runs one RecorderWorker on this thread. Each iteration
// is one simulated second: every 20 ms each call's caller and agent send a
// packet (copied into the worker's SPSC queue as the dataplane would), then
// the worker polls. Only the worker's CPU time (CLOCK_THREAD_CPUTIME_ID
// around poll) is timed; the reported time is CPU per simulated second for
// all calls, and the counters derive
//   cpu_us_per_call_second  worker CPU per second of one call's audio
//   calls_per_core          1e6 / cpu_us_per_call_second
//   bytes_per_call_minute   spool bytes written per minute of one call
// Audio is synthetic speech-like conversation (turn-taking talk spurts of
// harmonic "voiced" sound with formants and noise bursts, background noise
// in between), pre-encoded as G.711 µ-law.
//
// The spool goes to $TL_BENCH_SPOOL_DIR, else /dev/shm (so disk speed does
// not hide CPU cost), else $TMPDIR.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <vector>

#include "recorder/codec/g711.h"
#include "recorder/crypto/aes_gcm.h"
#include "recorder/crypto/file_key_provider.h"
#include "recorder/crypto/sha256.h"
#include "recorder/format/record_codec.h"
#include "recorder/worker/recorder_worker.h"

namespace trunkline::recorder {
namespace {

constexpr int kSamplesPerPacket = 160;
constexpr int kBankSeconds = 30;
constexpr int kBankPackets = kBankSeconds * 50;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Heap bytes in use (not RSS: freed memory of an earlier run stays resident).
double heap_in_use() { return static_cast<double>(mallinfo2().uordblks); }

// Synthetic speech-like PCM for both sides of a conversation: who talks is
// decided in turns of 1-4 s; a talker's signal is voiced (harmonics of a
// drifting pitch shaped by two moving formants) or unvoiced (noise) per
// syllable, with a 4-5 Hz syllable envelope; the listener's side carries
// low background noise.
void make_conversation(std::vector<std::int16_t>& caller, std::vector<std::int16_t>& agent,
                       std::uint32_t seed) {
  const int n = kBankSeconds * 8000;
  caller.assign(n, 0);
  agent.assign(n, 0);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uni(0, 1);
  std::normal_distribution<double> noise(0, 1);
  int t = 0;
  bool caller_turn = true;
  while (t < n) {
    const int turn = static_cast<int>((1.0 + 3.0 * uni(rng)) * 8000);
    double phase = 0;
    double f0 = 110 + 100 * uni(rng);
    for (int s = t; s < std::min(n, t + turn);) {
      const int syllable = static_cast<int>((0.15 + 0.15 * uni(rng)) * 8000);
      const bool voiced = uni(rng) < 0.75;
      const double f1 = 300 + 500 * uni(rng), f2 = 900 + 1500 * uni(rng);
      const double level = 3000 + 7000 * uni(rng);
      for (int i = 0; i < syllable && s < std::min(n, t + turn); ++i, ++s) {
        const double env = std::sin(M_PI * i / syllable);
        double v = 0;
        if (voiced) {
          f0 += (uni(rng) - 0.5) * 0.05;
          phase += 2 * M_PI * f0 / 8000;
          for (int h = 1; h * f0 < 3400; ++h) {
            const double f = h * f0;
            const double gain =
                1.0 / (1 + std::pow((f - f1) / 150, 2)) + 0.5 / (1 + std::pow((f - f2) / 250, 2));
            v += gain * std::sin(h * phase);
          }
          v *= level * 0.5;
        } else {
          v = noise(rng) * level * 0.3;
        }
        std::vector<std::int16_t>& talker = caller_turn ? caller : agent;
        talker[s] = static_cast<std::int16_t>(std::clamp(v * env, -32000.0, 32000.0));
      }
    }
    t += turn;
    caller_turn = !caller_turn;
  }
  for (int i = 0; i < n; ++i) {  // background noise where nobody talks on that side
    if (caller[i] == 0) caller[i] = static_cast<std::int16_t>(noise(rng) * 30);
    if (agent[i] == 0) agent[i] = static_cast<std::int16_t>(noise(rng) * 30);
  }
}

struct PacketBank {
  std::vector<std::uint8_t> caller;  // kBankPackets * 160 µ-law bytes
  std::vector<std::uint8_t> agent;
};

const PacketBank& bank() {
  static const PacketBank b = [] {
    std::vector<std::int16_t> c, a;
    make_conversation(c, a, 42);
    PacketBank out;
    for (std::int16_t s : c) out.caller.push_back(g711::linear_to_ulaw(s));
    for (std::int16_t s : a) out.agent.push_back(g711::linear_to_ulaw(s));
    return out;
  }();
  return b;
}

std::filesystem::path bench_dir() {
  if (const char* d = std::getenv("TL_BENCH_SPOOL_DIR"); d != nullptr && *d) return d;
  if (std::filesystem::is_directory("/dev/shm")) return "/dev/shm";
  const char* t = std::getenv("TMPDIR");
  return t != nullptr ? t : "/tmp";
}

void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// Args: calls, zstd level, sync mode (0 none, 1 syncfs, 2 fdatasync), flush interval ms.
void BM_RecorderRealTime(benchmark::State& state) {
  const int calls = static_cast<int>(state.range(0));
  const int level = static_cast<int>(state.range(1));
  const SyncMode sync = state.range(2) == 0   ? SyncMode::kNone
                        : state.range(2) == 1 ? SyncMode::kSyncfs
                                              : SyncMode::kFdatasync;
  raise_fd_limit();
  std::string tmpl = (bench_dir() / "tl-bench-recorder-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    state.SkipWithError("cannot create spool directory");
    return;
  }
  const std::filesystem::path root = tmpl;
  std::filesystem::create_directories(root / "keys");
  std::filesystem::create_directories(root / "spool");
  (void)FileKeyProvider::create_master_key_file(root / "master.key");
  FileKeyProviderOptions kopts;
  kopts.create_missing_tenant_keys = true;
  auto keys = FileKeyProvider::open(root / "keys", root / "master.key", kopts);
  if (!keys) {
    state.SkipWithError(keys.error().message.c_str());
    return;
  }
  RecorderConfig config;
  config.spool_dir = root / "spool";
  config.zstd_level = level;
  config.sync_mode = sync;
  config.rtp_queue_capacity = static_cast<std::size_t>(2 * calls + 64);
  config.max_calls = static_cast<std::size_t>(calls);
  config.flush_interval_us = state.range(3) * 1000;
  if (Status st = validate_config(config); !st) {
    state.SkipWithError(st.error().message.c_str());
    return;
  }
  auto worker = std::make_unique<RecorderWorker>(config, **keys);
  RtpQueue& queue = worker->add_rtp_producer();

  const PacketBank& b = bank();
  std::int64_t now = 1'700'000'000'000'000;
  const double heap_before = heap_in_use();
  std::vector<RecordingHandle> handles;
  std::vector<int> offset;  // each call plays the bank from its own place
  std::mt19937 rng(7);
  for (int c = 0; c < calls; ++c) {
    auto d = std::make_shared<CallDetails>();
    d->tenant_id = "tenant" + std::to_string(c % 50);
    d->recording_id = recording_id_to_hex(*new_recording_id());
    d->call_id = "bench-" + std::to_string(c);
    d->caller_number = "+8150000" + std::to_string(c);
    d->codec = "PCMU";
    // Started over the last flush interval, so their segments fall due spread
    // out, as real calls' do.
    auto h = worker->start_recording(d, now - (c * config.flush_interval_us) / calls);
    if (!h) {
      state.SkipWithError("command queue full");
      return;
    }
    handles.push_back(*h);
    offset.push_back(static_cast<int>(rng() % kBankPackets));
    if (c % 1000 == 999) worker->poll(now);  // keep the command queue from filling
  }
  worker->poll(now);
  if (worker->active_recordings() != static_cast<std::size_t>(calls)) {
    state.SkipWithError("not every recording started");
    return;
  }

  RtpRecord record;
  std::uint32_t tick = 0;
  double worker_cpu = 0;
  double producer_cpu = 0;
  auto one_second = [&](bool timed) {
    for (int p = 0; p < 50; ++p, ++tick) {
      now += 20'000;
      const double p0 = thread_cpu_seconds();
      for (int c = 0; c < calls; ++c) {
        const int k = (offset[static_cast<std::size_t>(c)] + static_cast<int>(tick)) % kBankPackets;
        const auto seq = static_cast<std::uint16_t>(tick);
        const std::uint32_t ts = tick * kSamplesPerPacket;
        record.assign(handles[static_cast<std::size_t>(c)], Leg::kCaller, seq, ts, 1, 0, now,
                      std::span(b.caller.data() + k * kSamplesPerPacket, kSamplesPerPacket));
        queue.push(record);
        record.assign(handles[static_cast<std::size_t>(c)], Leg::kAgent, seq, ts, 2, 0, now,
                      std::span(b.agent.data() + k * kSamplesPerPacket, kSamplesPerPacket));
        queue.push(record);
      }
      const double t0 = thread_cpu_seconds();
      while (worker->poll(now) != 0) {
      }
      const double t1 = thread_cpu_seconds();
      if (timed) {
        producer_cpu += t0 - p0;
        worker_cpu += t1 - t0;
      }
    }
  };
  one_second(false);  // warm-up: buffers grow, first segments seal
  const std::uint64_t bytes0 = worker->counters().bytes_written.load();
  int seconds = 0;
  for (auto _ : state) {
    const double before = worker_cpu;
    one_second(true);
    state.SetIterationTime(worker_cpu - before);
    ++seconds;
  }
  const std::uint64_t bytes = worker->counters().bytes_written.load() - bytes0;
  const double call_seconds = static_cast<double>(calls) * seconds;
  const double us_per_call_second = worker_cpu * 1e6 / call_seconds;
  state.counters["calls"] = calls;
  state.counters["cpu_us_per_call_second"] = us_per_call_second;
  state.counters["calls_per_core"] = 1e6 / us_per_call_second;
  state.counters["producer_ns_per_packet"] = producer_cpu * 1e9 / (call_seconds * 100);
  state.counters["bytes_per_call_minute"] = static_cast<double>(bytes) / call_seconds * 60;
  // Against 16-bit stereo PCM at 8 kHz (32,000 bytes per second).
  state.counters["ratio_vs_pcm"] = 32000.0 * call_seconds / static_cast<double>(bytes);
  state.counters["heap_bytes_per_call"] = (heap_in_use() - heap_before) / calls;
  state.counters["queue_drops"] = static_cast<double>(worker->rtp_queue_drops());

  worker->seal_all(now);
  worker.reset();
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
}
BENCHMARK(BM_RecorderRealTime)
    ->ArgNames({"calls", "zstd", "sync", "flush_ms"})
    ->Args({1000, 1, 0, 500})
    ->Args({1000, 1, 2, 500})
    ->Args({10000, 1, 0, 500})
    ->Args({10000, 1, 1, 500})
    ->Args({10000, 1, 1, 900})
    ->Args({10000, -1, 1, 500})
    ->Args({10000, -3, 1, 500})
    ->Args({10000, -5, 1, 500})
    ->Args({10000, 3, 1, 500})
    ->Iterations(5)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// Stage costs for one 0.5 s stereo segment: two planes of 4000 µ-law code
// words (what is compressed and encrypted) and 16,000 bytes of decoded PCM
// (what is hashed).
std::vector<std::uint8_t> segment_codes() {
  const PacketBank& b = bank();
  std::vector<std::uint8_t> out(8000);
  std::memcpy(out.data(), b.caller.data() + 8000, 4000);
  std::memcpy(out.data() + 4000, b.agent.data() + 8000, 4000);
  return out;
}

void BM_SegmentZstd(benchmark::State& state) {
  const auto codes = segment_codes();
  RecordCodec codec(static_cast<int>(state.range(0)));
  std::size_t out = 0;
  for (auto _ : state) out = *codec.compress(codes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * codes.size()));
  state.counters["ratio"] = static_cast<double>(codes.size()) / static_cast<double>(out);
}
BENCHMARK(BM_SegmentZstd)->Arg(-1)->Arg(1)->Arg(3);

void BM_SegmentAesGcm(benchmark::State& state) {
  const auto codes = segment_codes();
  AesGcm gcm;
  SecretKey key;
  key.randomize();
  GcmNonce nonce{};
  GcmTag tag;
  std::vector<std::uint8_t> out(codes.size());
  for (auto _ : state) benchmark::DoNotOptimize(gcm.seal(key, nonce, {}, codes, out.data(), tag));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * codes.size()));
}
BENCHMARK(BM_SegmentAesGcm);

void BM_SegmentDecodeAndSha256(benchmark::State& state) {
  const auto codes = segment_codes();
  std::vector<std::int16_t> pcm(8000);
  Sha256 h;
  for (auto _ : state) {
    g711::decode(g711::Law::kUlaw, codes.data(), 4000, pcm.data(), 2);
    g711::decode(g711::Law::kUlaw, codes.data() + 4000, 4000, pcm.data() + 1, 2);
    h.update(std::span(reinterpret_cast<const std::uint8_t*>(pcm.data()), 16000));
  }
  benchmark::DoNotOptimize(h.finish());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 16000));
}
BENCHMARK(BM_SegmentDecodeAndSha256);

// What the lcore side of the fork costs per packet: one record copy into the SPSC queue.
void BM_ForkPushPacket(benchmark::State& state) {
  const PacketBank& b = bank();
  RtpQueue queue(1024);
  RtpRecord record;
  RtpRecord out;
  std::uint32_t k = 0;
  for (auto _ : state) {
    record.assign(1, Leg::kCaller, static_cast<std::uint16_t>(k), k * 160, 1, 0, k,
                  std::span(b.caller.data(), kSamplesPerPacket));
    queue.push(record);
    queue.pop(out);
    ++k;
  }
  benchmark::DoNotOptimize(out);
}
BENCHMARK(BM_ForkPushPacket);

void BM_G711DecodePacket(benchmark::State& state) {
  const PacketBank& b = bank();
  std::int16_t out[kSamplesPerPacket];
  std::size_t k = 0;
  for (auto _ : state) {
    g711::decode_ulaw(b.caller.data() + k * kSamplesPerPacket, kSamplesPerPacket, out);
    benchmark::DoNotOptimize(out);
    k = (k + 1) % kBankPackets;
  }
}
BENCHMARK(BM_G711DecodePacket);

}  // namespace
}  // namespace trunkline::recorder

BENCHMARK_MAIN();
