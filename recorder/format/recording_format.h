// The recording container (docs/recording-format.md is the specification):
//
//   header | record 0 (metadata) | record 1..n (audio segments) | trailer record
//
// The header is plaintext (it names the tenant and recording and carries the
// wrapped data key). Every record is zstd-compressed, then sealed with
// AES-256-GCM under the recording's data key; its additional authenticated
// data covers the SHA-256 of the header, the record's own framing (kind,
// last-record flag, index, sizes), the tenant ID and the recording ID.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/aes_gcm.h"
#include "recorder/crypto/key_provider.h"
#include "recorder/crypto/sha256.h"
#include "recorder/format/recording_id.h"

namespace trunkline::recorder {

inline constexpr std::array<std::uint8_t, 8> kRecordingMagic = {'T', 'L', 'R',  'E',
                                                                'C', 0,   '\r', '\n'};
inline constexpr std::uint16_t kFormatVersion = 1;
inline constexpr std::uint8_t kKeySchemeGcmWrapped =
    1;  // data key AES-256-GCM-wrapped by tenant KEK
inline constexpr std::uint8_t kSampleFormatS16Le = 1;
inline constexpr std::uint32_t kSampleRate = 8000;
inline constexpr std::uint8_t kChannels = 2;  // left: caller, right: agent

// Bytes of the header before the variable part; byte 10..11 holds the total.
inline constexpr std::size_t kHeaderFixedSize = 54;
inline constexpr std::size_t kMaxHeaderSize = kHeaderFixedSize + kMaxTenantIdLength + 256;

inline constexpr std::size_t kFileSuffixLength = 6;
inline constexpr const char* kRecordingSuffix = ".tlrec";   // finished recording
inline constexpr const char* kSpoolSuffix = ".tlrec.part";  // being written

struct RecordingHeader {
  std::int64_t created_us = 0;
  RecordingId recording_id{};
  std::string tenant_id;
  WrappedDataKey wrapped_key;
};

std::vector<std::uint8_t> encode_header(const RecordingHeader& header);
// Parses exactly one header; `bytes` must be the whole header.
Result<RecordingHeader> parse_header(std::span<const std::uint8_t> bytes);
// From the first kHeaderFixedSize bytes: the header's total size, or an error
// if they are not the start of a recording.
Result<std::size_t> header_size_from_prefix(std::span<const std::uint8_t> prefix);

enum class RecordKind : std::uint8_t { kMetadata = 1, kAudio = 2, kTrailer = 3 };
const char* record_kind_name(RecordKind kind);

inline constexpr std::array<std::uint8_t, 4> kRecordMagic = {'T', 'L', 'S', 'G'};
inline constexpr std::uint8_t kRecordFlagLast = 0x01;
inline constexpr std::size_t kRecordHeaderSize = 32;      // magic .. nonce
inline constexpr std::size_t kRecordAadFramingSize = 20;  // magic .. body size
inline constexpr std::size_t kRecordOverhead = kRecordHeaderSize + kGcmTagSize;
// Largest decompressed record accepted (a segment is ~32 KiB per second of audio).
inline constexpr std::uint32_t kMaxRecordPlainSize = 16u << 20;

struct RecordHeader {
  RecordKind kind = RecordKind::kAudio;
  bool last = false;
  std::uint32_t index = 0;
  std::uint32_t plain_size = 0;  // after decompression
  std::uint32_t body_size = 0;   // compressed = encrypted size
  GcmNonce nonce{};
};

void encode_record_header(const RecordHeader& header, std::uint8_t* out);
Result<RecordHeader> parse_record_header(const std::uint8_t* bytes);

// The additional authenticated data of one record:
//   "trunkline-rec-v1" | SHA-256(header) | record framing (20 bytes)
//   | u8 tenant length | tenant ID | recording ID (16 bytes)
class RecordAad {
 public:
  RecordAad(const Sha256Digest& header_digest, const std::uint8_t* record_header_bytes,
            std::string_view tenant_id, const RecordingId& recording_id);
  std::span<const std::uint8_t> bytes() const { return {bytes_.data(), size_}; }

 private:
  std::array<std::uint8_t, 16 + 32 + kRecordAadFramingSize + 1 + kMaxTenantIdLength + 16> bytes_;
  std::size_t size_;
};

}  // namespace trunkline::recorder
