// `trunkline recording verify` and `trunkline recording export` as an
// operator runs them: exit codes, what they print, what they refuse.
#include "recorder/tools/recording_commands.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "recorder/crypto/sha256.h"
#include "tests/unit/recorder/recorder_test_support.h"

namespace trunkline::recorder {
namespace {

using testing::KeySetup;
using testing::TempDir;

struct VerbResult {
  int code;
  std::string out;
  std::string err;
};

VerbResult run(int (*verb)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const int code = verb(static_cast<int>(argv.size()), argv.data());
  std::string out = ::testing::internal::GetCapturedStdout();
  std::string err = ::testing::internal::GetCapturedStderr();
  return {code, out, err};
}

class RecordingCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setup_ = std::make_unique<KeySetup>(tmp_.path());
    keys_ = setup_->open();
    path_ = testing::record_test_call(*setup_, *keys_, "acme", 1.5);
    ASSERT_FALSE(path_.empty());
  }
  std::vector<std::string> key_args() const {
    return {"--keys", setup_->key_dir.string(), "--master-key", setup_->master_key.string()};
  }
  std::vector<std::string> args(std::vector<std::string> head) const {
    auto k = key_args();
    head.insert(head.end(), k.begin(), k.end());
    return head;
  }
  TempDir tmp_;
  std::unique_ptr<KeySetup> setup_;
  std::unique_ptr<FileKeyProvider> keys_;
  std::filesystem::path path_;
};

TEST_F(RecordingCommandsTest, VerifyPrintsEachCheckAndExitsZeroForAGoodRecording) {
  VerbResult r = run(recording_verify_main, args({path_.string()}));
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  for (const char* check :
       {"header", "location", "data key", "records", "metadata", "audio", "complete", "checksum"})
    EXPECT_NE(r.out.find(std::string("  ") + check), std::string::npos) << check << "\n" << r.out;
  EXPECT_NE(r.out.find("tenant matches, recording ID matches"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result: VALID"), std::string::npos);
  // Personal data only on request.
  EXPECT_EQ(r.out.find("+81312345678"), std::string::npos);
  VerbResult shown = run(recording_verify_main, args({path_.string(), "--show-personal"}));
  EXPECT_NE(shown.out.find("+81312345678"), std::string::npos);
}

TEST_F(RecordingCommandsTest, KeyLocationsComeFromTheEnvironmentToo) {
  ::setenv(kKeyDirEnv, setup_->key_dir.c_str(), 1);
  ::setenv(kMasterKeyFileEnv, setup_->master_key.c_str(), 1);
  VerbResult r = run(recording_verify_main, {path_.string()});
  ::unsetenv(kKeyDirEnv);
  ::unsetenv(kMasterKeyFileEnv);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST_F(RecordingCommandsTest, VerifyExitsOneForATamperedRecordingAndNamesTheFailure) {
  auto bytes = testing::read_bytes(path_);
  bytes[bytes.size() - 100] ^= 0x80;
  testing::write_bytes(path_, bytes);
  VerbResult r = run(recording_verify_main, args({path_.string()}));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("result: INVALID (records: "), std::string::npos) << r.out;
}

TEST_F(RecordingCommandsTest, ExplicitExpectationsMustMatch) {
  VerbResult wrong_tenant =
      run(recording_verify_main, args({path_.string(), "--tenant", "globex"}));
  EXPECT_EQ(wrong_tenant.code, 1);
  VerbResult wrong_id =
      run(recording_verify_main, args({path_.string(), "--recording-id", std::string(32, '0')}));
  EXPECT_EQ(wrong_id.code, 1);
  EXPECT_NE(wrong_id.out.find("named as recording"), std::string::npos);
}

TEST_F(RecordingCommandsTest, UsageErrorsExitTwoWithAPreciseMessage) {
  EXPECT_EQ(run(recording_verify_main, args({})).code, 2);
  VerbResult unknown = run(recording_verify_main, args({path_.string(), "--frobnicate"}));
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown option --frobnicate"), std::string::npos);
  VerbResult bad_id = run(recording_verify_main, args({path_.string(), "--recording-id", "xyz"}));
  EXPECT_EQ(bad_id.code, 2);
  EXPECT_NE(bad_id.err.find("--recording-id"), std::string::npos);
  VerbResult no_master =
      run(recording_verify_main, {path_.string(), "--keys", setup_->key_dir.string()});
  EXPECT_EQ(no_master.code, 2);
  EXPECT_NE(no_master.err.find("TRUNKLINE_MASTER_KEY_FILE"), std::string::npos);
  EXPECT_EQ(run(recording_export_main, args({path_.string()})).code, 2);  // no --out
}

TEST_F(RecordingCommandsTest, ExportWritesAWavAndRefusesToOverwrite) {
  const auto out = tmp_.path() / "call.wav";
  VerbResult r = run(recording_export_main, args({path_.string(), "--out", out.string()}));
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::int16_t> left, right;
  std::uint32_t rate = 0;
  ASSERT_TRUE(testing::read_wav(out, left, right, &rate));
  EXPECT_EQ(left.size(), right.size());
  EXPECT_GT(testing::tone_amplitude(left, 4000, 160, 1000), 6000);
  EXPECT_GT(testing::tone_amplitude(right, 4000, 160, 2000), 6000);
  EXPECT_EQ(run(recording_export_main, args({path_.string(), "--out", out.string()})).code, 2);
}

TEST_F(RecordingCommandsTest, WavDataChunkHashesToTheTrailersChecksum) {
  const auto out = tmp_.path() / "hash.wav";
  ASSERT_EQ(run(recording_export_main, args({path_.string(), "--out", out.string()})).code, 0);
  const auto wav = testing::read_bytes(out);
  ASSERT_GT(wav.size(), 44u);
  const Sha256Digest data_hash = Sha256::of(std::span(wav).subspan(44));
  VerifyReport r = verify_recording(path_, *keys_, {});
  ASSERT_TRUE(r.trailer);
  EXPECT_EQ(to_hex(data_hash), to_hex(r.trailer->pcm_sha256));
}

TEST_F(RecordingCommandsTest, ExportOfATamperedRecordingWritesNothing) {
  auto bytes = testing::read_bytes(path_);
  auto ranges = testing::record_ranges(bytes);
  // Drop the trailer: everything that is there still authenticates.
  bytes.resize(ranges.back().first);
  testing::write_bytes(path_, bytes);
  const auto out = tmp_.path() / "tampered.wav";
  VerbResult r = run(recording_export_main, args({path_.string(), "--out", out.string()}));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("does not verify: complete: no trailer"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(out.string() + ".part"));
}

TEST_F(RecordingCommandsTest, ExportWithTheWrongMasterKeyWritesNothing) {
  const auto other = tmp_.path() / "other.key";
  ASSERT_TRUE(FileKeyProvider::create_master_key_file(other));
  const auto out = tmp_.path() / "wrong.wav";
  VerbResult r =
      run(recording_export_main, {path_.string(), "--out", out.string(), "--keys",
                                  setup_->key_dir.string(), "--master-key", other.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace trunkline::recorder
