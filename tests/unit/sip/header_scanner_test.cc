#include "control/sip/header_scanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trunkline::sip {
namespace {

struct Scanned {
  std::vector<std::string> lines;  // "name=value"
  bool error = false;
  std::string detail;
  std::size_t error_offset = 0;
  std::size_t body_offset = 0;
};

// Scans the header lines of `head` (no start line) as the text it is: the
// scanner is handed exactly head's octets, so ASan sees any read past them.
Scanned scan(const std::string& head) {
  std::vector<char> exact(head.begin(), head.end());
  const char* begin = exact.data();
  HeaderScanner scanner(begin, begin + exact.size());
  Scanned out;
  RawHeader raw;
  SyntaxError err;
  while (true) {
    HeaderScanner::Step step = scanner.next(&raw, &err);
    if (step == HeaderScanner::Step::kEnd) {
      out.body_offset = static_cast<std::size_t>(scanner.body_start() - begin);
      return out;
    }
    if (step == HeaderScanner::Step::kError) {
      out.error = true;
      out.detail = err.detail;
      out.error_offset = static_cast<std::size_t>(err.at - begin);
      return out;
    }
    out.lines.push_back(std::string(raw.name) + "=" + std::string(raw.value));
  }
}

// Line ends are found 64 octets at a time; the last, short block of a text
// is classified from the 64 octets that end it (or a padded copy when the
// text is shorter). Every line end must be found wherever it falls.
TEST(HeaderScanner, FindsEveryLineEndWhereverTheTextEnds) {
  for (std::size_t pad = 0; pad < 140; ++pad) {
    std::string head = "X-Pad: " + std::string(pad, 'a') + "\r\nCall-ID: abc\r\nSubject: x\r\n\r\n";
    Scanned s = scan(head);
    ASSERT_FALSE(s.error) << "pad " << pad << ": " << s.detail;
    ASSERT_EQ(s.lines.size(), 3u) << "pad " << pad;
    EXPECT_EQ(s.lines[0], "X-Pad=" + std::string(pad, 'a'));
    EXPECT_EQ(s.lines[1], "Call-ID=abc");
    EXPECT_EQ(s.lines[2], "Subject=x");
    EXPECT_EQ(s.body_offset, head.size());
  }
}

TEST(HeaderScanner, AnUnterminatedLastLineIsAnErrorAtTheEnd) {
  for (std::size_t pad = 0; pad < 140; ++pad) {
    std::string head = "X-Pad: " + std::string(pad, 'a') + "\r\nSubject: x";
    Scanned s = scan(head);
    ASSERT_TRUE(s.error) << "pad " << pad;
    EXPECT_EQ(s.detail, "header line not terminated by CRLF");
    EXPECT_EQ(s.error_offset, head.size()) << "pad " << pad;
    // A CR at the very end: the CR is found, and it has no LF.
    s = scan(head + "\r");
    ASSERT_TRUE(s.error) << "pad " << pad;
    EXPECT_EQ(s.detail, "header line not terminated by CRLF");
    EXPECT_EQ(s.error_offset, head.size()) << "pad " << pad;
  }
}

TEST(HeaderScanner, ABareLfIsFoundInTheLastBlock) {
  for (std::size_t pad = 0; pad < 140; ++pad) {
    std::string head = "X-Pad: " + std::string(pad, 'a') + "\r\nSubject: x\n\r\n";
    Scanned s = scan(head);
    ASSERT_TRUE(s.error) << "pad " << pad;
    EXPECT_EQ(s.detail, "header line ends with LF without CR");
    EXPECT_EQ(s.error_offset, head.size() - 3) << "pad " << pad;
  }
}

}  // namespace
}  // namespace trunkline::sip
