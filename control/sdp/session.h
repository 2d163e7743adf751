// SDP session descriptions (RFC 4566) as the offer/answer code (RFC 3264)
// reads and writes them. Parsed fields are views into the text that was
// parsed, which must outlive the Session; a Session built by hand points at
// strings its builder keeps.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace trunkline::sdp {

enum class Direction : std::uint8_t { kUnspecified, kSendRecv, kSendOnly, kRecvOnly, kInactive };

std::string_view direction_name(Direction d);  // "sendrecv", ...; "" for kUnspecified

// c=<nettype> <addrtype> <connection-address>
struct Connection {
  std::string_view net_type;   // "IN"
  std::string_view addr_type;  // "IP4" or "IP6"
  std::string_view address;    // address or host name, without /ttl and /count
  int ttl = -1;                // IP4 multicast only
  int count = 1;               // number of addresses (the "/<n>" suffix)
  bool has_count = false;
  bool operator==(const Connection&) const = default;
};

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
struct Origin {
  std::string_view username;
  std::string_view session_id;
  std::string_view session_version;
  std::string_view net_type;
  std::string_view addr_type;
  std::string_view address;
  bool operator==(const Origin&) const = default;
};

struct Bandwidth {
  std::string_view type;  // "AS", "CT", "TIAS", ...
  std::uint64_t value = 0;
  bool operator==(const Bandwidth&) const = default;
};

struct Timing {
  std::uint64_t start = 0;
  std::uint64_t stop = 0;
  std::vector<std::string_view> repeats;  // r= values as written
  bool operator==(const Timing&) const = default;
};

// a=<name>[:<value>]
struct Attribute {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
  bool operator==(const Attribute&) const = default;
};

struct Media {
  std::string_view media;  // "audio", "video", ...
  std::uint16_t port = 0;
  int port_count = 1;
  bool has_port_count = false;
  std::string_view proto;  // "RTP/AVP", "RTP/SAVP", ...
  std::vector<std::string_view> formats;
  std::string_view title;  // i=
  std::vector<Connection> connections;
  std::vector<Bandwidth> bandwidths;
  std::string_view key;  // k=
  std::vector<Attribute> attributes;

  // The first attribute with that name (case-sensitive, as RFC 4566 has it).
  const Attribute* find(std::string_view name) const;
  // The direction attribute of this m-line, kUnspecified when it has none.
  Direction direction() const;
  bool operator==(const Media&) const = default;
};

struct Session {
  int version = 0;
  Origin origin;
  std::string_view name;  // s=
  std::string_view info;  // i=
  std::string_view uri;   // u=
  std::vector<std::string_view> emails;
  std::vector<std::string_view> phones;
  Connection connection;
  bool has_connection = false;
  std::vector<Bandwidth> bandwidths;
  std::vector<Timing> timings;
  std::string_view zone;  // z=
  std::string_view key;   // k=
  std::vector<Attribute> attributes;
  std::vector<Media> media;

  const Attribute* find(std::string_view attribute) const;
  Direction direction() const;  // session-level attribute, kUnspecified when none
  // The m-line's own c= if it has one, else the session's (nullptr: none).
  const Connection* connection_for(const Media& m) const;
  // The m-line's direction, else the session's, else sendrecv (RFC 3264 5.1).
  Direction direction_for(const Media& m) const;
  bool operator==(const Session&) const = default;
};

}  // namespace trunkline::sdp
