// The stream framer (RFC 3261 §18.3, RFC 5626 §3.5.1): whole messages out of
// arbitrary reads, keep-alives, and every way a stream is lost.
#include "control/sip/transport/stream_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trunkline::sip {
namespace {

std::string options(std::string_view call_id, std::string_view body = "") {
  std::string m =
      "OPTIONS sip:trunkline@192.0.2.1 SIP/2.0\r\n"
      "Via: SIP/2.0/TCP 192.0.2.9:5060;branch=z9hG4bK1\r\n"
      "From: <sip:a@192.0.2.9>;tag=1\r\n"
      "To: <sip:trunkline@192.0.2.1>\r\n"
      "Call-ID: ";
  m += call_id;
  m += "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: ";
  m += std::to_string(body.size());
  m += "\r\n\r\n";
  m += body;
  return m;
}

// Everything the framer gives until it needs more: messages, "PING" or "ERROR".
std::vector<std::string> drain(StreamFramer& f) {
  std::vector<std::string> out;
  for (;;) {
    switch (f.next()) {
      case StreamFramer::Event::kNeedMore:
        return out;
      case StreamFramer::Event::kMessage:
        out.emplace_back(f.message());
        break;
      case StreamFramer::Event::kPing:
        out.emplace_back("PING");
        break;
      case StreamFramer::Event::kError:
        out.emplace_back("ERROR");
        return out;
    }
  }
}

TEST(StreamFramer, OneMessageInOneRead) {
  StreamFramer f;
  const std::string m = options("a", "v=0\r\n");
  f.feed(m);
  EXPECT_EQ(drain(f), std::vector<std::string>{m});
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(StreamFramer, MessageFedOneByteAtATime) {
  StreamFramer f;
  const std::string m = options("a", "hello body");
  std::vector<std::string> got;
  for (char c : m) {
    f.feed(std::string_view(&c, 1));
    for (std::string& s : drain(f)) got.push_back(std::move(s));
  }
  EXPECT_EQ(got, std::vector<std::string>{m});
}

TEST(StreamFramer, SeveralMessagesInOneRead) {
  StreamFramer f;
  const std::string a = options("a"), b = options("b", "xyz"), c = options("c");
  f.feed(a + b + c);
  EXPECT_EQ(drain(f), (std::vector<std::string>{a, b, c}));
}

TEST(StreamFramer, BodySplitAcrossReads) {
  StreamFramer f;
  const std::string body(3000, 'x');
  const std::string m = options("a", body);
  const std::size_t head = m.size() - body.size();
  f.feed(m.substr(0, head + 10));
  EXPECT_TRUE(drain(f).empty());
  f.feed(m.substr(head + 10, 1000));
  EXPECT_TRUE(drain(f).empty());
  f.feed(m.substr(head + 1010) + options("next").substr(0, 20));
  EXPECT_EQ(drain(f), std::vector<std::string>{m});
  EXPECT_EQ(f.buffered(), 20u);
}

TEST(StreamFramer, HeadSplitInsideTheEmptyLine) {
  StreamFramer f;
  const std::string m = options("a");
  const std::size_t cut = m.size() - 3;  // "\r\n\r" | "\n"
  f.feed(m.substr(0, cut));
  EXPECT_TRUE(drain(f).empty());
  f.feed(m.substr(cut));
  EXPECT_EQ(drain(f), std::vector<std::string>{m});
}

TEST(StreamFramer, CompactContentLengthCounts) {
  StreamFramer f;
  std::string m = options("a", "12345");
  const std::size_t at = m.find("Content-Length: 5");
  m.replace(at, std::string_view("Content-Length: 5").size(), "l:5");
  f.feed(m);
  EXPECT_EQ(drain(f), std::vector<std::string>{m});
}

TEST(StreamFramer, DoubleCrlfIsAPingAndSingleCrlfIsSkipped) {
  StreamFramer f;
  const std::string m = options("a");
  f.feed("\r\n\r\n");
  EXPECT_EQ(drain(f), std::vector<std::string>{"PING"});
  f.feed("\r\n" + m);  // a pong, or padding before the start line
  EXPECT_EQ(drain(f), std::vector<std::string>{m});
  f.feed("\r\n\r\n\r\n\r\n");
  EXPECT_EQ(drain(f), (std::vector<std::string>{"PING", "PING"}));
}

TEST(StreamFramer, PingSplitAcrossReadsWaits) {
  StreamFramer f;
  f.feed("\r\n");
  EXPECT_TRUE(drain(f).empty());
  f.feed("\r");
  EXPECT_TRUE(drain(f).empty());
  f.feed("\n");
  EXPECT_EQ(drain(f), std::vector<std::string>{"PING"});
}

TEST(StreamFramer, MissingContentLengthLosesTheStream) {
  StreamFramer f;
  std::string m = options("a");
  m.erase(m.find("Content-Length"), std::string_view("Content-Length: 0\r\n").size());
  f.feed(m);
  EXPECT_EQ(drain(f), std::vector<std::string>{"ERROR"});
  EXPECT_EQ(f.error(), FrameError::kNoContentLength);
  EXPECT_TRUE(f.head().starts_with("OPTIONS sip:"));  // enough for a 400
  f.feed(options("b"));                               // nothing after it is trusted
  EXPECT_EQ(f.next(), StreamFramer::Event::kError);
}

TEST(StreamFramer, NonNumericContentLengthIsRefused) {
  for (std::string_view bad : {"Content-Length: ten", "Content-Length: -1", "Content-Length: 1x",
                               "Content-Length: 99999999999999"}) {
    StreamFramer f;
    std::string m = options("a");
    m.replace(m.find("Content-Length: 0"), std::string_view("Content-Length: 0").size(), bad);
    f.feed(m);
    EXPECT_EQ(f.next(), StreamFramer::Event::kError) << bad;
    EXPECT_EQ(f.error(), FrameError::kBadContentLength) << bad;
  }
}

TEST(StreamFramer, TwoContentLengthsThatDisagreeAreRefused) {
  StreamFramer f;
  std::string m = options("a");
  m.insert(m.find("Content-Length"), "l: 4\r\n");
  f.feed(m);
  EXPECT_EQ(f.next(), StreamFramer::Event::kError);
  EXPECT_EQ(f.error(), FrameError::kBadContentLength);
}

TEST(StreamFramer, OversizedHeadIsRefusedWithoutWaitingForItsEnd) {
  StreamFramer f(FramerLimits{512, 1024});
  std::string m = options("a");
  m.insert(m.find("Call-ID"), "X-Padding: " + std::string(600, 'p') + "\r\n");
  f.feed(m.substr(0, 400));
  EXPECT_EQ(f.next(), StreamFramer::Event::kNeedMore);
  f.feed(m.substr(400, 200));
  EXPECT_EQ(f.next(), StreamFramer::Event::kError);
  EXPECT_EQ(f.error(), FrameError::kHeadTooLarge);
  EXPECT_EQ(f.head().size(), 512u);
}

TEST(StreamFramer, OversizedBodyIsRefusedOnItsContentLength) {
  const std::size_t head = options("a", std::string(101, 'b')).size() - 101;
  StreamFramer f(FramerLimits{4096, head + 100});
  std::string m = options("a", std::string(101, 'b'));
  f.feed(m.substr(0, head));  // the head alone is enough to judge
  EXPECT_EQ(f.next(), StreamFramer::Event::kError);
  EXPECT_EQ(f.error(), FrameError::kBodyTooLarge);
}

TEST(StreamFramer, MessageAtTheLimitPasses) {
  const std::string m = options("a", std::string(100, 'b'));
  StreamFramer f(FramerLimits{4096, m.size()});
  f.feed(m);
  EXPECT_EQ(drain(f), std::vector<std::string>{m});
}

TEST(StreamFramer, GarbageStartLineIsMalformed) {
  StreamFramer f;
  f.feed("\x01\x02garbage\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(f.next(), StreamFramer::Event::kError);
  EXPECT_EQ(f.error(), FrameError::kMalformedHead);
}

}  // namespace
}  // namespace trunkline::sip
