#include "dataplane/edge/scanner_match.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trunkline::edge {
namespace {

TEST(ScannerMatcher, KnownScannersInAnyCaseAnywhereInTheValue) {
  ScannerMatcher m({"friendly-scanner", "sipvicious", "VaxSIPUserAgent", "pplsip"});
  EXPECT_TRUE(m.matches("friendly-scanner"));
  EXPECT_TRUE(m.matches("Friendly-Scanner 1.0"));
  EXPECT_TRUE(m.matches("SIPVicious/0.3.4"));
  EXPECT_TRUE(m.matches("vaxsipuseragent/3.1"));
  EXPECT_TRUE(m.matches("x pplsip"));
  EXPECT_EQ(m.size(), 4u);
}

TEST(ScannerMatcher, OrdinaryPhonesAndEmptyValuesPass) {
  ScannerMatcher m({"friendly-scanner", "sipcli"});
  EXPECT_FALSE(m.matches(""));
  EXPECT_FALSE(m.matches("Yealink SIP-T46S 66.86.0.15"));
  EXPECT_FALSE(m.matches("baresip v1.0.0 (x86_64/linux)"));
  EXPECT_FALSE(m.matches("friendly-scanne"));  // a prefix of a word is not the word
  EXPECT_FALSE(ScannerMatcher(std::vector<std::string>{}).matches("friendly-scanner"));
}

TEST(ScannerMatcher, OnlyTheStartOfAHugeValueIsRead) {
  ScannerMatcher m({"sipcli"});
  EXPECT_TRUE(m.matches("sipcli" + std::string(5000, 'x')));
  EXPECT_FALSE(m.matches(std::string(ScannerMatcher::kScanPrefix, 'x') + "sipcli"));
}

}  // namespace
}  // namespace trunkline::edge
