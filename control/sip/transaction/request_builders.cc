#include "control/sip/transaction/request_builders.h"

#include "control/sip/message_writer.h"

namespace trunkline::sip {

namespace {

// The parts both requests copy from the INVITE.
void copy_routing(const Message& invite, std::string_view method, MessageWriter& w) {
  w.request_line(method, invite.request_line().uri.text);
  w.via(invite.top_via());
  for (const HeaderField* r = invite.find(HeaderId::kRoute); r != nullptr;
       r = invite.find_next(r)) {
    w.header(HeaderId::kRoute, r->value);
  }
  w.address(HeaderId::kFrom, invite.from().addr);
}

}  // namespace

std::string build_ack_for_non_2xx(std::string_view invite_bytes, const Message& response) {
  Message invite;
  std::string out;
  if (!parse_message(invite_bytes, &invite).ok()) return out;  // we wrote it: cannot happen
  MessageWriter w(&out);
  copy_routing(invite, "ACK", w);
  const HeaderField* to = response.find(HeaderId::kTo);
  w.header(HeaderId::kTo, to != nullptr ? to->value : std::string_view());
  w.header(HeaderId::kCallId, invite.call_id());
  w.cseq(invite.cseq().number, "ACK");
  w.header(HeaderId::kMaxForwards, std::uint64_t{70});
  w.finish();
  return out;
}

Result<std::string> build_cancel(std::string_view invite_bytes) {
  Message invite;
  if (ParseError e = parse_message(invite_bytes, &invite); !e.ok()) {
    return Error{"INVITE does not parse: " + e.describe()};
  }
  std::string out;
  MessageWriter w(&out);
  copy_routing(invite, "CANCEL", w);
  w.address(HeaderId::kTo, invite.to().addr);
  w.header(HeaderId::kCallId, invite.call_id());
  w.cseq(invite.cseq().number, "CANCEL");
  w.header(HeaderId::kMaxForwards, std::uint64_t{70});
  w.finish();
  return out;
}

}  // namespace trunkline::sip
