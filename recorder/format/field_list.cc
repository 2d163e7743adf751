#include "recorder/format/field_list.h"

#include <charconv>

#include "recorder/format/byte_order.h"

namespace trunkline::recorder {

void FieldList::set(std::string_view key, std::string_view value) {
  for (auto& [k, v] : fields_) {
    if (k == key) {
      v = std::string(value);
      return;
    }
  }
  fields_.emplace_back(std::string(key), std::string(value));
}

std::optional<std::string_view> FieldList::get(std::string_view key) const {
  for (const auto& [k, v] : fields_)
    if (k == key) return std::string_view(v);
  return std::nullopt;
}

std::optional<std::int64_t> FieldList::get_int(std::string_view key) const {
  auto text = get(key);
  if (!text) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return v;
}

std::vector<std::uint8_t> FieldList::encode() const {
  std::vector<std::uint8_t> out;
  put_u16(out, static_cast<std::uint16_t>(fields_.size()));
  for (const auto& [k, v] : fields_) {
    put_u8(out, static_cast<std::uint8_t>(k.size()));
    put_string(out, k);
    put_u32(out, static_cast<std::uint32_t>(v.size()));
    put_string(out, v);
  }
  return out;
}

Result<FieldList> FieldList::decode(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  FieldList list;
  const std::uint16_t count = r.le<std::uint16_t>();
  for (std::uint16_t i = 0; i < count && r.ok(); ++i) {
    const std::uint8_t key_len = r.le<std::uint8_t>();
    std::string_view key = r.text(key_len);
    const std::uint32_t value_len = r.le<std::uint32_t>();
    if (value_len > r.remaining()) return Error{"field value runs past the record"};
    std::string_view value = r.text(value_len);
    if (r.ok()) list.fields_.emplace_back(std::string(key), std::string(value));
  }
  if (!r.ok()) return Error{"field list is truncated"};
  if (r.remaining() != 0) return Error{"field list has trailing bytes"};
  return list;
}

}  // namespace trunkline::recorder
