// RFC 4475: every torture message of tests/conformance/rfc4475/ against
// its line of MANIFEST.tsv. Messages that parse are checked field by field
// with the values the RFC gives; every message gets the verdict an element
// following the RFC's text gives it (as the appliance's user agent, and as
// a proxy where the RFC says a proxy does otherwise).
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "control/sip/auth.h"
#include "control/sip/lists.h"
#include "control/sip/message.h"
#include "control/sip/refusal.h"
#include "tests/unit/sip/test_files.h"

namespace trunkline::sip {
namespace {

using testing::rfc4475_dir;

struct ManifestRow {
  std::string file;
  std::string section;
  std::string klass;  // valid, invalid, semantic, compat
  std::string what;
};

std::vector<ManifestRow> load_manifest() {
  std::vector<ManifestRow> rows;
  std::istringstream in(testing::read_or_empty(rfc4475_dir() + "/MANIFEST.tsv"));
  std::string line;
  std::getline(in, line);  // header row
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    ManifestRow r;
    std::istringstream fields(line);
    std::getline(fields, r.file, '\t');
    std::getline(fields, r.section, '\t');
    std::getline(fields, r.klass, '\t');
    std::getline(fields, r.what);
    rows.push_back(r);
  }
  return rows;
}

std::vector<Via> all_vias(const Message& m) {
  std::vector<Via> out;
  ListReader<Via> r(m, HeaderId::kVia, parse_via);
  Via v;
  while (r.next(&v)) out.push_back(v);
  EXPECT_TRUE(r.error().ok()) << r.error().describe();
  return out;
}

std::vector<Contact> all_contacts(const Message& m) {
  std::vector<Contact> out;
  ListReader<Contact> r(m, HeaderId::kContact, parse_contact);
  Contact c;
  while (r.next(&c)) out.push_back(c);
  EXPECT_TRUE(r.error().ok()) << r.error().describe();
  return out;
}

// What the RFC says of one message.
struct Expectation {
  bool parses;            // parse_message and validate_message succeed
  ParseErrorKind error;   // otherwise: the kind of fault
  HeaderId error_header;  // and the header it is in (kOther: none)
  int ua_code;            // 0 with ua_accept false: dropped
  bool ua_accept;
  int proxy_code = -1;  // -1: a proxy decides as the user agent does
  bool proxy_accept = true;
  void (*check)(const Message&) = nullptr;
};

constexpr int kSame = -1;
constexpr auto kOk = ParseErrorKind::kNone;

const std::map<std::string, Expectation>& expectations() {
  static const std::map<std::string, Expectation> table = {
      // 3.1.1 valid messages
      {"wsinv.dat",
       {true, kOk, HeaderId::kOther, 0, true, 0, true, [](const Message& m) {
          EXPECT_EQ(m.request_line().method, "INVITE");
          EXPECT_EQ(m.request_line().uri.user, "vivekg");
          EXPECT_EQ(m.request_line().uri.host.text, "chair-dnrc.example.com");
          EXPECT_TRUE(m.request_line().uri.params.has("unknownparam"));
          EXPECT_EQ(m.to().addr.uri.user, "vivekg");
          EXPECT_FALSE(m.to().addr.bracketed);
          EXPECT_EQ(m.to().tag, "1918181833n");
          EXPECT_TRUE(m.from().addr.display_name_quoted);
          EXPECT_EQ(unquote(m.from().addr.display_name), "J Rosenberg \\\"");
          EXPECT_EQ(m.from().addr.uri.user, "jdrosen");
          EXPECT_EQ(m.from().tag, "98asjd8");
          EXPECT_EQ(m.max_forwards(), 68);  // "0068"
          EXPECT_EQ(m.call_id(), "wsinv.ndaksdj@192.0.2.1");
          EXPECT_EQ(m.cseq().number, 9u);  // "0009"
          EXPECT_EQ(m.cseq().method, "INVITE");
          EXPECT_EQ(m.content_length(), 150u);
          EXPECT_EQ(m.body().size(), 150u);
          auto vias = all_vias(m);
          ASSERT_EQ(vias.size(), 3u);
          EXPECT_EQ(vias[0].transport, "UDP");
          EXPECT_EQ(vias[0].host.text, "192.0.2.2");
          EXPECT_EQ(vias[0].branch, "390skdjuw");
          EXPECT_EQ(vias[1].transport, "TCP");
          EXPECT_EQ(vias[1].host.text, "spindle.example.com");
          EXPECT_EQ(vias[1].branch, "z9hG4bK9ikj8");
          EXPECT_EQ(vias[2].host.text, "192.168.255.111");
          EXPECT_EQ(vias[2].branch, "z9hG4bK30239");
          ASSERT_NE(m.find(HeaderId::kSubject), nullptr);  // "s :" compact, empty
          EXPECT_EQ(m.find(HeaderId::kSubject)->value, "");
          const HeaderField* fangled = m.find("NewFangledHeader");
          ASSERT_NE(fangled, nullptr);
          EXPECT_EQ(fangled->value, "newfangled value\r\n continued newfangled value");
          EXPECT_EQ(m.find("UnknownHeaderWithUnusualValue")->value, ";;,,;;,;");
          auto contacts = all_contacts(m);
          ASSERT_EQ(contacts.size(), 1u);
          EXPECT_EQ(unquote(contacts[0].addr.display_name), "Quoted string \"\"");
          EXPECT_EQ(contacts[0].q, "0.33");
          Param p;
          ASSERT_TRUE(contacts[0].addr.params.find("newparam", &p));
          EXPECT_EQ(p.value, "newvalue");
          EXPECT_TRUE(contacts[0].addr.params.has("secondparam"));
          ListReader<NameAddr> routes(m, HeaderId::kRoute, parse_route);
          NameAddr route;
          ASSERT_TRUE(routes.next(&route));
          EXPECT_TRUE(route.uri.lr);
          EXPECT_EQ(route.uri.host.text, "services.example.com");
        }}},
      {"intmeth.dat",
       {true, kOk, HeaderId::kOther, 501, false, 0, true, [](const Message& m) {
          EXPECT_EQ(m.request_line().method, "!interesting-Method0123456789_*+`.%indeed'~");
          EXPECT_EQ(m.request_line().method_id, Method::kUnknown);
          const Uri& u = m.request_line().uri;
          EXPECT_EQ(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
          EXPECT_EQ(u.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
          EXPECT_EQ(u.host.text, "example.com");
          EXPECT_EQ(m.top_via().branch, "z9hG4bK-.!%66*_+`'~");
          EXPECT_EQ(m.to().addr.uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
          EXPECT_EQ(unquote(m.to().addr.display_name), std::string("BEL:\x07 NUL:\0 DEL:\x7F", 17));
          EXPECT_EQ(m.from().addr.display_name, "token1~` token2'+_ token3*%!.-");
          EXPECT_EQ(m.from().tag, "_token~1'+`*%!-.");
          EXPECT_TRUE(m.from().addr.params.has("fromParam''~+*_!.-%"));
          EXPECT_EQ(m.call_id(), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
          EXPECT_EQ(m.cseq().number, 139122385u);
          EXPECT_EQ(m.max_forwards(), 255);
          EXPECT_NE(m.find("extensionHeader-!.%*+_`'~"), nullptr);
        }}},
      {"esc01.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_EQ(unescape(m.request_line().uri.user), "sips:user@example.com");
          EXPECT_EQ(m.request_line().uri.host.text, "example.net");
          EXPECT_EQ(unescape(m.to().addr.uri.user), "user");
          EXPECT_EQ(unescape(m.from().addr.uri.user), "I have spaces");
          EXPECT_EQ(m.call_id(), "esc01.239409asdfakjkn23onasd0-3234");
          EXPECT_EQ(m.cseq().number, 234234u);
          auto contacts = all_contacts(m);
          ASSERT_EQ(contacts.size(), 1u);
          EXPECT_EQ(unescape(contacts[0].addr.uri.user), "caller");
          EXPECT_EQ(contacts[0].addr.uri.params.raw(), ";%6C%72;n%61me=v%61lue%25%34%31");
        }}},
      {"escnull.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_EQ(m.request_line().method_id, Method::kRegister);
          EXPECT_EQ(unescape(m.to().addr.uri.user), std::string("null-\0-null", 11));
          EXPECT_EQ(m.from().tag, "839923423");
          auto contacts = all_contacts(m);
          ASSERT_EQ(contacts.size(), 2u);
          EXPECT_EQ(unescape(contacts[0].addr.uri.user), std::string(1, '\0'));
          EXPECT_EQ(unescape(contacts[1].addr.uri.user), std::string(2, '\0'));
          EXPECT_EQ(m.content_length(), 0u);
        }}},
      {"esc02.dat",
       // "RE%47IST%45R" is not REGISTER: an unknown method, 501.
       {true, kOk, HeaderId::kOther, 501, false, 0, true, [](const Message& m) {
          EXPECT_EQ(m.request_line().method, "RE%47IST%45R");
          EXPECT_EQ(m.request_line().method_id, Method::kUnknown);
          EXPECT_EQ(m.from().addr.display_name, "%Z%45");
          EXPECT_EQ(m.top_via().branch, "z9hG4bK209%fzsnel234");
          EXPECT_EQ(m.count(HeaderId::kContact), 2u);  // C%6Fntact is another header
          ASSERT_NE(m.find("C%6Fntact"), nullptr);
          EXPECT_EQ(m.find("C%6Fntact")->id, HeaderId::kOther);
        }}},
      {"lwsdisp.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_EQ(m.from().addr.display_name, "caller");
          EXPECT_EQ(m.from().addr.uri.user, "caller");
          EXPECT_EQ(m.from().tag, "323");
          EXPECT_EQ(m.cseq().number, 60u);
        }}},
      {"longreq.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_EQ(m.to().addr.uri.port, 6000);
          EXPECT_NE(m.to().addr.display_name.find("extremeextreme"), std::string_view::npos);
          EXPECT_TRUE(m.to().addr.uri.params.has(
              "longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename"));
          EXPECT_EQ(m.from().tag.size(), 155u);
          EXPECT_EQ(m.count(HeaderId::kVia), 34u);
          EXPECT_EQ(m.top_via().host.text, "sip33.example.com");
          auto vias = all_vias(m);
          ASSERT_EQ(vias.size(), 34u);
          EXPECT_EQ(vias.back().received, "192.0.2.5");
          EXPECT_GT(vias.back().branch.size(), 200u);
          EXPECT_EQ(m.cseq().number, 3882340u);
          EXPECT_EQ(m.content_length(), 150u);
        }}},
      {"dblreq.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_EQ(m.request_line().method_id, Method::kRegister);
          EXPECT_EQ(m.call_id(), "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
          EXPECT_TRUE(m.body().empty());
          // The INVITE after the REGISTER's end is ignored, not parsed.
          EXPECT_EQ(m.trailing().substr(0, 8), "\r\nINVITE");
        }}},
      {"semiuri.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_EQ(m.request_line().uri.user, "user;par=u%40example.net");
          EXPECT_EQ(m.request_line().uri.host.text, "example.com");
          EXPECT_TRUE(m.request_line().uri.params.empty());
        }}},
      {"transports.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          auto vias = all_vias(m);
          ASSERT_EQ(vias.size(), 5u);
          const char* expected[] = {"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"};
          for (int i = 0; i < 5; ++i) EXPECT_EQ(vias[static_cast<std::size_t>(i)].transport, expected[i]);
          EXPECT_EQ(m.call_id(), "transports.kijh4akdnaqjkwendsasfdj");
        }}},
      {"mpart01.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_EQ(m.request_line().method_id, Method::kMessage);
          EXPECT_TRUE(m.top_via().has_rport);
          EXPECT_EQ(m.top_via().port, 5070);
          EXPECT_EQ(m.content_length(), 553u);
          EXPECT_EQ(m.body().size(), 553u);
          EXPECT_EQ(m.find(HeaderId::kContentType)->value, "multipart/mixed;boundary=7a9cbec02ceef655");
        }}},
      {"unreason.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_FALSE(m.is_request());
          EXPECT_EQ(m.status_line().code, 200);
          EXPECT_EQ(m.status_line().reason.substr(0, 14), "= 2**3 * 5**2 ");
          EXPECT_EQ(m.to().tag, "2229");
          EXPECT_EQ(m.cseq().method_id, Method::kInvite);
        }}},
      {"noreason.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_EQ(m.status_line().code, 100);
          EXPECT_EQ(m.status_line().reason, "");
          EXPECT_EQ(m.top_via().branch, "z9hG4bK2398ndaoe");
        }}},
      // 3.1.2 invalid messages
      {"badinv01.dat", {false, ParseErrorKind::kHeaderValue, HeaderId::kVia, 400, false}},
      {"clerr.dat", {false, ParseErrorKind::kContentLength, HeaderId::kContentLength, 400, false}},
      {"ncl.dat", {false, ParseErrorKind::kHeaderValue, HeaderId::kContentLength, 400, false}},
      {"scalar02.dat", {false, ParseErrorKind::kHeaderValue, HeaderId::kCSeq, 400, false}},
      {"scalarlg.dat", {false, ParseErrorKind::kHeaderValue, HeaderId::kCSeq, 0, false}},
      {"quotbal.dat", {false, ParseErrorKind::kHeaderValue, HeaderId::kTo, 400, false}},
      {"ltgtruri.dat", {false, ParseErrorKind::kStartLine, HeaderId::kOther, 400, false}},
      {"lwsruri.dat", {false, ParseErrorKind::kStartLine, HeaderId::kOther, 400, false}},
      {"lwsstart.dat", {false, ParseErrorKind::kStartLine, HeaderId::kOther, 400, false}},
      {"trws.dat", {false, ParseErrorKind::kStartLine, HeaderId::kOther, 400, false}},
      {"escruri.dat", {false, ParseErrorKind::kStartLine, HeaderId::kOther, 400, false}},
      {"baddate.dat", {false, ParseErrorKind::kHeaderValue, HeaderId::kDate, 400, false}},
      {"regbadct.dat", {false, ParseErrorKind::kHeaderValue, HeaderId::kContact, 400, false}},
      {"badaspec.dat", {false, ParseErrorKind::kHeaderValue, HeaderId::kTo, 400, false}},
      {"baddn.dat", {false, ParseErrorKind::kHeaderValue, HeaderId::kFrom, 400, false}},
      {"badvers.dat", {false, ParseErrorKind::kVersion, HeaderId::kOther, 505, false}},
      {"mismatch01.dat", {false, ParseErrorKind::kCSeqMismatch, HeaderId::kCSeq, 400, false}},
      {"mismatch02.dat", {false, ParseErrorKind::kCSeqMismatch, HeaderId::kCSeq, 400, false}},
      {"bigcode.dat", {false, ParseErrorKind::kStartLine, HeaderId::kOther, 0, false}},
      // 3.2 transaction layer
      {"badbranch.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_TRUE(m.top_via().has_branch);
          EXPECT_EQ(m.top_via().branch, "z9hG4bK");
          EXPECT_FALSE(m.top_via().has_rfc3261_branch());
        }}},
      // 3.3 application layer
      {"insuf.dat", {false, ParseErrorKind::kMissingHeader, HeaderId::kFrom, 400, false}},
      {"unkscm.dat",
       {true, kOk, HeaderId::kOther, 416, false, kSame, true, [](const Message& m) {
          EXPECT_EQ(m.request_line().uri.scheme, "nobodyKnowsThisScheme");
          EXPECT_EQ(m.request_line().uri.opaque, "totallyopaquecontent");
        }}},
      {"novelsc.dat",
       {true, kOk, HeaderId::kOther, 416, false, kSame, true, [](const Message& m) {
          EXPECT_EQ(m.request_line().uri.scheme, "soap.beep");
        }}},
      // A registrar refuses the non-SIP address of record (400); the
      // parser takes every scheme.
      {"unksm2.dat",
       {true, kOk, HeaderId::kOther, 400, false, 0, true, [](const Message& m) {
          EXPECT_EQ(m.to().addr.uri.scheme, "isbn");
          EXPECT_EQ(m.to().addr.uri.opaque, "2983792873");
          EXPECT_EQ(m.from().addr.uri.scheme, "http");
          EXPECT_EQ(m.from().tag, "3234233");
          auto contacts = all_contacts(m);
          ASSERT_EQ(contacts.size(), 1u);
          EXPECT_EQ(contacts[0].addr.uri.scheme, "name");
        }}},
      {"bext01.dat", {true, kOk, HeaderId::kOther, 420, false, 420, false}},
      {"invut.dat",
       {true, kOk, HeaderId::kOther, 415, false, 0, true, [](const Message& m) {
          EXPECT_EQ(m.body().size(), 40u);
        }}},
      {"regaut01.dat",
       {true, kOk, HeaderId::kOther, 401, false, 0, true, [](const Message& m) {
          AuthField auth;
          ASSERT_TRUE(parse_credentials(m.find(HeaderId::kAuthorization)->value, &auth, nullptr));
          EXPECT_EQ(auth.scheme, "NoOneKnowsThisScheme");
          EXPECT_EQ(auth.get("opaque-data"), "here");
        }}},
      {"multi01.dat", {false, ParseErrorKind::kDuplicateHeader, HeaderId::kCSeq, 400, false}},
      {"mcl01.dat", {false, ParseErrorKind::kDuplicateHeader, HeaderId::kContentLength, 400, false}},
      {"bcast.dat",
       {true, kOk, HeaderId::kOther, 0, true, 0, false, [](const Message& m) {
          auto vias = all_vias(m);
          ASSERT_EQ(vias.size(), 2u);
          EXPECT_EQ(vias[1].host.text, "255.255.255.255");
        }}},
      {"zeromf.dat",
       {true, kOk, HeaderId::kOther, 0, true, 483, false, [](const Message& m) {
          EXPECT_TRUE(m.has_max_forwards());
          EXPECT_EQ(m.max_forwards(), 0);
        }}},
      {"cparam01.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          auto contacts = all_contacts(m);
          ASSERT_EQ(contacts.size(), 1u);
          EXPECT_FALSE(contacts[0].addr.bracketed);
          EXPECT_TRUE(contacts[0].addr.uri.params.empty());
          EXPECT_TRUE(contacts[0].addr.params.has("unknownparam"));
          EXPECT_EQ(contacts[0].addr.uri.user, "+19725552222");
        }}},
      {"cparam02.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          auto contacts = all_contacts(m);
          ASSERT_EQ(contacts.size(), 1u);
          EXPECT_TRUE(contacts[0].addr.bracketed);
          EXPECT_TRUE(contacts[0].addr.uri.params.has("unknownparam"));
          EXPECT_TRUE(contacts[0].addr.params.empty());
        }}},
      {"regescrt.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          auto contacts = all_contacts(m);
          ASSERT_EQ(contacts.size(), 1u);
          EXPECT_TRUE(contacts[0].addr.uri.has_headers);
          EXPECT_EQ(contacts[0].addr.uri.headers, "Route=%3Csip:sip.example.com%3E");
          EXPECT_EQ(contacts[0].addr.uri.text, "sip:user@example.com?Route=%3Csip:sip.example.com%3E");
        }}},
      {"sdp01.dat",
       {true, kOk, HeaderId::kOther, 406, false, 0, true, [](const Message& m) {
          EXPECT_EQ(m.find(HeaderId::kAccept)->value, "text/nobodyKnowsThis");
        }}},
      // 3.4 backward compatibility
      {"inv2543.dat",
       {true, kOk, HeaderId::kOther, 0, true, kSame, true, [](const Message& m) {
          EXPECT_FALSE(m.top_via().has_branch);
          EXPECT_FALSE(m.from().has_tag);
          EXPECT_FALSE(m.has_max_forwards());
          EXPECT_FALSE(m.has_content_length());
          EXPECT_EQ(m.body().substr(0, 5), "v=0\r\n");
          // Unbracketed, ";user=phone" belongs to the To header, not its URI.
          Param user;
          ASSERT_TRUE(m.to().addr.params.find("user", &user));
          EXPECT_EQ(user.value, "phone");
          EXPECT_TRUE(m.to().addr.uri.params.empty());
          EXPECT_EQ(m.from().addr.uri.user_param, "phone");
          EXPECT_EQ(m.cseq().number, 56u);
        }}},
  };
  return table;
}

class Rfc4475 : public ::testing::TestWithParam<ManifestRow> {};

TEST_P(Rfc4475, MessageIsHandledAsTheRfcSays) {
  const ManifestRow& row = GetParam();
  SCOPED_TRACE(row.file + " (RFC 4475 section " + row.section + ", " + row.klass +
               "): " + row.what);
  auto it = expectations().find(row.file);
  ASSERT_NE(it, expectations().end()) << "no expectation for " << row.file;
  const Expectation& e = it->second;
  std::string data;
  ASSERT_TRUE(testing::read_file(rfc4475_dir() + "/" + row.file, &data));

  Message msg;
  ParseError err = parse_message(data, &msg);
  if (err.ok()) err = validate_message(msg);
  if (e.parses) {
    ASSERT_TRUE(err.ok()) << err.describe();
    if (e.check != nullptr) e.check(msg);
  } else {
    ASSERT_FALSE(err.ok());
    EXPECT_EQ(err.kind, e.error) << err.describe();
    EXPECT_EQ(err.header, e.error_header) << err.describe();
    EXPECT_LT(err.offset, data.size());
  }
  if (row.klass == "invalid") {
    EXPECT_FALSE(e.parses);
  }

  Verdict ua = judge_datagram(data, RefusalPolicy::appliance(Role::kUserAgent));
  EXPECT_EQ(ua.accept, e.ua_accept) << ua.reason;
  EXPECT_EQ(ua.code, e.ua_code) << ua.reason;
  EXPECT_FALSE(ua.accept && !ua.reason.empty());

  Verdict proxy = judge_datagram(data, RefusalPolicy::appliance(Role::kProxy));
  int proxy_code = e.proxy_code == kSame ? e.ua_code : e.proxy_code;
  bool proxy_accept = e.proxy_code == kSame ? e.ua_accept : e.proxy_accept;
  EXPECT_EQ(proxy.accept, proxy_accept) << proxy.reason;
  EXPECT_EQ(proxy.code, proxy_code) << proxy.reason;

  // Where the manifest names a response code, it is the one given here.
  std::smatch code;
  std::regex named_code("(^|\\(|: |answers? )([1-6][0-9][0-9])\\b");
  if (std::regex_search(row.what, code, named_code)) {
    int named = std::stoi(code[2]);
    EXPECT_TRUE(named == ua.code || named == proxy.code) << "manifest names " << named;
  }
}

INSTANTIATE_TEST_SUITE_P(Manifest, Rfc4475, ::testing::ValuesIn(load_manifest()),
                         [](const ::testing::TestParamInfo<ManifestRow>& param_info) {
                           const std::string& file = param_info.param.file;
                           std::string name = file.substr(0, file.find('.'));
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(Rfc4475Manifest, ListsAllFortyNineMessagesAndNothingElse) {
  auto rows = load_manifest();
  ASSERT_EQ(rows.size(), 49u) << "manifest read from " << rfc4475_dir();
  EXPECT_EQ(expectations().size(), 49u);
  for (const auto& row : rows) EXPECT_EQ(expectations().count(row.file), 1u) << row.file;
}

TEST(Rfc4475Manifest, RepositoryCopyMatchesTheSharedOne) {
  // The repository keeps its own copy so a clean clone can run this test;
  // where the shared original sits beside the checkout, they must agree.
  std::string shared = testing::source_root() + "/../shared/conformance/rfc4475";
  std::string original;
  if (!testing::read_file(shared + "/MANIFEST.tsv", &original))
    GTEST_SKIP() << "no shared copy at " << shared;
  EXPECT_EQ(original, testing::read_or_empty(rfc4475_dir() + "/MANIFEST.tsv"));
  for (const auto& row : load_manifest())
    EXPECT_EQ(testing::read_or_empty(shared + "/" + row.file),
              testing::read_or_empty(rfc4475_dir() + "/" + row.file))
        << row.file;
}

}  // namespace
}  // namespace trunkline::sip
