// Control API requests/s through the whole request path but the socket:
// route, bearer session, authorize(), tenant scope, handler, and the audit
// entry each request appends (a committed SQLite transaction: the real
// cost). Two requests: the supervisor's status-board read and an agent's
// state change, both against a desk that answers at once (the ACD's own
// cost is perf/acd.cc's). TLS cost is not included.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "control/api/api_service.h"

namespace trunkline::api {
namespace {

class InstantDesk : public acd::AgentDesk {
 public:
  acd::DeskAnswer ok() { return {acd::DeskError::kNone, "", "{\"state\":\"ready\"}"}; }
  acd::DeskAnswer log_in(std::int64_t, std::string_view, bool) override { return ok(); }
  acd::DeskAnswer log_out(std::int64_t, std::string_view) override { return ok(); }
  acd::DeskAnswer set_ready(std::int64_t, std::string_view) override { return ok(); }
  acd::DeskAnswer set_not_ready(std::int64_t, std::string_view, std::uint32_t) override {
    return ok();
  }
  acd::DeskAnswer end_wrap_up(std::int64_t, std::string_view) override { return ok(); }
  acd::DeskAnswer agent(std::int64_t, std::string_view) override { return ok(); }
  acd::DeskAnswer events(std::int64_t, std::uint64_t) override {
    return {acd::DeskError::kNone, "", "[]"};
  }
  acd::DeskAnswer board(std::int64_t) override {
    return {acd::DeskError::kNone, "", "{\"agents\":[],\"queues\":[]}"};
  }
};

void run(benchmark::State& state, auth::Role role, const char* method, const std::string& path) {
  const auto db = std::filesystem::temp_directory_path() /
                  ("tl-api-bench-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(db);
  auto st = store::SqliteStore::open(db.string()).value();
  const std::int64_t t = *st->create_tenant("bench");
  InstantDesk desk;
  ApiDeps d;
  d.store = st.get();
  d.desk = &desk;
  ApiService api(std::move(d));
  const auth::Principal p{"u", role, t};
  const std::string token = api.sessions().create(
      p, std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  Request r;
  r.method = method;
  r.target = path == "board" ? "/api/v1/tenants/" + std::to_string(t) + "/board" : path;
  r.authorization = "Bearer " + token;
  r.source = "127.0.0.1";
  for (auto _ : state) {
    Response resp = api.handle(r);
    if (resp.status != 200) state.SkipWithError(resp.body.c_str());
    benchmark::DoNotOptimize(resp);
  }
  state.SetItemsProcessed(state.iterations());
  for (const char* ext : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + ext);
}

void BM_StatusBoardRead(benchmark::State& s) { run(s, auth::Role::kSupervisor, "GET", "board"); }
void BM_AgentReady(benchmark::State& s) {
  run(s, auth::Role::kAgent, "POST", "/api/v1/me/agent/ready");
}
BENCHMARK(BM_StatusBoardRead)->Repetitions(3)->ReportAggregatesOnly(true)->MinTime(0.5);
BENCHMARK(BM_AgentReady)->Repetitions(3)->ReportAggregatesOnly(true)->MinTime(0.5);

}  // namespace
}  // namespace trunkline::api

BENCHMARK_MAIN();
