#include "recorder/crypto/key_wrap.h"

#include <algorithm>

namespace trunkline::recorder {

Result<std::vector<std::uint8_t>> wrap_key(AesGcm& gcm, const SecretKey& wrapping_key,
                                           const SecretKey& key,
                                           std::span<const std::uint8_t> context) {
  GcmNonce nonce;
  if (!random_nonce(nonce)) return Error{"random generator failed"};
  std::vector<std::uint8_t> out(kWrappedKeySize);
  std::copy(nonce.begin(), nonce.end(), out.begin());
  GcmTag tag;
  Status st = gcm.seal(wrapping_key, nonce, context, key.bytes(), out.data() + kGcmNonceSize, tag);
  if (!st) return st.error();
  std::copy(tag.begin(), tag.end(), out.begin() + kGcmNonceSize + SecretKey::kSize);
  return out;
}

Result<SecretKey> unwrap_key(AesGcm& gcm, const SecretKey& wrapping_key,
                             std::span<const std::uint8_t> wrapped,
                             std::span<const std::uint8_t> context) {
  if (wrapped.size() != kWrappedKeySize) return Error{"wrapped key has the wrong size"};
  GcmNonce nonce;
  GcmTag tag;
  std::copy_n(wrapped.begin(), kGcmNonceSize, nonce.begin());
  std::copy_n(wrapped.begin() + kGcmNonceSize + SecretKey::kSize, kGcmTagSize, tag.begin());
  SecretKey key;
  Status st = gcm.open(wrapping_key, nonce, context,
                       wrapped.subspan(kGcmNonceSize, SecretKey::kSize), tag, key.data());
  if (!st) return st.error();
  return key;
}

}  // namespace trunkline::recorder
