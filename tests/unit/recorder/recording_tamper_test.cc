// Every way of altering, reordering, truncating, splicing or moving a
// recording is detected by verification.
#include <gtest/gtest.h>

#include "recorder/format/recording_format.h"
#include "recorder/format/recording_verifier.h"
#include "tests/unit/recorder/recorder_test_support.h"

namespace trunkline::recorder {
namespace {

using testing::KeySetup;
using testing::read_bytes;
using testing::record_ranges;
using testing::TempDir;
using testing::write_bytes;

class RecordingTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setup_ = std::make_unique<KeySetup>(tmp_.path());
    keys_ = setup_->open();
    ASSERT_NE(keys_, nullptr);
    ASSERT_TRUE(keys_->create_tenant_key("acme"));
    ASSERT_TRUE(keys_->create_tenant_key("globex"));
    path_ = testing::record_test_call(*setup_, *keys_, "acme", 3.0);
    ASSERT_FALSE(path_.empty());
    original_ = read_bytes(path_);
    ranges_ = record_ranges(original_);
    // metadata + 6 half-second segments (plus a short last one) + trailer
    ASSERT_GE(ranges_.size(), 8u);
  }

  VerifyReport verify(const std::filesystem::path& path) {
    return verify_recording(path, *keys_,
                            expectations_from_location(path, [this](std::string_view t) {
                              return keys_->has_tenant_key(t);
                            }));
  }

  // Writes `bytes` in place of the recording and verifies it.
  VerifyReport verify_altered(const std::vector<std::uint8_t>& bytes) {
    write_bytes(path_, bytes);
    VerifyReport r = verify(path_);
    write_bytes(path_, original_);
    return r;
  }

  TempDir tmp_;
  std::unique_ptr<KeySetup> setup_;
  std::unique_ptr<FileKeyProvider> keys_;
  std::filesystem::path path_;
  std::vector<std::uint8_t> original_;
  std::vector<std::pair<std::size_t, std::size_t>> ranges_;
};

TEST_F(RecordingTamperTest, UntouchedRecordingVerifies) {
  VerifyReport r = verify(path_);
  EXPECT_TRUE(r.valid()) << r.first_failure();
  ASSERT_TRUE(r.trailer);
  EXPECT_FALSE(r.trailer->recovered);
  EXPECT_EQ(r.frames, r.trailer->frames);
  EXPECT_EQ(r.metadata.get("call_id"), std::optional<std::string_view>("call-1@test"));
  // The caller number is personal data: never in the file in clear.
  const std::string needle = "+81312345678";
  EXPECT_EQ(std::search(original_.begin(), original_.end(), needle.begin(), needle.end()),
            original_.end());
}

TEST_F(RecordingTamperTest, FlippedBitAnywhereInAnyRecordIsDetected) {
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    const auto [offset, size] = ranges_[i];
    // Framing (kind, flags, index, sizes), nonce, ciphertext start/middle/end, tag.
    for (std::size_t at : {std::size_t{4}, std::size_t{5}, std::size_t{8}, std::size_t{12},
                           std::size_t{20}, kRecordHeaderSize, size / 2, size - 17, size - 1}) {
      auto bytes = original_;
      bytes[offset + at] ^= 0x04;
      VerifyReport r = verify_altered(bytes);
      EXPECT_FALSE(r.valid()) << "record " << i << " byte " << at;
    }
  }
}

TEST_F(RecordingTamperTest, FlippedBitInTheHeaderIsDetected) {
  // created_us, recording ID, tenant name, wrapped key.
  for (std::size_t at :
       {std::size_t{17}, std::size_t{30}, kHeaderFixedSize + 1, ranges_[0].first - 3}) {
    auto bytes = original_;
    bytes[at] ^= 0x01;
    EXPECT_FALSE(verify_altered(bytes).valid()) << "header byte " << at;
  }
}

TEST_F(RecordingTamperTest, SwappedSegmentsAreDetected) {
  auto bytes = original_;
  const auto [a_off, a_size] = ranges_[2];
  const auto [b_off, b_size] = ranges_[3];
  std::vector<std::uint8_t> swapped(bytes.begin(), bytes.begin() + static_cast<long>(a_off));
  swapped.insert(swapped.end(), bytes.begin() + static_cast<long>(b_off),
                 bytes.begin() + static_cast<long>(b_off + b_size));
  swapped.insert(swapped.end(), bytes.begin() + static_cast<long>(a_off),
                 bytes.begin() + static_cast<long>(a_off + a_size));
  swapped.insert(swapped.end(), bytes.begin() + static_cast<long>(b_off + b_size), bytes.end());
  ASSERT_EQ(swapped.size(), bytes.size());
  VerifyReport r = verify_altered(swapped);
  EXPECT_FALSE(r.valid());
  EXPECT_NE(r.first_failure().find("out of order"), std::string::npos) << r.first_failure();
}

TEST_F(RecordingTamperTest, DroppedLastSegmentOrTrailerIsDetected) {
  const auto trailer = ranges_.back();
  const auto last_audio = ranges_[ranges_.size() - 2];
  // Trailer cut off: truncated.
  std::vector<std::uint8_t> no_trailer(original_.begin(),
                                       original_.begin() + static_cast<long>(trailer.first));
  VerifyReport r1 = verify_altered(no_trailer);
  EXPECT_FALSE(r1.valid());
  EXPECT_NE(r1.first_failure().find("truncated"), std::string::npos) << r1.first_failure();
  // Last audio segment cut out, trailer kept.
  std::vector<std::uint8_t> no_last(original_.begin(),
                                    original_.begin() + static_cast<long>(last_audio.first));
  no_last.insert(no_last.end(), original_.begin() + static_cast<long>(trailer.first),
                 original_.end());
  EXPECT_FALSE(verify_altered(no_last).valid());
  // Cut in the middle of a record, and garbage appended after the trailer.
  std::vector<std::uint8_t> torn(original_.begin(), original_.end() - 5);
  EXPECT_FALSE(verify_altered(torn).valid());
  auto longer = original_;
  longer.insert(longer.end(), {1, 2, 3});
  EXPECT_FALSE(verify_altered(longer).valid());
}

TEST_F(RecordingTamperTest, SegmentSplicedFromAnotherRecordingIsDetected) {
  const auto other_path = testing::record_test_call(*setup_, *keys_, "acme", 3.0, /*seed=*/2);
  ASSERT_FALSE(other_path.empty());
  const auto other = read_bytes(other_path);
  const auto other_ranges = record_ranges(other);
  ASSERT_GE(other_ranges.size(), 4u);
  // Replace segment 2 with the other recording's segment 2 (same index, same tenant).
  std::vector<std::uint8_t> spliced(original_.begin(),
                                    original_.begin() + static_cast<long>(ranges_[2].first));
  spliced.insert(spliced.end(), other.begin() + static_cast<long>(other_ranges[2].first),
                 other.begin() + static_cast<long>(other_ranges[2].first + other_ranges[2].second));
  spliced.insert(spliced.end(),
                 original_.begin() + static_cast<long>(ranges_[2].first + ranges_[2].second),
                 original_.end());
  VerifyReport r = verify_altered(spliced);
  EXPECT_FALSE(r.valid());
  EXPECT_NE(r.first_failure().find("authentication failed"), std::string::npos)
      << r.first_failure();
}

TEST_F(RecordingTamperTest, FileInAnotherRecordingsPlaceIsDetected) {
  const auto other_path = testing::record_test_call(*setup_, *keys_, "acme", 1.0, /*seed=*/3);
  ASSERT_FALSE(other_path.empty());
  std::filesystem::copy_file(path_, other_path, std::filesystem::copy_options::overwrite_existing);
  VerifyReport r = verify(other_path);
  EXPECT_FALSE(r.valid());
  EXPECT_NE(r.first_failure().find("named as recording"), std::string::npos) << r.first_failure();
}

TEST_F(RecordingTamperTest, FileMovedIntoAnotherTenantsPlaceIsDetected) {
  const auto dir = setup_->spool_dir / "globex";
  std::filesystem::create_directories(dir);
  const auto moved = dir / path_.filename();
  std::filesystem::copy_file(path_, moved);
  VerifyReport r = verify(moved);
  EXPECT_FALSE(r.valid());
  EXPECT_NE(r.first_failure().find("belongs to tenant 'acme'"), std::string::npos)
      << r.first_failure();

  // Rewriting the header to claim the other tenant does not help: the data
  // key does not unwrap under globex's key, nor do the records authenticate.
  auto bytes = original_;
  const std::size_t tenant_at = kHeaderFixedSize;
  ASSERT_EQ(std::string(bytes.begin() + tenant_at, bytes.begin() + tenant_at + 4), "acme");
  bytes[kHeaderFixedSize - 8] = 6;  // tenant length
  bytes.erase(bytes.begin() + tenant_at, bytes.begin() + tenant_at + 4);
  const std::string globex = "globex";
  bytes.insert(bytes.begin() + tenant_at, globex.begin(), globex.end());
  bytes[10] = static_cast<std::uint8_t>(bytes[10] + 2);  // header size
  write_bytes(moved, bytes);
  VerifyReport r2 = verify(moved);
  EXPECT_FALSE(r2.valid());
  EXPECT_EQ(r2.first_failure().rfind("data key", 0), 0u) << r2.first_failure();
}

TEST_F(RecordingTamperTest, WrongMasterKeyIsDetected) {
  const auto other_master = tmp_.path() / "other.key";
  ASSERT_TRUE(FileKeyProvider::create_master_key_file(other_master));
  auto wrong = FileKeyProvider::open(setup_->key_dir, other_master);
  ASSERT_TRUE(wrong);
  VerifyReport r = verify_recording(path_, **wrong, {});
  EXPECT_FALSE(r.valid());
  EXPECT_NE(r.first_failure().find("wrong master key"), std::string::npos) << r.first_failure();
}

TEST_F(RecordingTamperTest, CryptoShreddedTenantsRecordingsAreUnreadable) {
  ASSERT_TRUE(verify(path_).valid());
  ASSERT_TRUE(keys_->destroy_tenant_key("acme"));
  VerifyReport r = verify_recording(path_, *keys_, {});
  EXPECT_FALSE(r.valid());
  EXPECT_EQ(r.first_failure().rfind("data key", 0), 0u) << r.first_failure();
}

}  // namespace
}  // namespace trunkline::recorder
