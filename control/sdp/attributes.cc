#include "control/sdp/attributes.h"

#include "control/sip/lex.h"

namespace trunkline::sdp {
namespace {

bool fail(const char** error, const char* detail) {
  if (error != nullptr) *error = detail;
  return false;
}

bool to_uint(std::string_view digits, std::uint64_t max, std::uint64_t* out) {
  return sip::parse_decimal(digits, max, out);
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!sip::is(c, sip::kToken)) return false;
  return true;
}

}  // namespace

bool parse_rtpmap(std::string_view value, RtpMap* out, const char** error) {
  std::size_t sp = value.find(' ');
  std::uint64_t pt = 0;
  if (sp == std::string_view::npos || !to_uint(value.substr(0, sp), 127, &pt))
    return fail(error, "rtpmap payload type is not 0-127");
  std::string_view rest = value.substr(sp + 1);
  std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return fail(error, "rtpmap needs encoding/clock rate");
  out->payload_type = static_cast<int>(pt);
  out->encoding = rest.substr(0, slash);
  if (!is_token(out->encoding)) return fail(error, "rtpmap encoding name is not a token");
  rest = rest.substr(slash + 1);
  slash = rest.find('/');
  std::uint64_t rate = 0;
  if (!to_uint(rest.substr(0, slash), 0xFFFFFFFFu, &rate) || rate == 0)
    return fail(error, "rtpmap clock rate is not a positive number");
  out->clock_rate = static_cast<std::uint32_t>(rate);
  out->channels = 1;
  out->has_channels = slash != std::string_view::npos;
  if (out->has_channels) {
    std::uint64_t ch = 0;
    if (!to_uint(rest.substr(slash + 1), 255, &ch) || ch == 0)
      return fail(error, "rtpmap channel count is not 1-255");
    out->channels = static_cast<int>(ch);
  }
  return true;
}

std::string format_rtpmap(const RtpMap& map) {
  std::string s = std::to_string(map.payload_type) + " " + std::string(map.encoding) + "/" +
                  std::to_string(map.clock_rate);
  if (map.has_channels) s += "/" + std::to_string(map.channels);
  return s;
}

bool parse_fmtp(std::string_view value, Fmtp* out, const char** error) {
  std::size_t sp = value.find(' ');
  if (sp == std::string_view::npos || sp == 0)
    return fail(error, "fmtp needs a format and parameters");
  out->format = value.substr(0, sp);
  out->parameters = value.substr(sp + 1);
  if (!is_token(out->format)) return fail(error, "fmtp format is not a token");
  if (out->parameters.empty()) return fail(error, "fmtp has no parameters");
  return true;
}

bool parse_packet_time(std::string_view value, double* ms, const char** error) {
  std::size_t dot = value.find('.');
  std::uint64_t whole = 0;
  if (!to_uint(value.substr(0, dot), 100000, &whole))
    return fail(error, "packet time is not a number");
  double v = static_cast<double>(whole);
  if (dot != std::string_view::npos) {
    std::string_view frac = value.substr(dot + 1);
    std::uint64_t f = 0;
    if (frac.empty() || frac.size() > 6 || !to_uint(frac, 999999, &f))
      return fail(error, "packet time is not a number");
    double scale = 1;
    for (std::size_t i = 0; i < frac.size(); ++i) scale *= 10;
    v += static_cast<double>(f) / scale;
  }
  if (v <= 0) return fail(error, "packet time must be positive");
  *ms = v;
  return true;
}

bool parse_connection(std::string_view value, Connection* out, const char** error) {
  std::size_t a = value.find(' ');
  std::size_t b = a == std::string_view::npos ? a : value.find(' ', a + 1);
  if (b == std::string_view::npos || value.find(' ', b + 1) != std::string_view::npos)
    return fail(error, "connection needs <nettype> <addrtype> <address>");
  *out = Connection{};
  out->net_type = value.substr(0, a);
  out->addr_type = value.substr(a + 1, b - a - 1);
  std::string_view addr = value.substr(b + 1);
  if (!is_token(out->net_type) || !is_token(out->addr_type))
    return fail(error, "bad nettype or addrtype");
  std::size_t slash = addr.find('/');
  out->address = addr.substr(0, slash);
  std::string_view suffix =
      slash == std::string_view::npos ? std::string_view{} : addr.substr(slash + 1);
  bool ip4 = out->addr_type == "IP4";
  bool ip6 = out->addr_type == "IP6";
  if (out->net_type == "IN" && (ip4 || ip6)) {
    bool literal = ip4 ? sip::is_ipv4_address(out->address) : sip::is_ipv6_address(out->address);
    if (!literal && !sip::is_hostname(out->address))
      return fail(error,
                  ip4 ? "not an IPv4 address or host name" : "not an IPv6 address or host name");
  } else if (out->address.empty()) {
    return fail(error, "empty connection address");
  }
  if (slash == std::string_view::npos) return true;
  std::size_t slash2 = suffix.find('/');
  std::uint64_t first = 0, second = 0;
  if (!to_uint(suffix.substr(0, slash2), 0xFFFF, &first)) return fail(error, "bad /ttl or /count");
  if (ip4) {
    // IP4: /ttl[/count]
    if (first > 255) return fail(error, "ttl above 255");
    out->ttl = static_cast<int>(first);
    if (slash2 != std::string_view::npos) {
      if (!to_uint(suffix.substr(slash2 + 1), 0xFFFF, &second) || second == 0)
        return fail(error, "bad address count");
      out->count = static_cast<int>(second);
      out->has_count = true;
    }
  } else {
    if (slash2 != std::string_view::npos || first == 0) return fail(error, "bad address count");
    out->count = static_cast<int>(first);
    out->has_count = true;
  }
  return true;
}

bool parse_rtcp(std::string_view value, Rtcp* out, const char** error) {
  std::size_t sp = value.find(' ');
  std::uint64_t port = 0;
  if (!to_uint(value.substr(0, sp), 65535, &port)) return fail(error, "rtcp port is not 0-65535");
  out->port = static_cast<std::uint16_t>(port);
  out->address.reset();
  if (sp == std::string_view::npos) return true;
  Connection c;
  if (!parse_connection(value.substr(sp + 1), &c, error)) return false;
  out->address = c;
  return true;
}

bool find_rtpmap(const Media& m, int payload_type, RtpMap* out) {
  for (const Attribute& a : m.attributes) {
    if (a.name != "rtpmap") continue;
    if (parse_rtpmap(a.value, out, nullptr) && out->payload_type == payload_type) return true;
  }
  return false;
}

bool find_fmtp(const Media& m, std::string_view format, Fmtp* out) {
  for (const Attribute& a : m.attributes) {
    if (a.name != "fmtp") continue;
    if (parse_fmtp(a.value, out, nullptr) && out->format == format) return true;
  }
  return false;
}

std::optional<double> ptime(const Media& m) {
  const Attribute* a = m.find("ptime");
  double ms = 0;
  if (a == nullptr || !parse_packet_time(a->value, &ms, nullptr)) return std::nullopt;
  return ms;
}

std::optional<int> telephone_event_payload(const Media& m, std::uint32_t clock_rate) {
  for (const Attribute& a : m.attributes) {
    RtpMap map;
    if (a.name != "rtpmap" || !parse_rtpmap(a.value, &map, nullptr)) continue;
    if (sip::iequals(map.encoding, "telephone-event") && map.clock_rate == clock_rate)
      return map.payload_type;
  }
  return std::nullopt;
}

bool parse_event_list(std::string_view list, std::bitset<256>* events, const char** error) {
  events->reset();
  if (list.empty()) {
    for (int e = 0; e <= 15; ++e) events->set(static_cast<std::size_t>(e));
    return true;
  }
  while (true) {
    std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    std::size_t dash = item.find('-');
    std::uint64_t lo = 0, hi = 0;
    if (!to_uint(item.substr(0, dash), 255, &lo)) return fail(error, "event is not 0-255");
    hi = lo;
    if (dash != std::string_view::npos && (!to_uint(item.substr(dash + 1), 255, &hi) || hi < lo))
      return fail(error, "bad event range");
    for (std::uint64_t e = lo; e <= hi; ++e) events->set(static_cast<std::size_t>(e));
    if (comma == std::string_view::npos) return true;
    list = list.substr(comma + 1);
  }
}

}  // namespace trunkline::sdp
