#include "recorder/format/recording_format.h"

#include <algorithm>
#include <cstring>

#include "recorder/format/byte_order.h"

namespace trunkline::recorder {

std::vector<std::uint8_t> encode_header(const RecordingHeader& h) {
  std::vector<std::uint8_t> out;
  out.reserve(kHeaderFixedSize + h.tenant_id.size() + h.wrapped_key.blob.size());
  put_bytes(out, kRecordingMagic);
  put_u16(out, kFormatVersion);
  put_u16(out, static_cast<std::uint16_t>(kHeaderFixedSize + h.tenant_id.size() +
                                          h.wrapped_key.blob.size()));
  put_u32(out, 0);  // flags
  put_u64(out, static_cast<std::uint64_t>(h.created_us));
  put_bytes(out, h.recording_id);
  put_u32(out, kSampleRate);
  put_u8(out, kChannels);
  put_u8(out, kSampleFormatS16Le);
  put_u8(out, static_cast<std::uint8_t>(h.tenant_id.size()));
  put_u8(out, kKeySchemeGcmWrapped);
  put_u32(out, h.wrapped_key.kek_version);
  put_u16(out, static_cast<std::uint16_t>(h.wrapped_key.blob.size()));
  put_string(out, h.tenant_id);
  put_bytes(out, h.wrapped_key.blob);
  return out;
}

Result<std::size_t> header_size_from_prefix(std::span<const std::uint8_t> prefix) {
  if (prefix.size() < kHeaderFixedSize) return Error{"file is shorter than a recording header"};
  if (!std::equal(kRecordingMagic.begin(), kRecordingMagic.end(), prefix.begin()))
    return Error{"not a Trunkline recording (bad magic)"};
  const std::uint16_t version = get_u16(prefix.data() + 8);
  if (version != kFormatVersion)
    return Error{"unsupported recording format version " + std::to_string(version)};
  const std::size_t size = get_u16(prefix.data() + 10);
  if (size < kHeaderFixedSize || size > kMaxHeaderSize)
    return Error{"header size " + std::to_string(size) + " is out of range"};
  return size;
}

Result<RecordingHeader> parse_header(std::span<const std::uint8_t> bytes) {
  auto size = header_size_from_prefix(bytes);
  if (!size) return size.error();
  if (*size != bytes.size()) return Error{"header size does not match its contents"};
  ByteReader r(bytes.subspan(12));
  RecordingHeader h;
  if (r.le<std::uint32_t>() != 0) return Error{"header has unknown flags set"};
  h.created_us = static_cast<std::int64_t>(r.le<std::uint64_t>());
  auto id = r.bytes(16);
  if (r.ok()) std::copy(id.begin(), id.end(), h.recording_id.begin());
  const std::uint32_t rate = r.le<std::uint32_t>();
  const std::uint8_t channels = r.le<std::uint8_t>();
  const std::uint8_t format = r.le<std::uint8_t>();
  const std::uint8_t tenant_len = r.le<std::uint8_t>();
  const std::uint8_t scheme = r.le<std::uint8_t>();
  h.wrapped_key.kek_version = r.le<std::uint32_t>();
  const std::uint16_t wrapped_len = r.le<std::uint16_t>();
  h.tenant_id = std::string(r.text(tenant_len));
  auto wrapped = r.bytes(wrapped_len);
  h.wrapped_key.blob.assign(wrapped.begin(), wrapped.end());
  if (!r.ok() || r.remaining() != 0) return Error{"header fields do not add up to its size"};
  if (rate != kSampleRate || channels != kChannels || format != kSampleFormatS16Le)
    return Error{"unsupported audio layout in header (expected 8000 Hz, 2 channels, s16le)"};
  if (scheme != kKeySchemeGcmWrapped)
    return Error{"unsupported key scheme " + std::to_string(scheme)};
  if (Status v = validate_tenant_id(h.tenant_id); !v) return Error{"header: " + v.error().message};
  return h;
}

const char* record_kind_name(RecordKind kind) {
  switch (kind) {
    case RecordKind::kMetadata:
      return "metadata";
    case RecordKind::kAudio:
      return "audio";
    case RecordKind::kTrailer:
      return "trailer";
  }
  return "unknown";
}

void encode_record_header(const RecordHeader& h, std::uint8_t* out) {
  std::uint8_t* p = std::copy(kRecordMagic.begin(), kRecordMagic.end(), out);
  *p++ = static_cast<std::uint8_t>(h.kind);
  *p++ = h.last ? kRecordFlagLast : 0;
  p = store_le<std::uint16_t>(p, 0);
  p = store_le(p, h.index);
  p = store_le(p, h.plain_size);
  p = store_le(p, h.body_size);
  std::copy(h.nonce.begin(), h.nonce.end(), p);
}

Result<RecordHeader> parse_record_header(const std::uint8_t* p) {
  if (!std::equal(kRecordMagic.begin(), kRecordMagic.end(), p)) return Error{"bad record magic"};
  RecordHeader h;
  const std::uint8_t kind = p[4];
  if (kind < 1 || kind > 3) return Error{"unknown record kind " + std::to_string(kind)};
  h.kind = static_cast<RecordKind>(kind);
  const std::uint8_t flags = p[5];
  if ((flags & ~kRecordFlagLast) != 0 || get_u16(p + 6) != 0)
    return Error{"record has unknown flags set"};
  h.last = (flags & kRecordFlagLast) != 0;
  h.index = get_u32(p + 8);
  h.plain_size = get_u32(p + 12);
  h.body_size = get_u32(p + 16);
  std::memcpy(h.nonce.data(), p + 20, kGcmNonceSize);
  if (h.plain_size > kMaxRecordPlainSize) return Error{"record is larger than allowed"};
  // zstd never expands by more than a small bound; anything larger is not ours.
  if (h.body_size > h.plain_size + (h.plain_size >> 7) + 1024)
    return Error{"record body size is implausible for its plain size"};
  return h;
}

RecordAad::RecordAad(const Sha256Digest& header_digest, const std::uint8_t* record_header_bytes,
                     std::string_view tenant_id, const RecordingId& recording_id) {
  static constexpr std::string_view kLabel = "trunkline-rec-v1";
  const std::size_t tenant_len = std::min(tenant_id.size(), kMaxTenantIdLength);
  std::uint8_t* p = std::copy(kLabel.begin(), kLabel.end(), bytes_.data());
  p = std::copy(header_digest.begin(), header_digest.end(), p);
  p = std::copy(record_header_bytes, record_header_bytes + kRecordAadFramingSize, p);
  *p++ = static_cast<std::uint8_t>(tenant_len);
  p = std::copy(tenant_id.begin(), tenant_id.begin() + static_cast<long>(tenant_len), p);
  p = std::copy(recording_id.begin(), recording_id.end(), p);
  size_ = static_cast<std::size_t>(p - bytes_.data());
}

}  // namespace trunkline::recorder
