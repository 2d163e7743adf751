// Little-endian integers in byte buffers: the recording format and the key
// files are little-endian whatever the host.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace trunkline::recorder {

inline void put_u8(std::vector<std::uint8_t>& out, std::uint8_t v) { out.push_back(v); }

template <typename T>
inline void put_le(std::vector<std::uint8_t>& out, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i)));
}
inline void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) { put_le(out, v); }
inline void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) { put_le(out, v); }
inline void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) { put_le(out, v); }
inline void put_bytes(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
inline void put_string(std::vector<std::uint8_t>& out, std::string_view s) {
  out.insert(out.end(), s.begin(), s.end());
}

// Writes `v` at p[0 .. sizeof(T)) and returns the position after it.
template <typename T>
inline std::uint8_t* store_le(std::uint8_t* p, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i)
    p[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i));
  return p + sizeof(T);
}

template <typename T>
inline T get_le(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return static_cast<T>(v);
}
inline std::uint16_t get_u16(const std::uint8_t* p) { return get_le<std::uint16_t>(p); }
inline std::uint32_t get_u32(const std::uint8_t* p) { return get_le<std::uint32_t>(p); }
inline std::uint64_t get_u64(const std::uint8_t* p) { return get_le<std::uint64_t>(p); }

// Reads fields front to back, remembering whether any read ran past the end.
class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  template <typename T>
  T le() {
    if (!need(sizeof(T))) return T{};
    T v = get_le<T>(bytes_.data() + pos_);
    pos_ += sizeof(T);
    return v;
  }
  std::span<const std::uint8_t> bytes(std::size_t n) {
    if (!need(n)) return {};
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view text(std::size_t n) {
    auto s = bytes(n);
    return {reinterpret_cast<const char*>(s.data()), s.size()};
  }

  bool ok() const { return ok_; }
  std::size_t position() const { return pos_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }

 private:
  bool need(std::size_t n) {
    if (!ok_ || bytes_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace trunkline::recorder
