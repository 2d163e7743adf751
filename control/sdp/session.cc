#include "control/sdp/session.h"

namespace trunkline::sdp {
namespace {

const Attribute* find_in(const std::vector<Attribute>& attrs, std::string_view name) {
  for (const Attribute& a : attrs)
    if (a.name == name) return &a;
  return nullptr;
}

Direction direction_in(const std::vector<Attribute>& attrs) {
  Direction d = Direction::kUnspecified;
  for (const Attribute& a : attrs) {
    if (a.name == "sendrecv") d = Direction::kSendRecv;
    if (a.name == "sendonly") d = Direction::kSendOnly;
    if (a.name == "recvonly") d = Direction::kRecvOnly;
    if (a.name == "inactive") d = Direction::kInactive;
  }
  return d;
}

}  // namespace

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::kSendRecv:
      return "sendrecv";
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
    case Direction::kUnspecified:
      break;
  }
  return {};
}

const Attribute* Media::find(std::string_view name) const { return find_in(attributes, name); }
Direction Media::direction() const { return direction_in(attributes); }

const Attribute* Session::find(std::string_view attribute) const {
  return find_in(attributes, attribute);
}
Direction Session::direction() const { return direction_in(attributes); }

const Connection* Session::connection_for(const Media& m) const {
  if (!m.connections.empty()) return &m.connections.front();
  return has_connection ? &connection : nullptr;
}

Direction Session::direction_for(const Media& m) const {
  Direction d = m.direction();
  if (d == Direction::kUnspecified) d = direction();
  return d == Direction::kUnspecified ? Direction::kSendRecv : d;
}

}  // namespace trunkline::sdp
