#include "recorder/crypto/file_key_provider.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "tests/unit/recorder/recorder_test_support.h"

namespace trunkline::recorder {
namespace {

using testing::KeySetup;
using testing::TempDir;

RecordingId id_of(std::uint8_t fill) {
  RecordingId id;
  id.fill(fill);
  return id;
}

TEST(FileKeyProviderTest, WrapsAndUnwrapsADataKeyBoundToTenantAndRecording) {
  TempDir tmp;
  KeySetup setup(tmp.path());
  auto keys = setup.open(/*create_missing=*/false);
  ASSERT_NE(keys, nullptr);
  ASSERT_TRUE(keys->create_tenant_key("acme"));
  ASSERT_TRUE(keys->create_tenant_key("globex"));
  SecretKey dek;
  ASSERT_TRUE(dek.randomize());

  auto wrapped = keys->wrap_data_key("acme", id_of(1), dek);
  ASSERT_TRUE(wrapped) << wrapped.error().message;
  auto back = keys->unwrap_data_key("acme", id_of(1), *wrapped);
  ASSERT_TRUE(back);
  EXPECT_TRUE(std::equal(back->data(), back->data() + 32, dek.data()));

  EXPECT_FALSE(keys->unwrap_data_key("acme", id_of(2), *wrapped));    // another recording
  EXPECT_FALSE(keys->unwrap_data_key("globex", id_of(1), *wrapped));  // another tenant
  WrappedDataKey flipped = *wrapped;
  flipped.blob[20] ^= 0x01;
  EXPECT_FALSE(keys->unwrap_data_key("acme", id_of(1), flipped));
}

TEST(FileKeyProviderTest, UnknownTenantIsAnErrorUnlessCreationIsAllowed) {
  TempDir tmp;
  KeySetup setup(tmp.path());
  SecretKey dek;
  ASSERT_TRUE(dek.randomize());
  auto strict = setup.open(/*create_missing=*/false);
  auto r = strict->wrap_data_key("initech", id_of(1), dek);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("no key for tenant 'initech'"), std::string::npos);
  EXPECT_FALSE(strict->has_tenant_key("initech"));

  auto lenient = setup.open(/*create_missing=*/true);
  EXPECT_TRUE(lenient->wrap_data_key("initech", id_of(1), dek));
  EXPECT_TRUE(lenient->has_tenant_key("initech"));
}

TEST(FileKeyProviderTest, RejectsTenantIdsThatCouldEscapeTheKeyDirectory) {
  TempDir tmp;
  KeySetup setup(tmp.path());
  auto keys = setup.open();
  EXPECT_FALSE(keys->create_tenant_key("../evil"));
  EXPECT_FALSE(keys->create_tenant_key(".hidden"));
  EXPECT_FALSE(keys->create_tenant_key(""));
  EXPECT_FALSE(keys->create_tenant_key(std::string(65, 'a')));
}

TEST(FileKeyProviderTest, WrongMasterKeyCannotOpenTenantKeys) {
  TempDir tmp;
  KeySetup setup(tmp.path());
  SecretKey dek;
  ASSERT_TRUE(dek.randomize());
  WrappedDataKey wrapped;
  {
    auto keys = setup.open();
    auto w = keys->wrap_data_key("acme", id_of(1), dek);
    ASSERT_TRUE(w);
    wrapped = *w;
  }
  const auto other_master = tmp.path() / "other.key";
  ASSERT_TRUE(FileKeyProvider::create_master_key_file(other_master));
  auto wrong = FileKeyProvider::open(setup.key_dir, other_master);
  ASSERT_TRUE(wrong);
  auto r = (*wrong)->unwrap_data_key("acme", id_of(1), wrapped);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("wrong master key"), std::string::npos);
}

TEST(FileKeyProviderTest, KeyFileCopiedToAnotherTenantDoesNotUnwrap) {
  TempDir tmp;
  KeySetup setup(tmp.path());
  auto keys = setup.open();
  ASSERT_TRUE(keys->create_tenant_key("acme"));
  std::filesystem::copy_file(setup.key_dir / "acme.kek", setup.key_dir / "globex.kek");
  SecretKey dek;
  ASSERT_TRUE(dek.randomize());
  EXPECT_FALSE(keys->wrap_data_key("globex", id_of(1), dek));
}

TEST(FileKeyProviderTest, MasterKeyFromEnvironmentAndHexOrRawFiles) {
  TempDir tmp;
  KeySetup setup(tmp.path());
  ::setenv(kMasterKeyFileEnv, setup.master_key.c_str(), 1);
  auto from_env = FileKeyProvider::open(setup.key_dir, "");
  ::unsetenv(kMasterKeyFileEnv);
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_FALSE(FileKeyProvider::open(setup.key_dir, ""));  // neither flag nor env

  const auto raw = tmp.path() / "raw.key";
  std::ofstream(raw, std::ios::binary) << std::string(32, '\x42');
  EXPECT_TRUE(FileKeyProvider::open(setup.key_dir, raw));
  const auto bad = tmp.path() / "bad.key";
  std::ofstream(bad) << "not a key\n";
  auto r = FileKeyProvider::open(setup.key_dir, bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("32 raw bytes or 64 hex digits"), std::string::npos);
  EXPECT_FALSE(FileKeyProvider::create_master_key_file(setup.master_key));  // never overwrites
}

TEST(FileKeyProviderTest, DestroyingATenantKeyShredsItsDataKeys) {
  TempDir tmp;
  KeySetup setup(tmp.path());
  auto keys = setup.open(/*create_missing=*/false);
  ASSERT_TRUE(keys->create_tenant_key("acme"));
  SecretKey dek;
  ASSERT_TRUE(dek.randomize());
  auto wrapped = keys->wrap_data_key("acme", id_of(1), dek);
  ASSERT_TRUE(wrapped);
  ASSERT_TRUE(keys->destroy_tenant_key("acme"));
  EXPECT_FALSE(std::filesystem::exists(setup.key_dir / "acme.kek"));
  // Neither this provider (which had it cached) nor a fresh one can unwrap.
  EXPECT_FALSE(keys->unwrap_data_key("acme", id_of(1), *wrapped));
  EXPECT_FALSE(setup.open()->unwrap_data_key("acme", id_of(1), *wrapped));
  // A new key for the same tenant name does not bring the old data back.
  ASSERT_TRUE(keys->create_tenant_key("acme"));
  EXPECT_FALSE(keys->unwrap_data_key("acme", id_of(1), *wrapped));
}

}  // namespace
}  // namespace trunkline::recorder
