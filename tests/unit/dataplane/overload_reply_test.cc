#include "dataplane/sip/overload_reply.h"

#include <gtest/gtest.h>

#include <string>

#include "control/sip/message.h"

namespace trunkline::dataplane {
namespace {

const std::string kInvite =
    "INVITE sip:100@198.51.100.1 SIP/2.0\r\n"
    "v: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bKa\r\n"
    "Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKb\r\n"
    "Max-Forwards: 70\r\n"
    "f: <sip:carrier@198.51.100.10>;tag=1\r\n"
    "To: \"Sales; line\" <sip:100@198.51.100.1>\r\n"
    "i: c1@198.51.100.10\r\n"
    "CSeq: 7 INVITE\r\n"
    "Contact: <sip:carrier@198.51.100.10>\r\n"
    "Content-Length: 0\r\n\r\n";

TEST(OverloadReply, Is503WithRetryAfterAndTheRequestsIdentity) {
  char out[1500];
  const std::size_t n = write_overload_503(kInvite, 30, out, sizeof out);
  ASSERT_GT(n, 0u);
  const std::string r(out, n);
  sip::Message m;
  ASSERT_TRUE(sip::parse_message(r, &m).ok()) << r;
  EXPECT_FALSE(m.is_request());
  EXPECT_EQ(m.status_line().code, 503);
  EXPECT_EQ(m.call_id(), "c1@198.51.100.10");
  EXPECT_EQ(m.cseq().number, 7u);
  EXPECT_EQ(m.top_via().branch, "z9hG4bKa");
  EXPECT_EQ(m.count(sip::HeaderId::kVia), 2u) << "every Via, in order";
  EXPECT_EQ(m.from().tag, "1");
  EXPECT_TRUE(m.to().has_tag) << "a To tag is added (the ';' in the quoted name is not one)";
  EXPECT_NE(r.find("Retry-After: 30\r\n"), std::string::npos);
  EXPECT_EQ(r.find("Contact"), std::string::npos) << "only what a response copies";
}

TEST(OverloadReply, KeepsAnExistingToTagAndRefusesWhatDoesNotFit) {
  std::string in = kInvite;
  in.replace(in.find("<sip:100@198.51.100.1>"), 22, "<sip:100@198.51.100.1>;tag=x9");
  char out[1500];
  const std::size_t n = write_overload_503(in, 5, out, sizeof out);
  ASSERT_GT(n, 0u);
  EXPECT_EQ(std::string(out, n).find("tl-overload"), std::string::npos);
  char tiny[64];
  EXPECT_EQ(write_overload_503(kInvite, 5, tiny, sizeof tiny), 0u);
  std::string no_cseq = kInvite;
  no_cseq.erase(no_cseq.find("CSeq: 7 INVITE\r\n"), 16);
  EXPECT_EQ(write_overload_503(no_cseq, 5, out, sizeof out), 0u);
}

}  // namespace
}  // namespace trunkline::dataplane
