#include "control/sip/message.h"

#include <cstring>

#include "control/sip/auth.h"
#include "control/sip/header_scanner.h"
#include "control/sip/lists.h"

namespace trunkline::sip {

const HeaderField* Message::find_next(const HeaderField* after) const {
  for (const HeaderField* h = after + 1; h < end(); ++h)
    if (h->id == after->id) return h;
  return nullptr;
}

const HeaderField* Message::find(std::string_view name) const {
  HeaderId id = lookup_header(name);
  if (id != HeaderId::kOther) return find(id);
  for (const HeaderField& h : *this)
    if (h.id == HeaderId::kOther && iequals(h.name, name)) return &h;
  return nullptr;
}

std::size_t Message::count(HeaderId id) const {
  std::size_t n = 0;
  for (const HeaderField& h : *this) n += h.id == id ? 1 : 0;
  return n;
}

ParseError header_error(const Message& msg, const HeaderField& h, const SyntaxError& e) {
  ParseError err;
  err.kind = ParseErrorKind::kHeaderValue;
  err.header = h.id;
  err.header_name = h.name;
  err.offset = msg.offset_of(e.at != nullptr ? e.at : h.value.data());
  err.detail = e.detail != nullptr ? e.detail : "malformed value";
  return err;
}

namespace {

ParseError make_error(ParseErrorKind kind, std::string_view datagram, const char* at,
                      const char* detail) {
  ParseError err;
  err.kind = kind;
  err.offset = static_cast<std::uint32_t>(at - datagram.data());
  err.detail = detail;
  return err;
}

}  // namespace

ParseError parse_message(std::string_view datagram, Message* out) {
  Message& m = *out;
  m.datagram_ = datagram;
  m.bytes_ = {};
  m.body_ = {};
  m.header_count_ = 0;
  m.has_max_forwards_ = false;
  m.has_content_length_ = false;
  m.call_id_ = {};
  std::memset(m.first_.data(), Message::kAbsent, m.first_.size());

  SyntaxError se;
  std::string_view line;
  const char* headers_begin = nullptr;
  if (!scan_start_line(datagram, &line, &headers_begin, &se)) {
    bool empty = se.at == datagram.data() + datagram.size() && line.empty();
    return make_error(empty && std::string_view(se.detail) == "no start line"
                          ? ParseErrorKind::kEmpty
                          : ParseErrorKind::kStartLine,
                      datagram, se.at, se.detail);
  }
  m.is_request_ = !looks_like_status_line(line);
  if (m.is_request_) {
    bool wrong_version = false;
    if (!parse_request_line(line, &m.request_line_, &se, &wrong_version))
      return make_error(wrong_version ? ParseErrorKind::kVersion : ParseErrorKind::kStartLine,
                        datagram, se.at, se.detail);
  } else if (!parse_status_line(line, &m.status_line_, &se)) {
    return make_error(ParseErrorKind::kStartLine, datagram, se.at, se.detail);
  }

  HeaderScanner scanner(headers_begin, datagram.data() + datagram.size());
  RawHeader raw;
  while (true) {
    HeaderScanner::Step step = scanner.next(&raw, &se);
    if (step == HeaderScanner::Step::kEnd) break;
    if (step == HeaderScanner::Step::kError)
      return make_error(ParseErrorKind::kFraming, datagram, se.at, se.detail);
    if (m.header_count_ == kMaxHeaders)
      return make_error(ParseErrorKind::kTooManyHeaders, datagram, scanner.line_start(),
                        "more than 64 header fields");
    HeaderId id = lookup_header(raw.name);
    std::uint8_t index = m.header_count_++;
    HeaderField& h = m.headers_[index];
    h.name = raw.name;
    h.value = raw.value;
    h.id = id;
    std::uint8_t& first = m.first_[static_cast<std::size_t>(id)];
    bool repeated = first != Message::kAbsent;
    if (!repeated) first = index;

    bool ok = true;
    switch (id) {
      case HeaderId::kVia:
        if (!repeated) {
          Cursor c(raw.value);
          ok = parse_via(c, &m.top_via_, &se);
          m.top_via_end_ = c.pos();
        }
        break;
      case HeaderId::kFrom:
      case HeaderId::kTo:
      case HeaderId::kCallId:
      case HeaderId::kCSeq:
      case HeaderId::kMaxForwards:
      case HeaderId::kContentLength:
      case HeaderId::kContentType:
        if (repeated) {
          ParseError err = make_error(ParseErrorKind::kDuplicateHeader, datagram, raw.name.data(),
                                      "header field that allows one value appears twice");
          err.header = id;
          err.header_name = raw.name;
          return err;
        }
        switch (id) {
          case HeaderId::kFrom:
            ok = parse_from_to(raw.value, &m.from_, &se);
            break;
          case HeaderId::kTo:
            ok = parse_from_to(raw.value, &m.to_, &se);
            break;
          case HeaderId::kCallId:
            ok = parse_call_id(raw.value, &se);
            m.call_id_ = raw.value;
            break;
          case HeaderId::kCSeq:
            ok = parse_cseq(raw.value, &m.cseq_, &se);
            break;
          case HeaderId::kMaxForwards:
            ok = parse_max_forwards(raw.value, &m.max_forwards_, &se);
            m.has_max_forwards_ = ok;
            break;
          case HeaderId::kContentLength:
            ok = parse_content_length(raw.value, &m.content_length_, &se);
            m.has_content_length_ = ok;
            break;
          default:
            break;
        }
        break;
      default:
        break;
    }
    if (!ok) {
      if (se.at == nullptr) se.at = raw.value.data();
      return header_error(m, h, se);
    }
  }

  const char* body_start = scanner.body_start();
  const char* datagram_end = datagram.data() + datagram.size();
  std::size_t available = static_cast<std::size_t>(datagram_end - body_start);
  std::size_t body_size = available;
  if (m.has_content_length_) {
    if (m.content_length_ > available) {
      ParseError err = make_error(ParseErrorKind::kContentLength, datagram, body_start,
                                  "Content-Length larger than the body in the datagram");
      err.header = HeaderId::kContentLength;
      err.header_name = m.find(HeaderId::kContentLength)->name;
      return err;
    }
    body_size = m.content_length_;
  }
  m.body_ = std::string_view(body_start, body_size);
  const char* message_begin = line.data();
  m.bytes_ = std::string_view(message_begin,
                              static_cast<std::size_t>(body_start + body_size - message_begin));

  static constexpr HeaderId kMandatory[] = {HeaderId::kVia, HeaderId::kFrom, HeaderId::kTo,
                                            HeaderId::kCallId, HeaderId::kCSeq};
  for (HeaderId id : kMandatory) {
    if (m.find(id) == nullptr) {
      ParseError err = make_error(ParseErrorKind::kMissingHeader, datagram, body_start,
                                  "mandatory header field missing (offset: end of the head)");
      err.header = id;
      return err;
    }
  }
  if (m.is_request_ && m.cseq_.method != m.request_line_.method) {
    const HeaderField* cseq = m.find(HeaderId::kCSeq);
    ParseError err = make_error(ParseErrorKind::kCSeqMismatch, datagram, m.cseq_.method.data(),
                                "CSeq method differs from the request method");
    err.header = HeaderId::kCSeq;
    err.header_name = cseq->name;
    return err;
  }
  return ParseError{};
}

namespace {

template <typename T>
using ParseOne = bool (*)(Cursor&, T*, SyntaxError*);

template <typename T>
bool each(std::string_view value, bool allow_empty, SyntaxError* e, ParseOne<T> parse_one) {
  T item;
  return parse_comma_list(value, allow_empty, e, [&](Cursor& c) { return parse_one(c, &item, e); });
}

bool whole(std::string_view value, SyntaxError* e,
           bool (*parse_one)(Cursor&, MediaType*, SyntaxError*)) {
  Cursor c(value);
  MediaType mt;
  if (!parse_one(c, &mt, e)) return false;
  c.skip_lws();
  if (!c.done()) return c.fail(e, "unexpected character after media type");
  return true;
}

bool validate_contact(const Message& msg, const HeaderField& h, SyntaxError* e) {
  Cursor c(h.value);
  if (c.consume('*')) {
    c.skip_lws();
    if (!c.done()) return c.fail(e, "'*' must be the only Contact value");
    if (msg.count(HeaderId::kContact) != 1) return c.fail(e, "'*' with other Contact values");
    return true;
  }
  return each<Contact>(h.value, false, e, parse_contact);
}

}  // namespace

ParseError validate_message(const Message& msg) {
  const HeaderField* first_via = msg.find(HeaderId::kVia);
  for (const HeaderField& h : msg) {
    SyntaxError e;
    bool ok = true;
    switch (h.id) {
      case HeaderId::kVia:
        if (&h == first_via) {
          // The top via-parm was parsed on receipt; check the rest.
          Cursor c(h.value);
          Via via;
          ok = parse_via(c, &via, &e);
          c.skip_lws();
          if (ok && !c.done()) {
            if (!c.consume(',')) {
              ok = c.fail(&e, "expected ',' or end of value");
            } else {
              ok = each<Via>(c.rest(), false, &e, parse_via);
            }
          }
        } else {
          ok = each<Via>(h.value, false, &e, parse_via);
        }
        break;
      case HeaderId::kContact:
        ok = validate_contact(msg, h, &e);
        break;
      case HeaderId::kRoute:
      case HeaderId::kRecordRoute:
        ok = each<NameAddr>(h.value, false, &e, parse_route);
        break;
      case HeaderId::kReplyTo: {
        FromTo ft;
        ok = parse_from_to(h.value, &ft, &e);
        break;
      }
      case HeaderId::kRequire:
      case HeaderId::kProxyRequire:
      case HeaderId::kUnsupported:
      case HeaderId::kAllowEvents:
        ok = each<std::string_view>(h.value, false, &e, parse_list_token);
        break;
      case HeaderId::kSupported:
      case HeaderId::kAllow:
        ok = each<std::string_view>(h.value, true, &e, parse_list_token);
        break;
      case HeaderId::kContentEncoding:
        ok = each<std::string_view>(h.value, false, &e, parse_coding);
        break;
      case HeaderId::kAcceptEncoding:
        ok = each<std::string_view>(h.value, true, &e, parse_coding);
        break;
      case HeaderId::kContentType:
        ok = whole(h.value, &e, parse_media_type);
        break;
      case HeaderId::kAccept:
        ok = each<MediaType>(h.value, true, &e, parse_media_range);
        break;
      case HeaderId::kAuthorization:
      case HeaderId::kProxyAuthorization: {
        AuthField a;
        ok = parse_credentials(h.value, &a, &e);
        break;
      }
      case HeaderId::kWWWAuthenticate:
      case HeaderId::kProxyAuthenticate: {
        AuthField a;
        ok = parse_challenge(h.value, &a, &e);
        break;
      }
      case HeaderId::kExpires:
      case HeaderId::kMinExpires: {
        std::uint32_t v = 0;
        ok = parse_delta_seconds(h.value, &v, &e);
        break;
      }
      case HeaderId::kRetryAfter: {
        std::uint32_t v = 0;
        ok = parse_retry_after(h.value, &v, &e);
        break;
      }
      case HeaderId::kDate: {
        SipDate d;
        ok = parse_date(h.value, &d, &e);
        break;
      }
      default:
        break;
    }
    if (!ok) return header_error(msg, h, e);
  }
  return ParseError{};
}

}  // namespace trunkline::sip
