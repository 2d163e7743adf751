#include "common/json_string.h"

#include <gtest/gtest.h>

namespace trunkline {
namespace {

TEST(JsonQuote, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_quote("plain"), "\"plain\"");
  EXPECT_EQ(json_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_quote("l1\nl2\tx\r"), "\"l1\\nl2\\tx\\r\"");
  EXPECT_EQ(json_quote(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(json_quote("日本"), "\"日本\"") << "UTF-8 passes through";
  EXPECT_EQ(json_quote(""), "\"\"");
}

}  // namespace
}  // namespace trunkline
