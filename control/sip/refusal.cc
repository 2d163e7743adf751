#include "control/sip/refusal.h"

#include "control/sip/auth.h"
#include "control/sip/header_scanner.h"
#include "control/sip/lists.h"
#include "control/sip/message_writer.h"

namespace trunkline::sip {
namespace {

constexpr std::string_view kApplianceExtensions[] = {"100rel", "timer", "replaces"};
constexpr std::string_view kApplianceContentTypes[] = {
    "application/sdp", "multipart/mixed", "multipart/alternative",
    "text/plain",      "message/sipfrag", "application/dtmf-relay"};
constexpr Method kApplianceMethods[] = {Method::kInvite, Method::kAck,     Method::kBye,
                                        Method::kCancel, Method::kOptions, Method::kRegister,
                                        Method::kPrack,  Method::kUpdate,  Method::kInfo,
                                        Method::kRefer,  Method::kNotify,  Method::kMessage};

std::string join(std::span<const std::string_view> items) {
  std::string out;
  for (std::string_view s : items) {
    if (!out.empty()) out.append(", ");
    out.append(s);
  }
  return out;
}

std::string allow_list(const RefusalPolicy& policy) {
  std::string out;
  for (unsigned m = 1; m < 32; ++m) {
    std::string_view name = method_name(static_cast<Method>(m));
    if (name.empty() || !policy.allows(static_cast<Method>(m))) continue;
    if (!out.empty()) out.append(", ");
    out.append(name);
  }
  return out;
}

Verdict refuse(const Message* msg, int code, std::string reason) {
  Verdict v;
  v.accept = false;
  if (msg != nullptr && msg->is_request() && msg->method() == Method::kAck) {
    // No response is ever sent to an ACK (RFC 3261 section 17.2.1).
    v.code = 0;
    v.reason = "ACK dropped: " + reason;
  } else {
    v.code = code;
    v.reason = std::move(reason);
  }
  return v;
}

bool first_word_is_ack(std::string_view line) { return line.substr(0, 4) == "ACK "; }

Verdict refuse_malformed(std::string_view datagram, const ParseError& error) {
  Verdict v;
  v.accept = false;
  v.error = error;
  std::string what = error.describe();
  std::string_view line;
  const char* headers = nullptr;
  if (!scan_start_line(datagram, &line, &headers, nullptr)) {
    v.reason = "unreadable datagram dropped (" + what + ")";
  } else if (looks_like_status_line(line)) {
    v.reason = "malformed response dropped (" + what + ")";
  } else if (first_word_is_ack(line)) {
    v.reason = "malformed ACK dropped (" + what + ")";
  } else if (!can_answer(datagram)) {
    v.reason = "no Via to answer along, dropped (" + what + ")";
  } else if (error.kind == ParseErrorKind::kVersion) {
    v.code = 505;
    v.reason = "Version Not Supported (";
    v.reason.append(line.substr(line.rfind(' ') + 1));
    v.reason.append(")");
  } else {
    v.code = 400;
    v.reason = "Bad Request (" + what + ")";
  }
  return v;
}

// Accept decides whether an SDP answer may be sent: the most specific range
// that covers application/sdp decides, by its q (RFC 3261 section 20.1 with
// RFC 2616 section 14.1). An Accept with no range at all accepts nothing.
bool accepts_sdp(const Message& msg) {
  if (msg.find(HeaderId::kAccept) == nullptr) return true;
  ListReader<MediaType> ranges(msg, HeaderId::kAccept, parse_media_range);
  MediaType mt;
  int best = 0;
  bool best_accepts = false;
  while (ranges.next(&mt)) {
    int specificity = 0;
    if (mt.matches("application", "sdp")) {
      specificity = 3;
    } else if (iequals(mt.type, "application") && mt.subtype == "*") {
      specificity = 2;
    } else if (mt.type == "*" && mt.subtype == "*") {
      specificity = 1;
    }
    if (specificity <= best) continue;
    Param q;
    bool zero =
        mt.params.find("q", &q) && q.value.find_first_not_of("0.") == std::string_view::npos;
    best = specificity;
    best_accepts = !zero;
  }
  return best_accepts;
}

bool is_broadcast(std::string_view host) { return host == "255.255.255.255"; }

}  // namespace

RefusalPolicy RefusalPolicy::appliance(Role role) {
  RefusalPolicy p;
  p.role = role;
  p.registrar = role == Role::kUserAgent;
  for (Method m : kApplianceMethods) p.allowed_methods |= 1u << static_cast<unsigned>(m);
  p.supported_extensions = kApplianceExtensions;
  p.accepted_content_types = kApplianceContentTypes;
  return p;
}

bool can_answer(std::string_view datagram) {
  std::string_view line;
  const char* headers = nullptr;
  if (!scan_start_line(datagram, &line, &headers, nullptr)) return false;
  if (looks_like_status_line(line) || first_word_is_ack(line)) return false;
  // The method must at least be a token followed by SP.
  Cursor c(line);
  if (c.take_while(kToken).empty() || !c.at(' ')) return false;
  HeaderScanner scanner(headers, datagram.data() + datagram.size());
  RawHeader raw;
  while (scanner.next(&raw, nullptr) == HeaderScanner::Step::kHeader) {
    if (lookup_header(raw.name) != HeaderId::kVia) continue;
    Cursor v(raw.value);
    Via via;
    return parse_via_sent_by(v, &via, nullptr);
  }
  return false;
}

Verdict judge_datagram(std::string_view datagram, const RefusalPolicy& policy) {
  Message msg;
  ParseError error = parse_message(datagram, &msg);
  if (!error.ok()) return refuse_malformed(datagram, error);
  return judge_message(msg, policy);
}

Verdict judge_message(const Message& msg, const RefusalPolicy& policy) {
  ParseError error = validate_message(msg);
  if (!error.ok()) return refuse_malformed(msg.datagram(), error);

  if (!msg.is_request()) {
    if (policy.role == Role::kProxy) {
      // A proxy forwards a response to the second Via (section 18.2.2);
      // never to a broadcast address (RFC 4475 section 3.3.10).
      ListReader<Via> vias(msg, HeaderId::kVia, parse_via);
      Via via;
      if (vias.next(&via) && vias.next(&via) &&
          (is_broadcast(via.host.text) || is_broadcast(via.maddr) || is_broadcast(via.received)))
        return refuse(&msg, 0, "response would be forwarded to a broadcast address, dropped");
    }
    return Verdict{};
  }

  const RequestLine& rl = msg.request_line();
  // A proxy forwards methods it does not know (RFC 3261 section 16.1);
  // a user agent answers them 501 or 405 (section 8.2.1).
  if (policy.role == Role::kUserAgent && rl.method_id == Method::kUnknown) {
    Verdict v =
        refuse(&msg, 501, "Not Implemented (unknown method " + std::string(rl.method) + ")");
    v.allow = allow_list(policy);
    return v;
  }
  if (policy.role == Role::kUserAgent && !policy.allows(rl.method_id)) {
    Verdict v = refuse(&msg, 405, "Method Not Allowed (" + std::string(rl.method) + ")");
    v.allow = allow_list(policy);
    return v;
  }
  if (policy.role == Role::kProxy && msg.has_max_forwards() && msg.max_forwards() == 0)
    return refuse(&msg, 483, "Too Many Hops (Max-Forwards is 0)");
  if (!rl.uri.is_sip() && rl.uri.kind != UriScheme::kTel)
    return refuse(&msg, 416,
                  "Unsupported URI Scheme (" + std::string(rl.uri.scheme) + " in Request-URI)");

  // Extensions the request insists on: Require at a user agent,
  // Proxy-Require at a proxy (RFC 3261 sections 8.2.2.3, 16.3; RFC 4475
  // section 3.3.5). Never for ACK or CANCEL.
  if (rl.method_id != Method::kAck && rl.method_id != Method::kCancel) {
    HeaderId required = policy.role == Role::kProxy ? HeaderId::kProxyRequire : HeaderId::kRequire;
    ListReader<std::string_view> tags(msg, required, parse_list_token);
    std::string unsupported;
    std::string_view tag;
    while (tags.next(&tag)) {
      bool known = false;
      for (std::string_view s : policy.supported_extensions) known = known || s == tag;
      if (known) continue;
      if (!unsupported.empty()) unsupported.append(", ");
      unsupported.append(tag);
    }
    if (!unsupported.empty()) {
      Verdict v = refuse(&msg, 420, "Bad Extension (" + unsupported + ")");
      v.unsupported = std::move(unsupported);
      return v;
    }
  }

  if (policy.role == Role::kProxy) return Verdict{};

  if (!msg.body().empty()) {
    const HeaderField* ct = msg.find(HeaderId::kContentType);
    if (ct == nullptr) return refuse(&msg, 400, "Bad Request (body without Content-Type)");
    Cursor c(ct->value);
    MediaType type;
    if (!parse_media_type(c, &type, nullptr))
      return refuse(&msg, 400, "Bad Request (Content-Type)");
    bool readable = false;
    for (std::string_view accepted : policy.accepted_content_types) {
      std::size_t slash = accepted.find('/');
      readable = readable || type.matches(accepted.substr(0, slash), accepted.substr(slash + 1));
    }
    if (!readable) {
      Verdict v = refuse(&msg, 415,
                         "Unsupported Media Type (" + std::string(type.type) + "/" +
                             std::string(type.subtype) + ")");
      v.accept_types = join(policy.accepted_content_types);
      return v;
    }
    ListReader<std::string_view> codings(msg, HeaderId::kContentEncoding, parse_coding);
    std::string_view coding;
    while (codings.next(&coding)) {
      if (iequals(coding, "identity")) continue;
      Verdict v = refuse(&msg, 415,
                         "Unsupported Media Type (Content-Encoding " + std::string(coding) + ")");
      v.accept_encodings = "identity";
      v.accept_types = join(policy.accepted_content_types);
      return v;
    }
  }

  if (rl.method_id == Method::kInvite && !accepts_sdp(msg)) {
    Verdict v = refuse(&msg, 406, "Not Acceptable (Accept excludes application/sdp)");
    v.accept_types = "application/sdp";
    return v;
  }

  if (rl.method_id == Method::kRegister && policy.registrar) {
    // The address of record is the To URI and must be SIP or SIPS (RFC
    // 3261 section 10.3 step 5; RFC 4475 section 3.3.4).
    if (!msg.to().addr.uri.is_sip())
      return refuse(&msg, 400, "Bad Request (To of a REGISTER is not a SIP or SIPS URI)");
    const HeaderField* contact = msg.find(HeaderId::kContact);
    if (contact != nullptr && contact->value == "*") {
      const HeaderField* expires = msg.find(HeaderId::kExpires);
      if (expires == nullptr || expires->value.find_first_not_of('0') != std::string_view::npos)
        return refuse(&msg, 400, "Bad Request (Contact * without Expires: 0)");
    }
    // Credentials of a scheme this registrar does not know are never
    // taken: challenge for Digest (RFC 4475 section 3.3.7).
    for (const HeaderField* h = msg.find(HeaderId::kAuthorization); h != nullptr;
         h = msg.find_next(h)) {
      AuthField auth;
      if (parse_credentials(h->value, &auth, nullptr) && !auth.is_digest())
        return refuse(
            &msg, 401,
            "Unauthorized (unknown authorization scheme " + std::string(auth.scheme) + ")");
    }
  }
  return Verdict{};
}

namespace {

void append_reason(std::string* out, std::string_view reason) {
  for (char c : reason) {
    unsigned char u = static_cast<unsigned char>(c);
    out->push_back(u < 0x20 || u == 0x7F ? '?' : c);
  }
}

}  // namespace

void write_refusal(std::string_view datagram, const Verdict& verdict, std::string_view to_tag,
                   std::string* out) {
  if (verdict.accept || verdict.code == 0) return;
  std::string_view line;
  const char* headers = nullptr;
  if (!scan_start_line(datagram, &line, &headers, nullptr)) return;
  std::string reason;
  append_reason(&reason, verdict.reason);
  MessageWriter w(out);
  w.status_line(verdict.code, reason);
  // Copied from the request's header lines, as far as they frame.
  std::string_view from, to, call_id, cseq;
  HeaderScanner scanner(headers, datagram.data() + datagram.size());
  RawHeader raw;
  while (scanner.next(&raw, nullptr) == HeaderScanner::Step::kHeader) {
    switch (lookup_header(raw.name)) {
      case HeaderId::kVia:
        w.header(HeaderId::kVia, raw.value);
        break;
      case HeaderId::kFrom:
        if (from.empty()) from = raw.value;
        break;
      case HeaderId::kTo:
        if (to.empty()) to = raw.value;
        break;
      case HeaderId::kCallId:
        if (call_id.empty()) call_id = raw.value;
        break;
      case HeaderId::kCSeq:
        if (cseq.empty()) cseq = raw.value;
        break;
      default:
        break;
    }
  }
  if (!from.empty()) w.header(HeaderId::kFrom, from);
  if (!to.empty()) {
    FromTo parsed;
    if (!to_tag.empty() && parse_from_to(to, &parsed, nullptr) && !parsed.has_tag) {
      w.header(HeaderId::kTo, std::string(to) + ";tag=" + std::string(to_tag));
    } else {
      w.header(HeaderId::kTo, to);
    }
  }
  if (!call_id.empty()) w.header(HeaderId::kCallId, call_id);
  if (!cseq.empty()) w.header(HeaderId::kCSeq, cseq);
  if (!verdict.unsupported.empty()) w.header(HeaderId::kUnsupported, verdict.unsupported);
  if (!verdict.accept_types.empty()) w.header(HeaderId::kAccept, verdict.accept_types);
  if (!verdict.accept_encodings.empty())
    w.header(HeaderId::kAcceptEncoding, verdict.accept_encodings);
  if (!verdict.allow.empty()) w.header(HeaderId::kAllow, verdict.allow);
  w.finish();
}

}  // namespace trunkline::sip
