// One verified copy onto a mirror: the bytes the index names or nothing;
// a source that does not match is refused before anything is placed; a
// missing root is a mirror failure (never recreated); too slow is a failure.
#include <gtest/gtest.h>

#include <random>

#include "nas/mirror/verified_copy.h"
#include "tests/unit/nas/nas_test_support.h"

namespace trunkline::nas {
namespace {

namespace fs = std::filesystem;

class NasVerifiedCopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = tmp_.path() / "mirror";
    fs::create_directories(root_);
    src_ = tmp_.path() / "src.tlrec";
    std::vector<std::uint8_t> bytes(8 << 20);
    std::mt19937 rng(3);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    recorder::testing::write_bytes(src_, bytes);
    auto d = digest_file(src_);
    ASSERT_TRUE(d);
    sha_ = d->sha256;
    dest_ = root_ / "1" / "2026" / "11" / "28" / "x.tlrec";
  }
  bool leftovers() {
    for (const auto& [name, bytes] : testing::tree(root_))
      if (name.find(".tmp") != std::string::npos) return true;
    return false;
  }
  recorder::testing::TempDir tmp_;
  fs::path root_, src_, dest_;
  std::string sha_;
};

TEST_F(NasVerifiedCopyTest, PlacesTheExactBytes) {
  const CopyOutcome out = copy_verified(src_, root_, dest_, sha_, 0);
  ASSERT_TRUE(out.ok()) << out.detail;
  EXPECT_EQ(testing::file_bytes(dest_), testing::file_bytes(src_));
  EXPECT_FALSE(leftovers());
}

TEST_F(NasVerifiedCopyTest, SourceThatDoesNotMatchTheIndexIsRefusedBeforeTheRename) {
  const CopyOutcome out = copy_verified(src_, root_, dest_, std::string(64, '0'), 0);
  EXPECT_EQ(out.failure, CopyFailure::kSourceBad);
  EXPECT_NE(out.detail.find("does not match the index"), std::string::npos) << out.detail;
  EXPECT_FALSE(fs::exists(dest_));
  EXPECT_FALSE(leftovers());
}

TEST_F(NasVerifiedCopyTest, MissingRootIsAMirrorFailureAndIsNotRecreated) {
  fs::remove_all(root_);
  const CopyOutcome out = copy_verified(src_, root_, dest_, sha_, 0);
  EXPECT_EQ(out.failure, CopyFailure::kMirrorFailed);
  EXPECT_FALSE(fs::exists(root_));
}

TEST_F(NasVerifiedCopyTest, SlowerThanTheDeadlineIsAMirrorFailure) {
  // 8 MiB hashed, written, fsynced and read back cannot take under 1 ms.
  const CopyOutcome out = copy_verified(src_, root_, dest_, sha_, 1);
  EXPECT_EQ(out.failure, CopyFailure::kMirrorFailed);
  EXPECT_NE(out.detail.find("took longer than 1 ms"), std::string::npos) << out.detail;
  EXPECT_FALSE(leftovers());
}

}  // namespace
}  // namespace trunkline::nas
