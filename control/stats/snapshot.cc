#include "control/stats/snapshot.h"

#include <algorithm>
#include <cstdio>

#include "common/json_string.h"

namespace trunkline::stats {

std::string format_text(const Snapshot& s) {
  std::size_t name_w = 7;
  for (const Row& r : s.rows) name_w = std::max(name_w, r.name.size());
  std::string out;
  char buf[64];
  out += std::string("counter") + std::string(name_w - 7 + 2, ' ');
  for (unsigned l : s.lcores) {
    std::snprintf(buf, sizeof buf, "%14s", ("lcore" + std::to_string(l)).c_str());
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "%14s\n", "total");
  out += buf;
  for (const Row& r : s.rows) {
    out += r.name + std::string(name_w - r.name.size() + 2, ' ');
    for (std::size_t i = 0; i < s.lcores.size(); ++i) {
      if (r.per_lcore.empty()) {
        std::snprintf(buf, sizeof buf, "%14s", "-");
      } else {
        std::snprintf(buf, sizeof buf, "%14llu", static_cast<unsigned long long>(r.per_lcore[i]));
      }
      out += buf;
    }
    std::snprintf(buf, sizeof buf, "%14llu\n", static_cast<unsigned long long>(r.total));
    out += buf;
  }
  return out;
}

std::string format_json(const Snapshot& s) {
  std::string out = "{\"lcores\":[";
  for (std::size_t i = 0; i < s.lcores.size(); ++i)
    out += (i ? "," : "") + std::to_string(s.lcores[i]);
  out += "],\"counters\":[";
  for (std::size_t i = 0; i < s.rows.size(); ++i) {
    const Row& r = s.rows[i];
    out += std::string(i ? "," : "") + "{\"name\":" + json_quote(r.name) +
           ",\"help\":" + json_quote(r.help) + ",\"total\":" + std::to_string(r.total);
    if (!r.per_lcore.empty()) {
      out += ",\"per_lcore\":{";
      for (std::size_t l = 0; l < s.lcores.size(); ++l) {
        out += std::string(l ? "," : "") + "\"" + std::to_string(s.lcores[l]) +
               "\":" + std::to_string(r.per_lcore[l]);
      }
      out += "}";
    }
    out += "}";
  }
  return out + "]}\n";
}

std::string format_prometheus(const Snapshot& s) {
  std::string out;
  for (const Row& r : s.rows) {
    const std::string metric = "trunkline_" + r.name;
    out += "# HELP " + metric + " " + r.help + "\n";
    // Per-lcore counters are counters; appliance-wide values are gauges.
    out += "# TYPE " + metric + (r.per_lcore.empty() ? " gauge\n" : " counter\n");
    if (r.per_lcore.empty()) {
      out += metric + " " + std::to_string(r.total) + "\n";
      continue;
    }
    for (std::size_t l = 0; l < s.lcores.size(); ++l) {
      out += metric + "{lcore=\"" + std::to_string(s.lcores[l]) + "\"} " +
             std::to_string(r.per_lcore[l]) + "\n";
    }
  }
  return out;
}

}  // namespace trunkline::stats
