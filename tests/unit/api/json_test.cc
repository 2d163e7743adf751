#include "control/api/json.h"

#include <gtest/gtest.h>

namespace trunkline::api {
namespace {

TEST(ApiJson, ReadsNestedValues) {
  auto v = parse_json(R"({"a":[1,-2.5e1,true,null],"s":"x\u00e9\ud83d\ude00\n","o":{}})");
  ASSERT_TRUE(v.ok()) << v.error().message;
  const JsonObject& o = *v->object();
  const JsonArray& a = *o.at("a").array();
  EXPECT_EQ(*a[1].number(), -25.0);
  EXPECT_TRUE(*a[2].boolean());
  EXPECT_TRUE(a[3].is_null());
  EXPECT_EQ(*o.at("s").string(), "x\xc3\xa9\xf0\x9f\x98\x80\n");
}

TEST(ApiJson, RefusesWhatIsNotStrictJson) {
  for (const char* bad : {"", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "01", "{\"a\":1,\"a\":2}",
                          "\"\\ud800\"", "{\"a\":1} x", "nul", "1e999"}) {
    EXPECT_FALSE(parse_json(bad).ok()) << bad;
  }
  std::string deep(40, '[');
  EXPECT_FALSE(parse_json(deep + std::string(40, ']')).ok());
}

TEST(ApiJson, FieldsNameTheFieldAtFault) {
  auto v = parse_json(R"({"n":1.5,"extra":1})");
  Fields f(*v->object());
  f.only({"n"});
  EXPECT_EQ(f.field(), "extra");
  Fields g(*v->object());
  (void)g.integer("n", 0, 10, true);
  EXPECT_EQ(g.field(), "n");
  Fields h(*v->object());
  (void)h.text("missing", true);
  EXPECT_EQ(h.field(), "missing");
  EXPECT_EQ(h.error(), "is required");
}

}  // namespace
}  // namespace trunkline::api
