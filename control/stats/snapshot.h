// A point-in-time copy of every counter, and its three renderings: the
// operator's table (`trunkline stats`), JSON (`--json`), and the Prometheus
// text format (`--prometheus`, and /metrics later).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace trunkline::stats {

struct Row {
  std::string name;  // snake_case, unique
  std::string help;  // one line
  // Per worker lcore, in the order of Snapshot::lcores; empty for
  // appliance-wide values (gauges such as uptime).
  std::vector<std::uint64_t> per_lcore;
  std::uint64_t total = 0;
};

struct Snapshot {
  std::vector<unsigned> lcores;
  std::vector<Row> rows;
};

std::string format_text(const Snapshot& s);
std::string format_json(const Snapshot& s);
std::string format_prometheus(const Snapshot& s);

}  // namespace trunkline::stats
