#include "tests/unit/nas/nas_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "recorder/format/recording_id.h"

namespace trunkline::nas::testing {

namespace fs = std::filesystem;

CommandResult run_command(int (*verb)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = verb(static_cast<int>(argv.size()), argv.data());
  std::string out = ::testing::internal::GetCapturedStdout();
  std::string err = ::testing::internal::GetCapturedStderr();
  return {code, out, err};
}

NasEnv::NasEnv() {
  keys = std::make_unique<recorder::testing::KeySetup>(tmp.path());
  key_provider = keys->open(/*create_missing=*/true);
  mirror_a = tmp.path() / "nas-a";
  mirror_b = tmp.path() / "nas-b";
  fs::create_directories(mirror_a);
  fs::create_directories(mirror_b);
  store_path = tmp.path() / "trunkline.db";
  auto s = store::SqliteStore::open(store_path.string());
  if (s) store = std::move(*s);
  index = std::make_unique<store::RecordingIndex>(*store);
  audit = std::make_unique<audit::AuditLog>(*store);
  acme = *store->create_tenant("acme");
  globex = *store->create_tenant("globex");
}

std::pair<fs::path, store::IndexedRecording> NasEnv::record(store::TenantId tenant,
                                                            std::uint32_t seed, double seconds) {
  fs::path p = recorder::testing::record_test_call(*keys, *key_provider, std::to_string(tenant),
                                                   seconds, seed);
  store::IndexedRecording row;
  row.tenant_id = tenant;
  row.recording_id = p.stem().string();
  row.call_id = "call-" + std::to_string(seed) + "@test";
  row.caller_number = "+81312345678";
  row.did = "+81300000000";
  row.agent = "agent-7";
  row.skill = "billing";
  row.codec = "PCMU";
  row.started_at_ms = 1'700'000'000'000 + std::int64_t{seed} * 1'000'000;
  row.ended_at_ms = row.started_at_ms + static_cast<std::int64_t>(seconds * 1000);
  return {p, row};
}

std::unique_ptr<MirrorSet> NasEnv::mirrors() const {
  auto m = MirrorSet::open({mirror_a.string(), mirror_b.string()});
  return m ? std::move(*m) : nullptr;
}

fs::path NasEnv::write_config() const {
  const fs::path path = tmp.path() / "trunkline.toml";
  std::ofstream out(path);
  out << "[[ports]]\nname = \"trunk0\"\ndevice = \"net_null0\"\nipv4 = [\"198.51.100.1/24\"]\n"
      << "[paths]\nstore = \"" << store_path.string() << "\"\nspool = \""
      << keys->spool_dir.string() << "\"\n"
      << "[nas]\nmirrors = [\"" << mirror_a.string() << "\", \"" << mirror_b.string() << "\"]\n"
      << "[recorder]\nkey_dir = \"" << keys->key_dir.string() << "\"\nmaster_key_file = \""
      << keys->master_key.string() << "\"\n";
  return path;
}

std::vector<std::string> NasEnv::config_args() const {
  return {"--config", write_config().string(), "--actor", "auditor-1"};
}

std::vector<std::uint8_t> file_bytes(const fs::path& path) {
  return recorder::testing::read_bytes(path);
}

void corrupt(const fs::path& path) {
  auto bytes = file_bytes(path);
  ASSERT_FALSE(bytes.empty());
  bytes[bytes.size() / 2] ^= 0x5A;
  recorder::testing::write_bytes(path, bytes);
}

std::vector<std::pair<std::string, std::vector<std::uint8_t>>> tree(const fs::path& root) {
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) {
      out.emplace_back(fs::relative(it->path(), root).string(), file_bytes(it->path()));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace trunkline::nas::testing
