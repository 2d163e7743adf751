#include "control/sip/message_writer.h"

#include <charconv>

namespace trunkline::sip {
namespace {

void append_number(std::string* out, std::uint64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, static_cast<std::size_t>(res.ptr - buf));
}

// Unquoted display names are tokens separated by LWS (folds included);
// written back with single spaces.
void append_tokens(std::string* out, std::string_view text) {
  bool space = false;
  for (char c : text) {
    if (is(c, kLws)) {
      space = true;
      continue;
    }
    if (space) out->push_back(' ');
    space = false;
    out->push_back(c);
  }
}

}  // namespace

void append_uri(std::string* out, const Uri& uri) {
  out->append(uri.scheme);
  out->push_back(':');
  switch (uri.kind) {
    case UriScheme::kSip:
    case UriScheme::kSips:
      if (uri.has_user) {
        out->append(uri.user);
        if (uri.has_password) {
          out->push_back(':');
          out->append(uri.password);
        }
        out->push_back('@');
      }
      out->append(uri.host.text);
      if (uri.has_port) {
        out->push_back(':');
        append_number(out, uri.port);
      }
      out->append(uri.params.raw());
      if (uri.has_headers) {
        out->push_back('?');
        out->append(uri.headers);
      }
      break;
    case UriScheme::kTel:
      out->append(uri.number);
      out->append(uri.params.raw());
      break;
    case UriScheme::kOther:
      out->append(uri.opaque);
      break;
  }
}

void append_params(std::string* out, const HeaderParams& params) {
  params.for_each([&](const Param& p) {
    out->push_back(';');
    out->append(p.name);
    if (!p.has_value) return;
    out->push_back('=');
    if (p.quoted) out->push_back('"');
    out->append(p.value);
    if (p.quoted) out->push_back('"');
  });
}

void append_name_addr(std::string* out, const NameAddr& addr) {
  // A URI with ',' ';' or '?' must be bracketed (RFC 3261 section 20.10),
  // and so must any address with a display name.
  bool brackets = addr.bracketed || !addr.display_name.empty() ||
                  addr.uri.text.find_first_of(",;?") != std::string_view::npos;
  if (addr.display_name_quoted) {
    out->push_back('"');
    out->append(addr.display_name);
    out->append("\" ");
  } else if (!addr.display_name.empty()) {
    append_tokens(out, addr.display_name);
    out->push_back(' ');
  }
  if (brackets) out->push_back('<');
  append_uri(out, addr.uri);
  if (brackets) out->push_back('>');
  append_params(out, addr.params);
}

void append_via(std::string* out, const Via& via) {
  out->append(via.protocol_name);
  out->push_back('/');
  out->append(via.protocol_version);
  out->push_back('/');
  out->append(via.transport);
  out->push_back(' ');
  out->append(via.host.text);
  if (via.has_port) {
    out->push_back(':');
    append_number(out, via.port);
  }
  append_params(out, via.params);
}

MessageWriter& MessageWriter::request_line(std::string_view method, std::string_view request_uri) {
  out_->append(method);
  out_->push_back(' ');
  out_->append(request_uri);
  out_->append(" SIP/2.0\r\n");
  return *this;
}

MessageWriter& MessageWriter::status_line(int code, std::string_view reason) {
  out_->append("SIP/2.0 ");
  append_number(out_, static_cast<std::uint64_t>(code));
  out_->push_back(' ');
  out_->append(reason);
  out_->append("\r\n");
  return *this;
}

MessageWriter& MessageWriter::header(std::string_view name, std::string_view value) {
  out_->append(name);
  out_->append(": ");
  out_->append(value);
  out_->append("\r\n");
  return *this;
}

MessageWriter& MessageWriter::header(HeaderId id, std::uint64_t value) {
  out_->append(header_name(id));
  out_->append(": ");
  append_number(out_, value);
  out_->append("\r\n");
  return *this;
}

MessageWriter& MessageWriter::via(const Via& via) {
  out_->append("Via: ");
  append_via(out_, via);
  out_->append("\r\n");
  return *this;
}

MessageWriter& MessageWriter::address(HeaderId id, const NameAddr& addr) {
  out_->append(header_name(id));
  out_->append(": ");
  append_name_addr(out_, addr);
  out_->append("\r\n");
  return *this;
}

MessageWriter& MessageWriter::cseq(std::uint32_t number, std::string_view method) {
  out_->append("CSeq: ");
  append_number(out_, number);
  out_->push_back(' ');
  out_->append(method);
  out_->append("\r\n");
  return *this;
}

void MessageWriter::finish(std::string_view content_type, std::string_view body) {
  if (!body.empty() && !content_type.empty()) header(HeaderId::kContentType, content_type);
  header(HeaderId::kContentLength, body.size());
  out_->append("\r\n");
  out_->append(body);
}

namespace {

// Re-serializes every element of one list header line.
template <typename T, typename Append>
bool rewrite_list(const Message& msg, const HeaderField& h, std::string* out,
                  bool (*parse_one)(Cursor&, T*, SyntaxError*), Append&& append, ParseError* err) {
  Cursor c(h.value);
  T item;
  bool first = true;
  while (true) {
    c.skip_lws();
    if (!first) {
      if (c.done()) return true;
      if (!c.consume(',')) {
        SyntaxError e;
        c.fail(&e, "expected ',' or end of value");
        *err = header_error(msg, h, e);
        return false;
      }
      c.skip_lws();
      out->append(", ");
    }
    SyntaxError e;
    if (!parse_one(c, &item, &e)) {
      *err = header_error(msg, h, e);
      return false;
    }
    append(item);
    first = false;
  }
}

}  // namespace

ParseError write_message(const Message& msg, std::string* out) {
  if (msg.is_request()) {
    const RequestLine& rl = msg.request_line();
    out->append(rl.method);
    out->push_back(' ');
    append_uri(out, rl.uri);
    out->push_back(' ');
    out->append(rl.version);
    out->append("\r\n");
  } else {
    const StatusLine& sl = msg.status_line();
    out->append(sl.version);
    out->push_back(' ');
    append_number(out, sl.code);
    out->push_back(' ');
    out->append(sl.reason);
    out->append("\r\n");
  }
  ParseError err;
  for (const HeaderField& h : msg) {
    std::string_view name = h.id == HeaderId::kOther ? h.name : header_name(h.id);
    if (h.id == HeaderId::kContentLength) {
      // From the body; a message that had none gets none (UDP frames it).
      out->append("Content-Length: ");
      append_number(out, msg.body().size());
      out->append("\r\n");
      continue;
    }
    out->append(name);
    out->append(": ");
    bool ok = true;
    switch (h.id) {
      case HeaderId::kVia:
        ok = rewrite_list<Via>(
            msg, h, out, parse_via, [&](const Via& v) { append_via(out, v); }, &err);
        break;
      case HeaderId::kFrom:
      case HeaderId::kTo:
        append_name_addr(out, h.id == HeaderId::kFrom ? msg.from().addr : msg.to().addr);
        break;
      case HeaderId::kCSeq:
        append_number(out, msg.cseq().number);
        out->push_back(' ');
        out->append(msg.cseq().method);
        break;
      case HeaderId::kMaxForwards:
        append_number(out, msg.max_forwards());
        break;
      case HeaderId::kContact:
        if (h.value == "*") {
          out->push_back('*');
        } else {
          ok = rewrite_list<Contact>(
              msg, h, out, parse_contact,
              [&](const Contact& ct) { append_name_addr(out, ct.addr); }, &err);
        }
        break;
      case HeaderId::kRoute:
      case HeaderId::kRecordRoute:
        ok = rewrite_list<NameAddr>(
            msg, h, out, parse_route, [&](const NameAddr& a) { append_name_addr(out, a); }, &err);
        break;
      default:
        out->append(h.value);
        break;
    }
    if (!ok) return err;
    out->append("\r\n");
  }
  out->append("\r\n");
  out->append(msg.body());
  return ParseError{};
}

void write_response_head(const Message& request, int code, std::string_view reason,
                         std::string_view to_tag, MessageWriter& w) {
  w.status_line(code, reason);
  for (const HeaderField& h : request) {
    if (h.id == HeaderId::kVia) w.header(HeaderId::kVia, h.value);
  }
  if (const HeaderField* from = request.find(HeaderId::kFrom))
    w.header(HeaderId::kFrom, from->value);
  if (const HeaderField* to = request.find(HeaderId::kTo)) {
    if (request.to().has_tag || to_tag.empty()) {
      w.header(HeaderId::kTo, to->value);
    } else {
      std::string value(to->value);
      value.append(";tag=");
      value.append(to_tag);
      w.header(HeaderId::kTo, value);
    }
  }
  if (const HeaderField* call_id = request.find(HeaderId::kCallId))
    w.header(HeaderId::kCallId, call_id->value);
  if (const HeaderField* cseq = request.find(HeaderId::kCSeq))
    w.header(HeaderId::kCSeq, cseq->value);
}

}  // namespace trunkline::sip
