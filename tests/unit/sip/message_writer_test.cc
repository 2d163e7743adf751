#include "control/sip/message_writer.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "control/sip/message_equivalence.h"
#include "tests/unit/sip/test_files.h"

namespace trunkline::sip {
namespace {

std::vector<std::string> files_in(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> out;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix)
        out.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every message that parses: parse -> write -> parse gives an equivalent
// message, and writing that again gives the same bytes.
TEST(MessageWriter, RoundTripsEveryValidCorpusMessage) {
  std::vector<std::string> files = files_in(testing::rfc4475_dir(), ".dat");
  std::vector<std::string> flow = files_in(testing::source_root() + "/perf/corpus/sip", ".sip");
  files.insert(files.end(), flow.begin(), flow.end());
  ASSERT_GE(files.size(), 49u + 10u);
  int round_tripped = 0;
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    std::string data = testing::read_or_empty(path);
    Message first;
    if (!parse_message(data, &first).ok() || !validate_message(first).ok()) continue;
    std::string written;
    ParseError werr = write_message(first, &written);
    ASSERT_TRUE(werr.ok()) << werr.describe();
    Message second;
    ParseError perr = parse_message(written, &second);
    ASSERT_TRUE(perr.ok()) << perr.describe() << "\n" << written;
    ASSERT_TRUE(validate_message(second).ok()) << written;
    std::string difference;
    EXPECT_TRUE(equivalent_messages(first, second, &difference)) << difference << "\n" << written;
    std::string again;
    ASSERT_TRUE(write_message(second, &again).ok());
    EXPECT_EQ(written, again);
    ++round_tripped;
  }
  // 27 RFC 4475 messages parse (13 valid, 13 semantic, 1 compat), plus the call flow.
  EXPECT_EQ(round_tripped, 27 + static_cast<int>(flow.size()));
}

TEST(MessageWriter, NormalisesFoldsAndSeparatorsButKeepsMeaning) {
  std::string in =
      "INVITE sip:bob@example.com SIP/2.0\r\n"
      "Via : SIP / 2.0 / UDP\r\n host.example.com:5060 ; branch = z9hG4bKabc ; rport\r\n"
      "t:  Bob\r\n  Smith <sip:bob@example.com> ;tag = x1\r\n"
      "f: sip:alice@example.com;tag=a1\r\n"
      "i: c1\r\n"
      "CSeq: 007 INVITE\r\n"
      "Max-Forwards: 0070\r\n"
      "l: 0\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse_message(in, &m).ok());
  std::string out;
  ASSERT_TRUE(write_message(m, &out).ok());
  EXPECT_EQ(out,
            "INVITE sip:bob@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP host.example.com:5060;branch=z9hG4bKabc;rport\r\n"
            "To: Bob Smith <sip:bob@example.com>;tag=x1\r\n"
            "From: sip:alice@example.com;tag=a1\r\n"
            "Call-ID: c1\r\n"
            "CSeq: 7 INVITE\r\n"
            "Max-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n");
}

TEST(MessageWriter, BracketsAUriThatNeedsThem) {
  NameAddr addr;
  Cursor c("<sip:a@b;lr>;x=1");
  ASSERT_TRUE(parse_address(c, &addr, AddrForm::kNameAddrOrAddrSpec, nullptr));
  addr.bracketed = false;  // as if built by hand without brackets
  std::string out;
  append_name_addr(&out, addr);
  EXPECT_EQ(out, "<sip:a@b;lr>");
}

TEST(MessageWriter, BuildsARequestThatParses) {
  std::string out;
  MessageWriter w(&out);
  w.request_line("OPTIONS", "sip:203.0.113.5:5060")
      .header(HeaderId::kVia, "SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK1;rport")
      .header(HeaderId::kMaxForwards, 70)
      .header(HeaderId::kFrom, "<sip:ping@198.51.100.10>;tag=1")
      .header(HeaderId::kTo, "<sip:203.0.113.5>")
      .header(HeaderId::kCallId, "abc@198.51.100.10")
      .cseq(1, "OPTIONS")
      .finish("text/plain", "hello");
  Message m;
  ParseError err = parse_message(out, &m);
  ASSERT_TRUE(err.ok()) << err.describe() << out;
  EXPECT_EQ(m.request_line().method_id, Method::kOptions);
  EXPECT_EQ(m.cseq().number, 1u);
  EXPECT_EQ(m.max_forwards(), 70);
  EXPECT_EQ(m.top_via().branch, "z9hG4bK1");
  EXPECT_EQ(m.body(), "hello");
  EXPECT_EQ(m.find(HeaderId::kContentType)->value, "text/plain");
}

TEST(MessageWriter, ResponseHeadCopiesTheRequestsDialogFields) {
  std::string request =
      testing::read_or_empty(testing::source_root() + "/perf/corpus/sip/01_invite.sip");
  Message req;
  ASSERT_TRUE(parse_message(request, &req).ok());
  std::string out;
  MessageWriter w(&out);
  write_response_head(req, 180, "Ringing", "totag1", w);
  w.header(HeaderId::kContact, "<sip:203.0.113.5:5060>").finish();
  Message resp;
  ParseError err = parse_message(out, &resp);
  ASSERT_TRUE(err.ok()) << err.describe() << out;
  EXPECT_EQ(resp.status_line().code, 180);
  EXPECT_EQ(resp.status_line().reason, "Ringing");
  EXPECT_EQ(resp.top_via().branch, req.top_via().branch);
  EXPECT_EQ(resp.call_id(), req.call_id());
  EXPECT_EQ(resp.from().tag, req.from().tag);
  EXPECT_EQ(resp.to().tag, "totag1");
  EXPECT_EQ(resp.cseq().number, req.cseq().number);
  EXPECT_EQ(resp.cseq().method_id, Method::kInvite);
}

}  // namespace
}  // namespace trunkline::sip
