// Seals the records of one recording: compress, encrypt and authenticate each
// with the recording's data key, numbering them in order.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/key_provider.h"
#include "recorder/crypto/secret_key.h"
#include "recorder/crypto/sha256.h"
#include "recorder/format/record_codec.h"
#include "recorder/format/recording_format.h"

namespace trunkline::recorder {

class RecordSealer {
 public:
  // A new recording: draws its data key, has the provider wrap it, and
  // returns the sealer; header_bytes() is what starts the file.
  static Result<RecordSealer> create(std::string_view tenant_id, const RecordingId& recording_id,
                                     std::int64_t created_us, KeyProvider& keys);

  // Continues an existing recording (crash recovery): `header_bytes` as read
  // from the file, `data_key` unwrapped from it, `next_index` the first index
  // not yet in the file.
  static RecordSealer resume(std::span<const std::uint8_t> header_bytes,
                             const RecordingHeader& header, const SecretKey& data_key,
                             std::uint32_t next_index);

  // Appends the sealed record to `out`.
  Status seal(RecordKind kind, bool last, std::span<const std::uint8_t> plaintext,
              RecordCodec& codec, std::vector<std::uint8_t>& out);

  const std::vector<std::uint8_t>& header_bytes() const { return header_bytes_; }
  const RecordingHeader& header() const { return header_; }
  std::uint32_t next_index() const { return next_index_; }

 private:
  RecordSealer(std::vector<std::uint8_t> header_bytes, RecordingHeader header,
               const SecretKey& data_key, std::uint32_t next_index);

  std::vector<std::uint8_t> header_bytes_;
  RecordingHeader header_;
  Sha256Digest header_digest_;
  SecretKey data_key_;
  std::uint32_t next_index_;
  std::array<std::uint8_t, 8> nonce_salt_{};
  bool salt_failed_ = false;
};

}  // namespace trunkline::recorder
