// Store backups: generations kept by the policy, and a restore that brings
// back the index and an intact audit chain.
#include <gtest/gtest.h>

#include "control/store/backup.h"
#include "nas/backup/backup_encryption.h"
#include "nas/backup/store_backup_command.h"
#include "recorder/crypto/file_key_provider.h"
#include "tests/unit/nas/nas_test_support.h"

namespace trunkline::store {
namespace {

namespace fs = std::filesystem;
constexpr std::int64_t kDay = 86'400'000;
// 2026-11-02 is a Monday.
constexpr std::int64_t kMonday = 1'793'577'600'000;

std::vector<std::string> names(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(NasBackup, KeepsTwoDailyAndFiveWeeklyGenerations) {
  nas::testing::NasEnv env;
  const fs::path dir = env.tmp.path() / "backups";
  for (int d = 0; d < 50; ++d) ASSERT_TRUE(backup_store(*env.store, dir, kMonday + d * kDay));
  const auto got = names(dir);
  EXPECT_EQ(
      got, (std::vector<std::string>{"trunkline-daily-20261220.db", "trunkline-daily-20261221.db",
                                     "trunkline-weekly-20261123.db", "trunkline-weekly-20261130.db",
                                     "trunkline-weekly-20261207.db", "trunkline-weekly-20261214.db",
                                     "trunkline-weekly-20261221.db"}));
}

TEST(NasBackup, RestoreBringsBackTheIndexAndAnIntactAuditChain) {
  nas::testing::NasEnv env;
  IndexedRecording row;
  row.tenant_id = env.acme;
  row.recording_id = std::string(32, 'a');
  row.sha256 = std::string(64, 'b');
  row.indexed_at_ms = 1;
  ASSERT_TRUE(env.index->add(row));
  audit::AuditEntry e;
  e.actor = "alice";
  e.action = "recordings.search";
  ASSERT_TRUE(env.audit->append(e));
  const fs::path dir = env.tmp.path() / "backups";
  auto b = backup_store(*env.store, dir, kMonday);
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_EQ(b->written.size(), 2u);  // the first backup is also the week's

  const fs::path restored = env.tmp.path() / "restored.db";
  ASSERT_TRUE(restore_store(b->written.front(), restored));
  auto s = SqliteStore::open(restored.string());
  ASSERT_TRUE(s) << s.error().message;
  RecordingIndex index(**s);
  auto got = index.get(env.acme, row.recording_id);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->sha256, row.sha256);
  auto chain = audit::verify_chain(**s);
  ASSERT_TRUE(chain);
  EXPECT_TRUE(chain->ok);
  EXPECT_EQ(chain->entries, 1);

  // A damaged backup is refused and the target is left alone.
  const fs::path junk = env.tmp.path() / "junk.db";
  recorder::testing::write_bytes(junk, std::vector<std::uint8_t>(4096, 0x42));
  EXPECT_FALSE(restore_store(junk, restored));
  EXPECT_TRUE(SqliteStore::open(restored.string()));
}

TEST(NasBackup, BackupCommandWritesToTheDirectory) {
  nas::testing::NasEnv env;
  const fs::path dir = env.tmp.path() / "b";
  auto r = nas::testing::run_command(nas::store_backup_command,
                                     {"--store", env.store_path.string(), "--dir", dir.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("trunkline-daily-"), std::string::npos) << r.out;
  EXPECT_EQ(nas::testing::run_command(nas::store_backup_command, {"--store", "x"}).code, 2);
}

TEST(NasBackup, EncryptedBackupRestoresOnlyWithTheMasterKeyAndDetectsDamage) {
  nas::testing::NasEnv env;
  IndexedRecording row;
  row.tenant_id = env.acme;
  row.recording_id = std::string(32, 'c');
  row.sha256 = std::string(64, 'd');
  row.indexed_at_ms = 1;
  ASSERT_TRUE(env.index->add(row));
  const fs::path dir = env.tmp.path() / "enc";
  auto r = nas::testing::run_command(nas::store_backup_command,
                                     {"--store", env.store_path.string(), "--dir", dir.string(),
                                      "--encrypt", "--master-key", env.keys->master_key.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("(encrypted)"), std::string::npos) << r.out;
  fs::path backup;
  for (const auto& e : fs::directory_iterator(dir)) backup = e.path();
  ASSERT_TRUE(nas::is_encrypted_backup(backup));
  const auto sealed = nas::testing::file_bytes(backup);
  const std::string text(sealed.begin(), sealed.end());
  EXPECT_EQ(text.find("SQLite format 3"), std::string::npos) << "no plaintext store";
  EXPECT_EQ(text.find(row.recording_id), std::string::npos);

  const fs::path target = env.tmp.path() / "restored.db";
  auto no_key = nas::testing::run_command(nas::store_restore_command,
                                          {backup.string(), "--store", target.string()});
  EXPECT_EQ(no_key.code, 2) << "an encrypted backup needs the master key";
  const fs::path other = env.tmp.path() / "other.key";
  ASSERT_TRUE(recorder::FileKeyProvider::create_master_key_file(other));
  auto wrong = nas::testing::run_command(
      nas::store_restore_command,
      {backup.string(), "--master-key", other.string(), "--store", target.string()});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("wrong master key"), std::string::npos) << wrong.err;
  EXPECT_FALSE(fs::exists(target));

  auto ok = nas::testing::run_command(
      nas::store_restore_command,
      {backup.string(), "--master-key", env.keys->master_key.string(), "--store", target.string()});
  ASSERT_EQ(ok.code, 0) << ok.err;
  auto s = SqliteStore::open(target.string());
  ASSERT_TRUE(s);
  RecordingIndex index(**s);
  auto got = index.get(row.tenant_id, row.recording_id);
  ASSERT_TRUE(got && got->has_value());

  // Truncated, or a flipped bit: refused, nothing written.
  auto master = recorder::FileKeyProvider::read_master_key(env.keys->master_key);
  ASSERT_TRUE(master);
  const fs::path cut = env.tmp.path() / "cut.db";
  recorder::testing::write_bytes(cut, std::vector<std::uint8_t>(sealed.begin(), sealed.end() - 20));
  EXPECT_FALSE(nas::decrypt_backup(cut, env.tmp.path() / "cut.out", *master));
  auto flipped = sealed;
  flipped[flipped.size() / 2] ^= 1;
  const fs::path bad = env.tmp.path() / "bad.db";
  recorder::testing::write_bytes(bad, flipped);
  EXPECT_FALSE(nas::decrypt_backup(bad, env.tmp.path() / "bad.out", *master));
  EXPECT_FALSE(fs::exists(env.tmp.path() / "bad.out"));
  EXPECT_FALSE(fs::exists(env.tmp.path() / "bad.out.part"));
}

}  // namespace
}  // namespace trunkline::store
