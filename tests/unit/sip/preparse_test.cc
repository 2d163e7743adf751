#include "control/sip/preparse.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/sip/test_files.h"

namespace trunkline::sip {
namespace {

PreparseResult run(const std::string& d, PreParsed* out) { return preparse_datagram(d, out); }

TEST(Preparse, ExtractsWhatSteeringNeeds) {
  std::string invite =
      testing::read_or_empty(testing::source_root() + "/perf/corpus/sip/01_invite.sip");
  ASSERT_FALSE(invite.empty());
  PreParsed p;
  const std::string with_junk = invite + "trailing junk";  // p's views point into it
  ASSERT_EQ(run(with_junk, &p), PreparseResult::kOk);
  EXPECT_TRUE(p.is_request);
  EXPECT_EQ(p.method, Method::kInvite);
  EXPECT_EQ(p.call_id, "4f9a2c1e7b3d4a8f9c0e1d2b3a4c5d6e@198.51.100.10");
  EXPECT_EQ(p.branch, "z9hG4bK-524287-1---7a3f1c9e2b4d");
  EXPECT_EQ(p.cseq, 102u);
  EXPECT_EQ(p.cseq_method, "INVITE");
  EXPECT_TRUE(p.has_content_length);
  EXPECT_EQ(p.message_size, invite.size());
  EXPECT_EQ(call_id_hash(p.call_id),
            call_id_hash("4f9a2c1e7b3d4a8f9c0e1d2b3a4c5d6e@198.51.100.10"));
  EXPECT_NE(call_id_hash("a"), call_id_hash("b"));

  std::string ringing =
      testing::read_or_empty(testing::source_root() + "/perf/corpus/sip/03_180_ringing.sip");
  ASSERT_EQ(run(ringing, &p), PreparseResult::kOk);
  EXPECT_FALSE(p.is_request);
  EXPECT_EQ(p.status_code, 180);
  EXPECT_EQ(p.method, Method::kInvite);
}

TEST(Preparse, EachRefusalHasItsCounterName) {
  const std::string head = "BYE sip:a@b.example SIP/2.0\r\n";
  const std::string via = "Via: SIP/2.0/UDP h.example;branch=z9hG4bK9\r\n";
  const std::string cid = "Call-ID: c@h\r\n";
  const std::string cseq = "CSeq: 5 BYE\r\n";
  struct Case {
    std::string datagram;
    PreparseResult want;
  } cases[] = {
      {"\r\n\r\n", PreparseResult::kKeepalive},
      {"BYE  sip:a@b.example SIP/2.0\r\n" + via + cid + cseq + "\r\n",
       PreparseResult::kBadStartLine},
      {"BYE sip:a@b.example SIP/3.0\r\n" + via + cid + cseq + "\r\n", PreparseResult::kBadVersion},
      {head + via + "Call-ID c\r\n" + cseq + "\r\n", PreparseResult::kBadHeaderLine},
      {head + via + cseq + "\r\n", PreparseResult::kNoCallId},
      {head + via + "Call-ID: a b\r\n" + cseq + "\r\n", PreparseResult::kBadCallId},
      {head + via + cid + "\r\n", PreparseResult::kNoCSeq},
      {head + via + cid + "CSeq: x BYE\r\n\r\n", PreparseResult::kBadCSeq},
      {head + via + cid + "CSeq: 5 ACK\r\n\r\n", PreparseResult::kCSeqMismatch},
      {head + cid + cseq + "\r\n", PreparseResult::kNoVia},
      {head + "Via: SIP/2.0/UDP\r\n" + cid + cseq + "\r\n", PreparseResult::kBadVia},
      {head + via + cid + cseq + "Content-Length: -1\r\n\r\n", PreparseResult::kBadContentLength},
      {head + via + cid + cseq + "Content-Length: 10\r\n\r\nabc", PreparseResult::kBodyTruncated},
      {head + via + cid + cid + cseq + "\r\n", PreparseResult::kDuplicateHeader},
  };
  for (const Case& c : cases) {
    PreParsed p;
    EXPECT_EQ(run(c.datagram, &p), c.want) << c.datagram;
  }
  std::string many = head + via + cid + cseq;
  for (int i = 0; i < 70; ++i) many += "X: y\r\n";
  PreParsed p;
  EXPECT_EQ(run(many + "\r\n", &p), PreparseResult::kTooManyHeaders);
  EXPECT_EQ(preparse_result_name(PreparseResult::kBadVia), "bad_via");
}

TEST(Preparse, AgreesWithTheFullParserOnTheTortureMessages) {
  // Whatever the pre-parse passes, the full parser frames the same way.
  for (const char* file : {"wsinv.dat", "dblreq.dat", "longreq.dat", "mpart01.dat", "inv2543.dat",
                           "clerr.dat", "ncl.dat", "mcl01.dat", "badvers.dat", "trws.dat"}) {
    std::string d = testing::read_or_empty(testing::rfc4475_dir() + "/" + file);
    PreParsed p;
    PreparseResult r = run(d, &p);
    SCOPED_TRACE(file);
    bool ok_expected = std::string(file) != "clerr.dat" && std::string(file) != "ncl.dat" &&
                       std::string(file) != "mcl01.dat" && std::string(file) != "badvers.dat" &&
                       std::string(file) != "trws.dat";
    EXPECT_EQ(r == PreparseResult::kOk, ok_expected) << preparse_result_name(r);
  }
}

}  // namespace
}  // namespace trunkline::sip
