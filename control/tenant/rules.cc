#include "control/tenant/rules.h"

#include <arpa/inet.h>

#include <cstdint>

#include "dataplane/net/addr.h"

namespace trunkline::tenant::rules {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool all_digits(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

Status check_port(std::string_view digits) {
  if (digits.empty() || digits.size() > 5 || !all_digits(digits)) {
    return Error{"expected host:port with a port 1..65535"};
  }
  std::uint32_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<std::uint32_t>(c - '0');
  if (v < 1 || v > 65535) return Error{"port " + std::string(digits) + " out of range 1..65535"};
  return Status::Ok();
}

}  // namespace

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

Status check_name(std::string_view text) {
  if (text.empty() || text.size() > 64) return Error{"must be 1..64 characters"};
  if (!is_alnum(text[0])) return Error{"must start with a letter or digit"};
  for (char c : text) {
    if (!is_alnum(c) && c != '.' && c != '_' && c != '-') {
      return Error{"only letters, digits, '.', '_' and '-' are allowed"};
    }
  }
  return Status::Ok();
}

Status check_domain(std::string_view text) {
  if (text.empty() || text.size() > 253) return Error{"a domain is 1..253 characters"};
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t dot = text.find('.', start);
    std::string_view label =
        text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63) {
      return Error{"'" + std::string(text) + "' is not a domain (empty or over-long label)"};
    }
    if (label.front() == '-' || label.back() == '-') {
      return Error{"'" + std::string(text) + "' is not a domain (label starts or ends with '-')"};
    }
    for (char c : label) {
      if (!is_alnum(c) && c != '-') {
        return Error{"'" + std::string(text) + "' is not a domain (only letters, digits, '-')"};
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Status::Ok();
}

Status check_number(std::string_view text) {
  if (!text.empty() && text[0] == '+') {
    std::string_view d = text.substr(1);
    if (d.size() < 2 || d.size() > 15 || !all_digits(d) || d[0] == '0') {
      return Error{"'" + std::string(text) +
                   "' is not an E.164 number ('+' then 2..15 digits, the first not 0)"};
    }
    return Status::Ok();
  }
  if (text.empty() || text.size() > 20 || !all_digits(text)) {
    return Error{"'" + std::string(text) +
                 "' is not a number (E.164 like \"+81312345678\" or 1..20 digits)"};
  }
  return Status::Ok();
}

Status check_sip_user(std::string_view text) {
  if (text.empty() || text.size() > 64) return Error{"must be 1..64 characters"};
  for (char c : text) {
    if (!is_alnum(c) && c != '.' && c != '_' && c != '~' && c != '!' && c != '+' && c != '-') {
      return Error{"only letters, digits and . _ ~ ! + - are allowed"};
    }
  }
  return Status::Ok();
}

Status check_password(std::string_view text) {
  if (text.size() < 8 || text.size() > 20) return Error{"a password is 8..20 characters"};
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return Error{"a password is printable ASCII only"};
    switch (c) {
      case '\'':
      case '"':
      case ',':
      case ';':
      case ':':
      case '<':
      case '>':
      case '*':
      case '(':
      case ')':
        return Error{"a password must not contain any of ' \" , ; : < > * ( )"};
      default:
        break;
    }
  }
  return Status::Ok();
}

Status check_display(std::string_view text) {
  if (text.size() > 128) return Error{"at most 128 characters"};
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return Error{"control characters are not allowed"};
    if (c == '"' || c == '\\') return Error{"'\"' and '\\' are not allowed"};
  }
  return Status::Ok();
}

Status check_host_port(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (!text.empty() && text[0] == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Error{quoted + " is not [IPv6]:port"};
    }
    if (!net::Ip6::parse(text.substr(1, close - 1))) {
      return Error{quoted + " is not [IPv6]:port (bad address)"};
    }
    return check_port(text.substr(close + 2));
  }
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Error{quoted + " is not host:port (an IPv4 address or [IPv6], then the port)"};
  }
  if (!net::Ip4::parse(text.substr(0, colon))) {
    return Error{quoted + " is not host:port (the host must be an IPv4 address or [IPv6]; " +
                 "the appliance does no DNS)"};
  }
  return check_port(text.substr(colon + 1));
}

Result<std::string> canonical_source(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (text.find(':') == std::string_view::npos) {
    auto p = net::Prefix4::parse(text);
    if (!p) return Error{quoted + " is not an IPv4 address or prefix"};
    const std::uint32_t mask = p->len == 0 ? 0 : htonl(~std::uint32_t{0} << (32 - p->len));
    if ((p->addr.be & ~mask) != 0) {
      net::Ip4 base{p->addr.be & mask};
      return Error{quoted + " has host bits set (did you mean " + base.to_string() + "/" +
                   std::to_string(p->len) + "?)"};
    }
    return p->addr.to_string() + "/" + std::to_string(p->len);
  }
  auto p = net::Prefix6::parse(text);
  if (!p) return Error{quoted + " is not an IPv6 address or prefix"};
  net::Ip6 base = p->addr;
  for (int i = 0; i < 16; ++i) {
    const int bits = p->len - 8 * i;
    const std::uint8_t m = bits >= 8   ? 0xff
                           : bits <= 0 ? 0
                                       : static_cast<std::uint8_t>(0xff << (8 - bits));
    base.b[i] = static_cast<std::uint8_t>(base.b[i] & m);
  }
  if (!(base == p->addr)) {
    return Error{quoted + " has host bits set (did you mean " + base.to_string() + "/" +
                 std::to_string(p->len) + "?)"};
  }
  return p->addr.to_string() + "/" + std::to_string(p->len);
}

}  // namespace trunkline::tenant::rules
