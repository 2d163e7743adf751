// The media attributes the appliance acts on: rtpmap, fmtp, ptime and
// maxptime, rtcp (RFC 3605), and the telephone-event payload (RFC 4733).
// a=crypto lives in crypto.h. Each parser takes the attribute's value (the
// text after "name:") and fails with a static description.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "control/sdp/session.h"

namespace trunkline::sdp {

// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<channels>]
struct RtpMap {
  int payload_type = 0;
  std::string_view encoding;  // "PCMU", "telephone-event", ...
  std::uint32_t clock_rate = 0;
  int channels = 1;
  bool has_channels = false;
  bool operator==(const RtpMap&) const = default;
};
bool parse_rtpmap(std::string_view value, RtpMap* out, const char** error);
std::string format_rtpmap(const RtpMap& map);

// a=fmtp:<format> <format specific parameters>
struct Fmtp {
  std::string_view format;
  std::string_view parameters;
};
bool parse_fmtp(std::string_view value, Fmtp* out, const char** error);

// a=ptime / a=maxptime: milliseconds, a decimal fraction allowed.
bool parse_packet_time(std::string_view value, double* ms, const char** error);

// a=rtcp:<port> [<nettype> <addrtype> <connection-address>]
struct Rtcp {
  std::uint16_t port = 0;
  std::optional<Connection> address;
};
bool parse_rtcp(std::string_view value, Rtcp* out, const char** error);

// c= / rtcp address: nettype addrtype address[/ttl][/count]
bool parse_connection(std::string_view value, Connection* out, const char** error);

// The rtpmap of a payload type on this m-line.
bool find_rtpmap(const Media& m, int payload_type, RtpMap* out);
// The fmtp parameters of a format on this m-line.
bool find_fmtp(const Media& m, std::string_view format, Fmtp* out);
// Packet time of the m-line (a=ptime), if it has one.
std::optional<double> ptime(const Media& m);

// The payload type carrying telephone-event at `clock_rate` (RFC 4733),
// if the m-line offers it.
std::optional<int> telephone_event_payload(const Media& m, std::uint32_t clock_rate = 8000);
// Events of a telephone-event fmtp ("0-15,66,70"); no fmtp means 0-15.
bool parse_event_list(std::string_view list, std::bitset<256>* events, const char** error);

}  // namespace trunkline::sdp
