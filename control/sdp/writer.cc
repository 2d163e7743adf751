#include "control/sdp/writer.h"

namespace trunkline::sdp {
namespace {

void line(std::string* out, char type, std::string_view value) {
  out->push_back(type);
  out->push_back('=');
  out->append(value);
  out->append("\r\n");
}

void bandwidths(std::string* out, const std::vector<Bandwidth>& bws) {
  for (const Bandwidth& b : bws)
    line(out, 'b', std::string(b.type) + ":" + std::to_string(b.value));
}

void attributes(std::string* out, const std::vector<Attribute>& attrs) {
  for (const Attribute& a : attrs) {
    out->append("a=");
    out->append(a.name);
    if (a.has_value) {
      out->push_back(':');
      out->append(a.value);
    }
    out->append("\r\n");
  }
}

}  // namespace

void append_connection(std::string* out, const Connection& c) {
  out->append(c.net_type);
  out->push_back(' ');
  out->append(c.addr_type);
  out->push_back(' ');
  out->append(c.address);
  if (c.ttl >= 0) out->append("/" + std::to_string(c.ttl));
  if (c.has_count) out->append("/" + std::to_string(c.count));
}

void write_session(const Session& s, std::string* out) {
  line(out, 'v', std::to_string(s.version));
  const Origin& o = s.origin;
  line(out, 'o',
       std::string(o.username) + " " + std::string(o.session_id) + " " +
           std::string(o.session_version) + " " + std::string(o.net_type) + " " +
           std::string(o.addr_type) + " " + std::string(o.address));
  line(out, 's', s.name.empty() ? std::string_view("-") : s.name);
  if (!s.info.empty()) line(out, 'i', s.info);
  if (!s.uri.empty()) line(out, 'u', s.uri);
  for (std::string_view e : s.emails) line(out, 'e', e);
  for (std::string_view p : s.phones) line(out, 'p', p);
  if (s.has_connection) {
    std::string c;
    append_connection(&c, s.connection);
    line(out, 'c', c);
  }
  bandwidths(out, s.bandwidths);
  if (s.timings.empty()) line(out, 't', "0 0");
  for (const Timing& t : s.timings) {
    line(out, 't', std::to_string(t.start) + " " + std::to_string(t.stop));
    for (std::string_view r : t.repeats) line(out, 'r', r);
  }
  if (!s.zone.empty()) line(out, 'z', s.zone);
  if (!s.key.empty()) line(out, 'k', s.key);
  attributes(out, s.attributes);
  for (const Media& m : s.media) {
    std::string ml = std::string(m.media) + " " + std::to_string(m.port);
    if (m.has_port_count) ml += "/" + std::to_string(m.port_count);
    ml += " " + std::string(m.proto);
    for (std::string_view f : m.formats) ml += " " + std::string(f);
    line(out, 'm', ml);
    if (!m.title.empty()) line(out, 'i', m.title);
    for (const Connection& c : m.connections) {
      std::string cl;
      append_connection(&cl, c);
      line(out, 'c', cl);
    }
    bandwidths(out, m.bandwidths);
    if (!m.key.empty()) line(out, 'k', m.key);
    attributes(out, m.attributes);
  }
}

}  // namespace trunkline::sdp
