// A fresh SQLite store in a temporary directory, for the tenant tests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "control/store/sqlite_store.h"

namespace trunkline::tenant::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tl-tenant-XXXXXX";
    dir_ = mkdtemp(tmpl);
    path_ = dir_ + "/t.db";
    auto s = store::SqliteStore::open(path_);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_, path_;
  std::unique_ptr<store::SqliteStore> store_;
};

}  // namespace trunkline::tenant::testing
