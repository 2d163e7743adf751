#include "control/b2bua/dialog.h"

#include <algorithm>

#include "control/sip/message_writer.h"

namespace trunkline::b2bua {

namespace {

std::string_view trim_brackets(std::string_view v) {
  if (v.size() >= 2 && v.front() == '<' && v.back() == '>') return v.substr(1, v.size() - 2);
  return v;
}

// Every Record-Route element of `msg`, in order, as written.
Result<std::vector<std::string>> record_routes(const sip::Message& msg) {
  std::vector<std::string> out;
  sip::ListReader<sip::NameAddr> rr(msg, sip::HeaderId::kRecordRoute, sip::parse_route);
  sip::NameAddr a;
  while (rr.next(&a)) out.emplace_back(a.text);
  if (!rr.error().ok()) return Error{"Record-Route: " + rr.error().describe()};
  return out;
}

// The URI of the first Contact, or an error naming what is wrong.
Result<std::string> first_contact(const sip::Message& msg) {
  sip::ListReader<sip::Contact> contacts(msg, sip::HeaderId::kContact, sip::parse_contact);
  sip::Contact c;
  if (!contacts.next(&c)) {
    if (!contacts.error().ok()) return Error{"Contact: " + contacts.error().describe()};
    return Error{"no Contact"};
  }
  return std::string(c.addr.uri.text);
}

// A From or To value without its tag parameter: the dialog adds the tags.
std::string without_tag(const sip::FromTo& ft) {
  std::string text(ft.addr.text);
  if (!ft.has_tag) return text;
  const std::size_t tag_end =
      static_cast<std::size_t>(ft.tag.data() + ft.tag.size() - ft.addr.text.data());
  const std::size_t semi =
      text.rfind(';', static_cast<std::size_t>(ft.tag.data() - ft.addr.text.data()));
  if (semi == std::string::npos || tag_end > text.size()) return text;
  text.erase(semi, tag_end - semi);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
  return text;
}

}  // namespace

Result<sip::Peer> peer_of_uri(std::string_view uri_text, const sip::Peer& via) {
  sip::Uri uri;
  sip::SyntaxError err;
  if (!sip::parse_uri(trim_brackets(uri_text), &uri, &err))
    return Error{"URI '" + std::string(uri_text) + "' does not parse"};
  if (!uri.is_sip()) return Error{"URI '" + std::string(uri_text) + "' is not a SIP URI"};
  sip::Peer p = via;
  const std::string_view host = uri.host.address();
  if (auto v4 = net::Ip4::parse(host)) {
    p.ip = net::IpKey::of(*v4);
  } else if (auto v6 = net::Ip6::parse(host)) {
    p.ip = net::IpKey::of(*v6);
  } else {
    return Error{"URI host '" + std::string(host) + "' is not an IP address"};
  }
  if (p.ip.is_v4() != via.local.is_v4())
    return Error{"URI host '" + std::string(host) + "' is not of the leg's address family"};
  p.port = uri.has_port ? uri.port : 5060;
  return p;
}

std::string via_value(const sip::Peer& local_side, std::string_view branch) {
  const std::string ip = local_side.local.to_string();
  std::string v = "SIP/2.0/";
  v += sip::via_transport(local_side.transport);
  v += ' ';
  v += local_side.local.is_v4() ? ip : "[" + ip + "]";
  v += ":" + std::to_string(local_side.local_port) + ";branch=";
  v += branch;
  v += ";rport";
  return v;
}

Result<Dialog> Dialog::from_request(const sip::Message& invite, const sip::Peer& from,
                                    std::string local_tag, std::string contact) {
  Dialog d;
  d.call_id = std::string(invite.call_id());
  d.local_tag = std::move(local_tag);
  d.remote_tag = std::string(invite.from().tag);
  d.local_uri = without_tag(invite.to());
  d.remote_uri = without_tag(invite.from());
  auto target = first_contact(invite);
  if (!target) return target.error();
  d.remote_target = std::move(*target);
  auto rr = record_routes(invite);
  if (!rr) return rr.error();
  d.route_set = std::move(*rr);  // UAS: in the order received
  d.remote_cseq = invite.cseq().number;
  d.peer = from;
  d.contact = std::move(contact);
  return d;
}

Result<Dialog> Dialog::from_response(const sip::Message& response, const Dialog& ours,
                                     const sip::Peer& sent_to) {
  if (!response.to().has_tag) return Error{"response has no To tag"};
  Dialog d = ours;
  d.remote_tag = std::string(response.to().tag);
  auto target = first_contact(response);
  if (!target) return target.error();
  d.remote_target = std::move(*target);
  auto rr = record_routes(response);
  if (!rr) return rr.error();
  d.route_set = std::move(*rr);
  std::reverse(d.route_set.begin(), d.route_set.end());  // UAC: reversed (§12.1.2)
  d.peer = sent_to;
  return d;
}

void Dialog::refresh_target(const sip::Message& msg) {
  if (auto target = first_contact(msg)) remote_target = std::move(*target);
}

bool Dialog::accept_remote_cseq(std::uint32_t cseq) {
  if (remote_cseq != 0 && cseq < remote_cseq) return false;
  remote_cseq = cseq;
  return true;
}

std::string Dialog::request(std::string_view method, std::string_view branch,
                            std::string_view extra, std::string_view content_type,
                            std::string_view body, std::uint32_t cseq) {
  if (cseq == 0) cseq = ++local_cseq;
  std::string out;
  sip::MessageWriter w(&out);
  w.request_line(method, remote_target);
  w.header(sip::HeaderId::kVia, via_value(peer, branch));
  w.header(sip::HeaderId::kMaxForwards, std::uint64_t{70});
  for (const std::string& r : route_set) w.header(sip::HeaderId::kRoute, r);
  w.header(sip::HeaderId::kFrom, local_uri + ";tag=" + local_tag);
  w.header(sip::HeaderId::kTo, remote_tag.empty() ? remote_uri : remote_uri + ";tag=" + remote_tag);
  w.header(sip::HeaderId::kCallId, call_id);
  w.cseq(cseq, method);
  if (method == "INVITE" || method == "UPDATE") w.header(sip::HeaderId::kContact, contact);
  if (!extra.empty()) out.append(extra);
  w.finish(content_type, body);
  return out;
}

}  // namespace trunkline::b2bua
