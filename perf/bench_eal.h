// What every DPDK benchmark starts with: EAL on one lcore without hugepages
// or PCI (a per-process file prefix, so benchmarks can run side by side) and
// a packet pool; then Google Benchmark runs and EAL is cleaned up.
#pragma once

#include <benchmark/benchmark.h>
#include <rte_eal.h>
#include <rte_mbuf.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace trunkline::perf {

// Runs the registered benchmarks with `*pool` set to a fresh pool of `mbufs`
// buffers; returns main()'s exit code (1 when EAL or the pool fails).
inline int run_with_eal(int argc, char** argv, const char* name, unsigned mbufs,
                        rte_mempool** pool) {
  std::string prefix = std::string("tl-bench-") + name + "-" + std::to_string(getpid());
  std::vector<std::string> eal = {
      name,  "--no-huge",     "--no-pci", "--no-telemetry",           "-l", "0", "-m",
      "256", "--file-prefix", prefix,     "--log-level=lib.eal:error"};
  std::vector<char*> eargv;
  for (auto& a : eal) eargv.push_back(a.data());
  if (rte_eal_init(static_cast<int>(eargv.size()), eargv.data()) < 0) return 1;
  *pool = rte_pktmbuf_pool_create((std::string(name) + "_pkts").c_str(), mbufs, 256, 0,
                                  RTE_MBUF_DEFAULT_BUF_SIZE, 0);
  if (*pool == nullptr) return 1;
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  rte_eal_cleanup();
  return 0;
}

}  // namespace trunkline::perf
