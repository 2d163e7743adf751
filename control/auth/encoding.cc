#include "control/auth/encoding.h"

#include <array>

namespace trunkline::auth {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Packs `bits` bits per character, most significant first (RFC 4648's bit
// order for both base32 and base64).
std::string encode(std::span<const std::uint8_t> data, std::string_view alphabet, int bits) {
  std::string out;
  out.reserve((data.size() * 8 + bits - 1) / bits);
  std::uint32_t acc = 0;
  int have = 0;
  const std::uint32_t mask = (1u << bits) - 1;
  for (std::uint8_t byte : data) {
    acc = (acc << 8) | byte;
    have += 8;
    while (have >= bits) {
      have -= bits;
      out.push_back(alphabet[(acc >> have) & mask]);
    }
  }
  if (have > 0) out.push_back(alphabet[(acc << (bits - have)) & mask]);
  return out;
}

Result<std::vector<std::uint8_t>> decode(std::string_view text, std::string_view alphabet, int bits,
                                         const char* name) {
  std::array<int, 256> value{};
  value.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i)
    value[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);

  std::vector<std::uint8_t> out;
  out.reserve(text.size() * bits / 8);
  std::uint32_t acc = 0;
  int have = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int v = value[static_cast<unsigned char>(text[i])];
    if (v < 0)
      return Error{std::string(name) + ": invalid character at offset " + std::to_string(i)};
    acc = (acc << bits) | static_cast<std::uint32_t>(v);
    have += bits;
    if (have >= 8) {
      have -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> have));
    }
    acc &= (1u << have) - 1;
  }
  // Leftover bits are padding: a whole character of them means the length
  // is impossible, and they must be zero.
  if (have >= bits)
    return Error{std::string(name) + ": impossible length " + std::to_string(text.size())};
  if (acc != 0) return Error{std::string(name) + ": non-zero trailing bits"};
  return out;
}

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> data) { return encode(data, kBase32, 5); }
Result<std::vector<std::uint8_t>> base32_decode(std::string_view text) {
  return decode(text, kBase32, 5, "base32");
}

std::string base64_encode(std::span<const std::uint8_t> data) { return encode(data, kBase64, 6); }
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
  return decode(text, kBase64, 6, "base64");
}

std::string base64url_encode(std::span<const std::uint8_t> data) {
  return encode(data, kBase64Url, 6);
}
Result<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
  return decode(text, kBase64Url, 6, "base64url");
}

}  // namespace trunkline::auth
