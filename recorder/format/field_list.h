// An ordered list of named text fields: the plaintext of the metadata and
// trailer records. Encoded as u16 count, then per field u8 key length, key,
// u32 value length, value (all little-endian).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace trunkline::recorder {

class FieldList {
 public:
  void set(std::string_view key, std::string_view value);
  void set(std::string_view key, std::int64_t value) { set(key, std::to_string(value)); }
  void set_u64(std::string_view key, std::uint64_t value) { set(key, std::to_string(value)); }

  std::optional<std::string_view> get(std::string_view key) const;
  std::optional<std::int64_t> get_int(std::string_view key) const;

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

  std::vector<std::uint8_t> encode() const;
  static Result<FieldList> decode(std::span<const std::uint8_t> bytes);

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace trunkline::recorder
