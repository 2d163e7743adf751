// NAS publishing: sealed recordings moved from the spool to two mirrors.
//
// BM_NasPublish(bytes): one iteration is one recording of `bytes` (random,
// so nothing compresses) published by Replicator::publish: indexed in a
// SQLite store (synchronous=FULL), written to both mirrors under a temp name,
// fsynced, renamed, directory fsynced, read back and compared with the
// SHA-256, the copies recorded, the spool copy removed. Writing the spool
// file is outside the timing. Both mirrors are directories under $TMPDIR
// (one file system): a real appliance has two NAS mounts and network I/O.
//
// Reported: items_per_second (recordings/s), bytes_per_second (MB/s
// published; each byte lands twice), and the time from end of call (the
// sealed file handed over) to verified on every mirror: p50_ms / p99_ms.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <vector>

#include "control/store/recording_index.h"
#include "control/store/sqlite_store.h"
#include "nas/mirror/replicator.h"
#include "recorder/spool/durable_io.h"

namespace {

namespace fs = std::filesystem;
using namespace trunkline;

std::string hex_id(std::uint64_t n) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", 0xabcdefULL, static_cast<unsigned long long>(n));
  return buf;
}

void BM_NasPublish(benchmark::State& state) {
  const auto bytes = static_cast<std::size_t>(state.range(0));
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base ? base : "/tmp") + "/tl-perf-nas-XXXXXX";
  const fs::path root = ::mkdtemp(tmpl.data());
  const fs::path spool = root / "spool", a = root / "nas-a", b = root / "nas-b";
  for (const auto& d : {spool / "1", a, b}) fs::create_directories(d);
  auto st = store::SqliteStore::open((root / "store.db").string());
  if (!st) {
    state.SkipWithError(st.error().message.c_str());
    return;
  }
  (void)(*st)->create_tenant("bench");
  store::RecordingIndex index(**st);
  auto mirrors = nas::MirrorSet::open({a.string(), b.string()});
  nas::Replicator replicator(**mirrors, index, spool, nas::wall_clock_ms, 60'000);

  std::vector<std::uint8_t> payload(bytes);
  std::mt19937_64 rng(7);
  for (auto& x : payload) x = static_cast<std::uint8_t>(rng());
  std::vector<double> latencies_ms;
  std::uint64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    store::IndexedRecording row;
    row.tenant_id = 1;
    row.recording_id = hex_id(n++);
    row.started_at_ms = 1'700'000'000'000;
    payload[0] = static_cast<std::uint8_t>(n);  // every file differs
    const fs::path file = spool / "1" / (row.recording_id + ".tlrec");
    (void)recorder::write_file_atomically(file, payload, 0640, true);
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    auto done = replicator.publish(file, row);
    const auto t1 = std::chrono::steady_clock::now();
    if (!done || *done != store::RecordingState::kPublished) {
      state.SkipWithError("publish did not reach every mirror");
      break;
    }
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  if (!latencies_ms.empty()) {
    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto pct = [&](double p) {
      return latencies_ms[std::min(latencies_ms.size() - 1,
                                   static_cast<std::size_t>(p * latencies_ms.size()))];
    };
    state.counters["p50_ms"] = pct(0.50);
    state.counters["p99_ms"] = pct(0.99);
  }
  std::error_code ec;
  fs::remove_all(root, ec);
}
// Two recording sizes: 64 KiB and 1 MiB.
BENCHMARK(BM_NasPublish)->Arg(64 << 10)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
