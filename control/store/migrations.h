// The store's schema, as numbered migrations applied in order, each in its
// own transaction. A migration, once released, is never edited: add the next.
#pragma once

#include <span>

namespace trunkline::store {

struct Migration {
  int version;       // 1, 2, 3, ... without gaps
  const char* name;  // what it adds, for the log and schema_migrations
  const char* sql;
};

std::span<const Migration> migrations();

}  // namespace trunkline::store
