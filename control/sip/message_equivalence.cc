#include "control/sip/message_equivalence.h"

#include <vector>

namespace trunkline::sip {
namespace {

struct Compare {
  std::string* difference;
  bool ok = true;

  template <typename T>
  void field(const char* what, const T& a, const T& b) {
    if (ok && !(a == b)) {
      ok = false;
      *difference = what;
    }
  }

  void params(const char* what, const HeaderParams& a, const HeaderParams& b) {
    std::vector<Param> pa, pb;
    a.for_each([&](const Param& p) { pa.push_back(p); });
    b.for_each([&](const Param& p) { pb.push_back(p); });
    field(what, pa.size(), pb.size());
    for (std::size_t i = 0; ok && i < pa.size(); ++i) {
      field(what, pa[i].name, pb[i].name);
      field(what, pa[i].value, pb[i].value);
      field(what, pa[i].has_value, pb[i].has_value);
      field(what, pa[i].quoted, pb[i].quoted);
    }
  }

  void uri(const char* what, const Uri& a, const Uri& b) {
    field(what, a.kind, b.kind);
    field(what, a.scheme, b.scheme);
    field(what, a.has_user, b.has_user);
    field(what, a.user, b.user);
    field(what, a.has_password, b.has_password);
    field(what, a.password, b.password);
    field(what, a.host.text, b.host.text);
    field(what, a.host.kind, b.host.kind);
    field(what, a.has_port, b.has_port);
    field(what, a.port, b.port);
    field(what, a.params.raw(), b.params.raw());
    field(what, a.has_headers, b.has_headers);
    field(what, a.headers, b.headers);
    field(what, a.number, b.number);
    field(what, a.opaque, b.opaque);
  }

  static std::string collapse(std::string_view tokens) {
    std::string out;
    bool space = false;
    for (char c : tokens) {
      if (is(c, kLws)) {
        space = true;
        continue;
      }
      if (space && !out.empty()) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
    return out;
  }

  void name_addr(const char* what, const NameAddr& a, const NameAddr& b) {
    field(what, a.display_name_quoted, b.display_name_quoted);
    if (a.display_name_quoted)
      field(what, a.display_name, b.display_name);
    else
      field(what, collapse(a.display_name), collapse(b.display_name));
    uri(what, a.uri, b.uri);
    params(what, a.params, b.params);
  }

  void via(const Via& a, const Via& b) {
    field("Via", a.protocol_name, b.protocol_name);
    field("Via", a.protocol_version, b.protocol_version);
    field("Via", a.transport, b.transport);
    field("Via", a.host.text, b.host.text);
    field("Via", a.has_port, b.has_port);
    field("Via", a.port, b.port);
    field("Via branch", a.branch, b.branch);
    field("Via received", a.received, b.received);
    field("Via rport", a.has_rport, b.has_rport);
    field("Via rport", a.rport, b.rport);
    field("Via maddr", a.maddr, b.maddr);
    field("Via ttl", a.ttl, b.ttl);
    params("Via", a.params, b.params);
  }

  template <typename T, typename F>
  void list(const char* what, const std::string_view va, const std::string_view vb,
            bool (*parse_one)(Cursor&, T*, SyntaxError*), F&& same) {
    std::vector<T> la, lb;
    for (auto [value, out] : {std::pair{va, &la}, std::pair{vb, &lb}}) {
      Cursor c(value);
      T item;
      while (true) {
        c.skip_lws();
        if (c.done()) break;
        if (!out->empty() && !c.consume(',')) break;
        c.skip_lws();
        if (!parse_one(c, &item, nullptr)) break;
        out->push_back(item);
      }
    }
    field(what, la.size(), lb.size());
    for (std::size_t i = 0; ok && i < la.size(); ++i) same(la[i], lb[i]);
  }
};

}  // namespace

bool equivalent_messages(const Message& a, const Message& b, std::string* difference) {
  Compare c{difference};
  c.field("kind of message", a.is_request(), b.is_request());
  if (!c.ok) return false;
  if (a.is_request()) {
    c.field("method", a.request_line().method, b.request_line().method);
    c.uri("Request-URI", a.request_line().uri, b.request_line().uri);
    c.field("version", a.request_line().version, b.request_line().version);
  } else {
    c.field("status code", a.status_line().code, b.status_line().code);
    c.field("reason phrase", a.status_line().reason, b.status_line().reason);
  }
  c.field("header count", a.header_count(), b.header_count());
  for (std::size_t i = 0; c.ok && i < a.header_count(); ++i) {
    const HeaderField& ha = a.header(i);
    const HeaderField& hb = b.header(i);
    c.field("header id", ha.id, hb.id);
    if (!c.ok) break;
    switch (ha.id) {
      case HeaderId::kOther:
        c.field("unknown header name", ha.name, hb.name);
        c.field("unknown header value", ha.value, hb.value);
        break;
      case HeaderId::kVia:
        c.list<Via>("Via", ha.value, hb.value, parse_via,
                    [&](const Via& x, const Via& y) { c.via(x, y); });
        break;
      case HeaderId::kFrom:
        c.name_addr("From", a.from().addr, b.from().addr);
        c.field("From tag", a.from().tag, b.from().tag);
        break;
      case HeaderId::kTo:
        c.name_addr("To", a.to().addr, b.to().addr);
        c.field("To tag", a.to().tag, b.to().tag);
        break;
      case HeaderId::kCSeq:
        c.field("CSeq", a.cseq().number, b.cseq().number);
        c.field("CSeq method", a.cseq().method, b.cseq().method);
        break;
      case HeaderId::kMaxForwards:
        c.field("Max-Forwards", a.max_forwards(), b.max_forwards());
        break;
      case HeaderId::kContentLength:
        c.field("Content-Length", a.content_length(), b.content_length());
        break;
      case HeaderId::kContact:
        if (ha.value == "*" || hb.value == "*") {
          c.field("Contact *", ha.value, hb.value);
        } else {
          c.list<Contact>(
              "Contact", ha.value, hb.value, parse_contact,
              [&](const Contact& x, const Contact& y) { c.name_addr("Contact", x.addr, y.addr); });
        }
        break;
      case HeaderId::kRoute:
      case HeaderId::kRecordRoute:
        c.list<NameAddr>("Route", ha.value, hb.value, parse_route,
                         [&](const NameAddr& x, const NameAddr& y) { c.name_addr("Route", x, y); });
        break;
      default:
        c.field(header_name(ha.id).data(), ha.value, hb.value);
        break;
    }
  }
  c.field("body", a.body(), b.body());
  return c.ok;
}

}  // namespace trunkline::sip
