#include "control/sdp/parser.h"

#include "control/sdp/attributes.h"
#include "control/sdp/crypto.h"
#include "control/sip/lex.h"

namespace trunkline::sdp {

std::string SdpError::describe() const {
  if (ok()) return "ok";
  return "SDP line " + std::to_string(line) + " (byte " + std::to_string(offset) + "): " + detail;
}

namespace {

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!sip::is(c, sip::kToken)) return false;
  return true;
}

bool to_uint(std::string_view digits, std::uint64_t max, std::uint64_t* out) {
  return sip::parse_decimal(digits, max, out);
}

// Splits on single spaces; false when there are not exactly n fields.
template <std::size_t N>
bool split_fields(std::string_view v, std::string_view (&out)[N]) {
  for (std::size_t i = 0; i < N; ++i) {
    std::size_t sp = i + 1 < N ? v.find(' ') : std::string_view::npos;
    if (i + 1 < N && sp == std::string_view::npos) return false;
    out[i] = v.substr(0, sp);
    if (out[i].empty()) return false;
    if (sp != std::string_view::npos) v = v.substr(sp + 1);
  }
  return out[N - 1].find(' ') == std::string_view::npos;
}

bool parse_origin(std::string_view v, Origin* o, const char** error) {
  std::string_view f[6];
  if (!split_fields(v, f)) {
    *error = "o= needs 6 fields";
    return false;
  }
  std::uint64_t n = 0;
  if (!to_uint(f[1], UINT64_MAX, &n) || !to_uint(f[2], UINT64_MAX, &n)) {
    *error = "o= session id and version must be numbers";
    return false;
  }
  *o = Origin{f[0], f[1], f[2], f[3], f[4], f[5]};
  Connection c;
  std::string addr = std::string(f[3]) + " " + std::string(f[4]) + " " + std::string(f[5]);
  if (f[5].find('/') != std::string_view::npos || !parse_connection(addr, &c, error)) {
    if (*error == nullptr) *error = "o= address is not unicast";
    return false;
  }
  return true;
}

bool parse_bandwidth(std::string_view v, Bandwidth* b, const char** error) {
  std::size_t colon = v.find(':');
  std::uint64_t n = 0;
  if (colon == std::string_view::npos || !is_token(v.substr(0, colon)) ||
      !to_uint(v.substr(colon + 1), UINT64_MAX, &n)) {
    *error = "b= needs <type>:<number>";
    return false;
  }
  b->type = v.substr(0, colon);
  b->value = n;
  return true;
}

bool parse_timing(std::string_view v, Timing* t, const char** error) {
  std::string_view f[2];
  if (!split_fields(v, f) || !to_uint(f[0], UINT64_MAX, &t->start) ||
      !to_uint(f[1], UINT64_MAX, &t->stop)) {
    *error = "t= needs <start> <stop>";
    return false;
  }
  return true;
}

bool parse_media_line(std::string_view v, Media* m, const char** error) {
  std::size_t a = v.find(' ');
  std::size_t b = a == std::string_view::npos ? a : v.find(' ', a + 1);
  std::size_t c = b == std::string_view::npos ? b : v.find(' ', b + 1);
  if (c == std::string_view::npos) {
    *error = "m= needs <media> <port> <proto> <fmt> ...";
    return false;
  }
  m->media = v.substr(0, a);
  if (!is_token(m->media)) {
    *error = "m= media is not a token";
    return false;
  }
  std::string_view port = v.substr(a + 1, b - a - 1);
  std::size_t slash = port.find('/');
  std::uint64_t n = 0;
  if (!to_uint(port.substr(0, slash), 65535, &n)) {
    *error = "m= port is not 0-65535";
    return false;
  }
  m->port = static_cast<std::uint16_t>(n);
  if (slash != std::string_view::npos) {
    if (!to_uint(port.substr(slash + 1), 65535, &n) || n == 0) {
      *error = "m= port count is not a positive number";
      return false;
    }
    m->port_count = static_cast<int>(n);
    m->has_port_count = true;
  }
  m->proto = v.substr(b + 1, c - b - 1);
  for (char ch : m->proto) {
    if (!sip::is(ch, sip::kToken) && ch != '/') {
      *error = "m= proto is not <token>[/<token>]";
      return false;
    }
  }
  bool rtp = m->proto.substr(0, 4) == "RTP/" || m->proto.find("/RTP/") != std::string_view::npos;
  std::string_view fmts = v.substr(c + 1);
  while (true) {
    std::size_t sp = fmts.find(' ');
    std::string_view fmt = fmts.substr(0, sp);
    if (!is_token(fmt) || (rtp && !to_uint(fmt, 127, &n))) {
      *error = rtp ? "m= RTP payload type is not 0-127" : "m= format is not a token";
      return false;
    }
    m->formats.push_back(fmt);
    if (sp == std::string_view::npos) break;
    fmts = fmts.substr(sp + 1);
  }
  return true;
}

bool parse_attribute(std::string_view v, Attribute* attr, const char** error) {
  std::size_t colon = v.find(':');
  attr->name = v.substr(0, colon);
  attr->has_value = colon != std::string_view::npos;
  attr->value = attr->has_value ? v.substr(colon + 1) : std::string_view{};
  if (!is_token(attr->name)) {
    *error = "attribute name is not a token";
    return false;
  }
  std::string_view n = attr->name;
  if (n == "sendrecv" || n == "sendonly" || n == "recvonly" || n == "inactive") {
    if (attr->has_value) {
      *error = "direction attribute takes no value";
      return false;
    }
    return true;
  }
  if ((n == "rtpmap" || n == "fmtp" || n == "ptime" || n == "maxptime" || n == "rtcp" ||
       n == "crypto") &&
      !attr->has_value) {
    *error = "attribute needs a value";
    return false;
  }
  if (n == "rtpmap") {
    RtpMap m;
    return parse_rtpmap(attr->value, &m, error);
  }
  if (n == "fmtp") {
    Fmtp f;
    return parse_fmtp(attr->value, &f, error);
  }
  if (n == "ptime" || n == "maxptime") {
    double ms = 0;
    return parse_packet_time(attr->value, &ms, error);
  }
  if (n == "rtcp") {
    Rtcp r;
    return parse_rtcp(attr->value, &r, error);
  }
  if (n == "crypto") {
    Crypto c;
    return parse_crypto(attr->value, &c, error);
  }
  return true;
}

// Session-level lines in the order RFC 4566 section 5 fixes; the same rank
// may repeat where the RFC allows several lines (e, p, b, t/r, a).
int session_rank(char type) {
  switch (type) {
    case 'v':
      return 0;
    case 'o':
      return 1;
    case 's':
      return 2;
    case 'i':
      return 3;
    case 'u':
      return 4;
    case 'e':
      return 5;
    case 'p':
      return 6;
    case 'c':
      return 7;
    case 'b':
      return 8;
    case 't':
    case 'r':
      return 9;
    case 'z':
      return 10;
    case 'k':
      return 11;
    case 'a':
      return 12;
    default:
      return -1;
  }
}

int media_rank(char type) {
  switch (type) {
    case 'i':
      return 1;
    case 'c':
      return 2;
    case 'b':
      return 3;
    case 'k':
      return 4;
    case 'a':
      return 5;
    default:
      return -1;
  }
}

bool repeatable(char type) {
  return type == 'e' || type == 'p' || type == 'b' || type == 't' || type == 'r' || type == 'a' ||
         type == 'c';
}

}  // namespace

SdpError parse_session(std::string_view text, Session* out) {
  *out = Session{};
  SdpError err;
  std::uint32_t line_no = 0;
  std::size_t pos = 0;
  int rank = -1;
  char last_type = 0;
  bool in_media = false;
  bool seen_v = false, seen_o = false, seen_s = false;
  auto fail = [&](std::size_t at, const char* detail) {
    err.line = line_no;
    err.offset = static_cast<std::uint32_t>(at);
    err.detail = detail;
    return err;
  };
  while (pos < text.size()) {
    ++line_no;
    std::size_t start = pos;
    std::size_t lf = text.find('\n', pos);
    std::size_t end = lf == std::string_view::npos ? text.size() : lf;
    pos = lf == std::string_view::npos ? text.size() : lf + 1;
    if (end > start && text[end - 1] == '\r') --end;
    std::string_view line = text.substr(start, end - start);
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
      return fail(start, "line is not <type>=<value>");
    for (char ch : line)
      if (ch == '\r' || ch == '\0') return fail(start, "CR or NUL inside a line");
    char type = line[0];
    std::string_view value = line.substr(2);
    if (!seen_v && type != 'v') return fail(start, "SDP must start with v=");

    if (type == 'm') {
      in_media = true;
      rank = 0;
      last_type = 'm';
      out->media.emplace_back();
      const char* e = nullptr;
      if (!parse_media_line(value, &out->media.back(), &e)) return fail(start, e);
      continue;
    }
    int r = in_media ? media_rank(type) : session_rank(type);
    if (r < 0)
      return fail(start,
                  in_media ? "line type not allowed in a media description" : "unknown line type");
    if (r < rank || (r == rank && type == last_type && !repeatable(type)))
      return fail(start, "line out of the order RFC 4566 fixes");
    if (type == 'r' && last_type != 't' && last_type != 'r')
      return fail(start, "r= must follow t=");
    rank = r;
    last_type = type;

    const char* e = nullptr;
    bool ok = true;
    if (in_media) {
      Media& m = out->media.back();
      switch (type) {
        case 'i':
          m.title = value;
          break;
        case 'c': {
          Connection c;
          ok = parse_connection(value, &c, &e);
          if (ok) m.connections.push_back(c);
          break;
        }
        case 'b': {
          Bandwidth b;
          ok = parse_bandwidth(value, &b, &e);
          if (ok) m.bandwidths.push_back(b);
          break;
        }
        case 'k':
          m.key = value;
          break;
        case 'a': {
          Attribute a;
          ok = parse_attribute(value, &a, &e);
          if (ok) m.attributes.push_back(a);
          break;
        }
        default:
          break;
      }
    } else {
      switch (type) {
        case 'v':
          if (value != "0") return fail(start, "v= must be 0");
          seen_v = true;
          break;
        case 'o':
          ok = parse_origin(value, &out->origin, &e);
          seen_o = true;
          break;
        case 's':
          if (value.empty()) return fail(start, "s= must not be empty");
          out->name = value;
          seen_s = true;
          break;
        case 'i':
          out->info = value;
          break;
        case 'u':
          out->uri = value;
          break;
        case 'e':
          out->emails.push_back(value);
          break;
        case 'p':
          out->phones.push_back(value);
          break;
        case 'c':
          if (out->has_connection) return fail(start, "more than one session-level c=");
          ok = parse_connection(value, &out->connection, &e);
          out->has_connection = true;
          break;
        case 'b': {
          Bandwidth b;
          ok = parse_bandwidth(value, &b, &e);
          if (ok) out->bandwidths.push_back(b);
          break;
        }
        case 't': {
          Timing t;
          ok = parse_timing(value, &t, &e);
          if (ok) out->timings.push_back(t);
          break;
        }
        case 'r':
          if (value.empty()) return fail(start, "empty r=");
          out->timings.back().repeats.push_back(value);
          break;
        case 'z':
          out->zone = value;
          break;
        case 'k':
          out->key = value;
          break;
        case 'a': {
          Attribute a;
          ok = parse_attribute(value, &a, &e);
          if (ok) out->attributes.push_back(a);
          break;
        }
        default:
          break;
      }
    }
    if (!ok) return fail(start, e != nullptr ? e : "malformed line");
  }
  ++line_no;
  if (!seen_v) return fail(text.size(), "SDP must start with v=");
  if (!seen_o) return fail(text.size(), "o= missing");
  if (!seen_s) return fail(text.size(), "s= missing");
  if (out->timings.empty()) return fail(text.size(), "t= missing");
  // Every m-line needs an address: its own c= or the session's.
  for (const Media& m : out->media) {
    if (m.port != 0 && out->connection_for(m) == nullptr)
      return fail(text.size(), "media without c= and no session-level c=");
  }
  return err;
}

}  // namespace trunkline::sdp
