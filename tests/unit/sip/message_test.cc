#include "control/sip/message.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

namespace trunkline::sip {
namespace {

const std::string kHead =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n";

// A Message holds views into the text it parsed: every text a test parses
// is kept here for the rest of the run.
ParseError parse(std::string text, Message* m) {
  static std::deque<std::string> kept;
  kept.push_back(std::move(text));
  return parse_message(kept.back(), m);
}

TEST(Message, ParsesTheEagerFieldsOnReceipt) {
  std::string text = kHead + "Content-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n";
  Message m;
  ASSERT_TRUE(parse_message(text, &m).ok());
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.method(), Method::kInvite);
  EXPECT_EQ(m.top_via().branch, "z9hG4bK776asdhds");
  EXPECT_EQ(m.to().addr.display_name, "Bob");
  EXPECT_EQ(m.from().tag, "1928301774");
  EXPECT_EQ(m.call_id(), "a84b4c76e66710@pc33.atlanta.example.com");
  EXPECT_EQ(m.cseq().number, 314159u);
  EXPECT_EQ(m.max_forwards(), 70);
  EXPECT_EQ(m.content_length(), 4u);
  EXPECT_EQ(m.body(), "v=0\n");
  EXPECT_EQ(m.header_count(), 8u);
  // Views point into the caller's buffer: nothing was copied.
  EXPECT_EQ(m.call_id().data(), text.data() + text.find("a84b4c76"));
}

TEST(Message, CompactFormsAndCaseInsensitiveNames) {
  std::string text =
      "OPTIONS sip:a@b.example SIP/2.0\r\n"
      "v: SIP/2.0/UDP h.example;branch=z9hG4bK1\r\n"
      "t: <sip:a@b.example>\r\nf: <sip:c@d.example>;tag=x\r\ni: id1\r\n"
      "cSeQ: 1 OPTIONS\r\nm: <sip:c@192.0.2.1>\r\nk: timer\r\ns: hi\r\nc: text/plain\r\n"
      "e: identity\r\no: dialog\r\nu: refer\r\nl: 2\r\n\r\nok";
  Message m;
  ASSERT_TRUE(parse(text, &m).ok());
  EXPECT_EQ(m.call_id(), "id1");
  EXPECT_NE(m.find(HeaderId::kContact), nullptr);
  EXPECT_NE(m.find(HeaderId::kSupported), nullptr);
  EXPECT_NE(m.find(HeaderId::kSubject), nullptr);
  EXPECT_NE(m.find(HeaderId::kContentType), nullptr);
  EXPECT_NE(m.find(HeaderId::kContentEncoding), nullptr);
  EXPECT_NE(m.find(HeaderId::kEvent), nullptr);
  EXPECT_NE(m.find(HeaderId::kAllowEvents), nullptr);
  EXPECT_EQ(m.find("Call-Id"), m.find(HeaderId::kCallId));
  EXPECT_EQ(m.find("SUPPORTED")->value, "timer");
  EXPECT_EQ(m.body(), "ok");
  EXPECT_TRUE(validate_message(m).ok());
}

TEST(Message, FoldedValuesAndUnknownHeadersKeptVerbatim) {
  std::string text = kHead +
                     "X-Custom :  first line\r\n\tsecond line  \r\n"
                     "Subject:\r\n"
                     "Content-Length: 0\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse(text, &m).ok());
  const HeaderField* x = m.find("x-custom");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->id, HeaderId::kOther);
  EXPECT_EQ(x->name, "X-Custom");
  EXPECT_EQ(x->value, "first line\r\n\tsecond line");
  EXPECT_EQ(m.find(HeaderId::kSubject)->value, "");
}

TEST(Message, BodyFramingOverUdp) {
  Message m;
  // Without Content-Length the body is the rest of the datagram.
  ASSERT_TRUE(parse(kHead + "\r\nbody bytes", &m).ok());
  EXPECT_EQ(m.body(), "body bytes");
  EXPECT_TRUE(m.trailing().empty());
  // Octets past Content-Length are not part of the message.
  ASSERT_TRUE(parse(kHead + "Content-Length: 4\r\n\r\nbodyEXTRA", &m).ok());
  EXPECT_EQ(m.body(), "body");
  EXPECT_EQ(m.trailing(), "EXTRA");
  // More Content-Length than there is body.
  std::string short_body = kHead + "Content-Length: 40\r\n\r\nbody";
  ParseError err = parse(short_body, &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kContentLength);
  EXPECT_EQ(err.header_name, "Content-Length");
  EXPECT_EQ(err.offset, short_body.size() - 4);
  // A head without its final empty line, at the end of the datagram.
  ASSERT_TRUE(parse(kHead, &m).ok());
  EXPECT_TRUE(m.body().empty());
}

TEST(Message, LeadingCrlfsAreSkipped) {
  Message m;
  std::string text = "\r\n\r\n" + kHead + "\r\n";
  ASSERT_TRUE(parse(text, &m).ok());
  EXPECT_EQ(m.bytes().substr(0, 6), "INVITE");
  EXPECT_EQ(parse("\r\n\r\n", &m).kind, ParseErrorKind::kEmpty);
  EXPECT_EQ(parse("", &m).kind, ParseErrorKind::kEmpty);
}

TEST(Message, FramingErrorsNameTheByte) {
  Message m;
  std::string bare_lf = kHead + "X-A: b\n\r\n";
  ParseError err = parse(bare_lf, &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kFraming);
  EXPECT_EQ(err.offset, bare_lf.find("b\n") + 1);
  EXPECT_STREQ(err.detail, "header line ends with LF without CR");

  std::string no_colon = kHead + "X-A b\r\n\r\n";
  err = parse(no_colon, &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kFraming);
  EXPECT_EQ(err.offset, no_colon.find("X-A b") + 4);
  EXPECT_STREQ(err.detail, "expected ':' after header name");

  err = parse(kHead + "X-A: b\rc\r\n\r\n", &m);
  EXPECT_STREQ(err.detail, "CR without LF in header value");
  err = parse(kHead + "X-A: b", &m);
  EXPECT_STREQ(err.detail, "header line not terminated by CRLF");
  err = parse(kHead + "{bad}: b\r\n\r\n", &m);
  EXPECT_STREQ(err.detail, "invalid character in header name");
  err = parse("INVITE sip:a@b.example SIP/2.0", &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kStartLine);
}

TEST(Message, AtMostSixtyFourHeaderFields) {
  std::string text = kHead;  // 6 header fields
  for (int i = 0; i < 58; ++i) text += "X-Filler: " + std::to_string(i) + "\r\n";
  Message m;
  ASSERT_TRUE(parse(text + "\r\n", &m).ok());
  EXPECT_EQ(m.header_count(), 64u);
  std::string over = text + "X-One-Too-Many: 1\r\n\r\n";
  ParseError err = parse(over, &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kTooManyHeaders);
  EXPECT_EQ(err.offset, over.find("X-One-Too-Many"));
  EXPECT_EQ(err.describe(), "message at byte " + std::to_string(over.find("X-One-Too-Many")) +
                                ": more than 64 header fields");
}

TEST(Message, MandatoryAndSingleValuedHeaders) {
  Message m;
  std::string no_call_id =
      "BYE sip:a@b.example SIP/2.0\r\n"
      "Via: SIP/2.0/UDP h.example;branch=z9hG4bK1\r\n"
      "To: <sip:a@b.example>;tag=1\r\nFrom: <sip:c@d.example>;tag=2\r\n"
      "CSeq: 2 BYE\r\n\r\n";
  ParseError err = parse(no_call_id, &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kMissingHeader);
  EXPECT_EQ(err.header, HeaderId::kCallId);
  std::string twice = kHead + "i: second\r\n\r\n";
  err = parse(twice, &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kDuplicateHeader);
  EXPECT_EQ(err.header_name, "i");
  EXPECT_EQ(err.offset, twice.find("i: second"));
  err = parse(kHead + "Max-Forwards: 10\r\n\r\n", &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kDuplicateHeader);
}

TEST(Message, CSeqMethodMustMatchTheRequest) {
  std::string text = kHead;
  text.replace(text.find("314159 INVITE"), 13, "314159 BYE");
  Message m;
  ParseError err = parse(text + "\r\n", &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kCSeqMismatch);
  EXPECT_EQ(err.offset, text.find("BYE\r\n"));
}

TEST(Message, EagerValueErrorsCarryHeaderAndOffset) {
  std::string text = kHead;
  text.replace(text.find("Max-Forwards: 70"), 16, "Max-Forwards: 7x");
  Message m;
  ParseError err = parse(text + "\r\n", &m);
  EXPECT_EQ(err.kind, ParseErrorKind::kHeaderValue);
  EXPECT_EQ(err.header, HeaderId::kMaxForwards);
  EXPECT_EQ(err.offset, text.find("7x") + 1);
  EXPECT_EQ(err.describe(), "Max-Forwards at byte " + std::to_string(text.find("7x") + 1) +
                                ": unexpected character after number");
}

TEST(Message, LazyHeadersAreCheckedByValidate) {
  Message m;
  std::string text = kHead + "Require: \r\nContent-Length: 0\r\n\r\n";
  ASSERT_TRUE(parse(text, &m).ok());  // not looked at on receipt
  ParseError err = validate_message(m);
  EXPECT_EQ(err.header, HeaderId::kRequire);
  EXPECT_STREQ(err.detail, "empty header value");
  ASSERT_TRUE(parse(kHead + "Supported:\r\nAllow:\r\nAccept:\r\n\r\n", &m).ok());
  EXPECT_TRUE(validate_message(m).ok());  // these may be empty
  ASSERT_TRUE(parse(kHead + "Contact: *\r\nContact: <sip:a@b.example>\r\n\r\n", &m).ok());
  EXPECT_STREQ(validate_message(m).detail, "'*' with other Contact values");
  ASSERT_TRUE(parse(kHead + "Record-Route: sip:p.example;lr\r\n\r\n", &m).ok());
  EXPECT_EQ(validate_message(m).header, HeaderId::kRecordRoute);
  ASSERT_TRUE(parse(kHead + "Expires: soon\r\n\r\n", &m).ok());
  EXPECT_EQ(validate_message(m).header, HeaderId::kExpires);
}

TEST(Message, ResponsesTakeTheirMethodFromCSeq) {
  std::string text =
      "SIP/2.0 180 Ringing\r\n"
      "Via: SIP/2.0/UDP h.example;branch=z9hG4bK1\r\n"
      "To: <sip:a@b.example>;tag=1\r\nFrom: <sip:c@d.example>;tag=2\r\n"
      "Call-ID: x\r\nCSeq: 7 INVITE\r\nContent-Length: 0\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse(text, &m).ok());
  EXPECT_FALSE(m.is_request());
  EXPECT_EQ(m.status_line().code, 180);
  EXPECT_EQ(m.method(), Method::kInvite);
}

}  // namespace
}  // namespace trunkline::sip
