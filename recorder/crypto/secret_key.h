// A 256-bit secret key that wipes itself when it goes away.
#pragma once

#include <openssl/crypto.h>

#include <array>
#include <cstdint>
#include <span>

namespace trunkline::recorder {

class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;

  SecretKey() { bytes_.fill(0); }
  explicit SecretKey(std::span<const std::uint8_t, kSize> bytes) {
    std::copy(bytes.begin(), bytes.end(), bytes_.begin());
  }
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

  // A fresh key from the OpenSSL CSPRNG; false if the generator failed.
  bool randomize();

  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint8_t* data() { return bytes_.data(); }
  std::span<const std::uint8_t, kSize> bytes() const { return bytes_; }

 private:
  std::array<std::uint8_t, kSize> bytes_;
};

}  // namespace trunkline::recorder
