#include "recorder/format/record_sealer.h"

#include <algorithm>
#include <cstring>

#include "recorder/format/byte_order.h"

namespace trunkline::recorder {

Result<RecordSealer> RecordSealer::create(std::string_view tenant_id,
                                          const RecordingId& recording_id, std::int64_t created_us,
                                          KeyProvider& keys) {
  if (Status v = validate_tenant_id(tenant_id); !v) return v.error();
  SecretKey data_key;
  if (!data_key.randomize()) return Error{"random generator failed"};
  auto wrapped = keys.wrap_data_key(tenant_id, recording_id, data_key);
  if (!wrapped) return wrapped.error();
  RecordingHeader header;
  header.created_us = created_us;
  header.recording_id = recording_id;
  header.tenant_id = std::string(tenant_id);
  header.wrapped_key = std::move(*wrapped);
  std::vector<std::uint8_t> bytes = encode_header(header);
  return RecordSealer(std::move(bytes), std::move(header), data_key, 0);
}

RecordSealer RecordSealer::resume(std::span<const std::uint8_t> header_bytes,
                                  const RecordingHeader& header, const SecretKey& data_key,
                                  std::uint32_t next_index) {
  return RecordSealer(std::vector<std::uint8_t>(header_bytes.begin(), header_bytes.end()), header,
                      data_key, next_index);
}

RecordSealer::RecordSealer(std::vector<std::uint8_t> header_bytes, RecordingHeader header,
                           const SecretKey& data_key, std::uint32_t next_index)
    : header_bytes_(std::move(header_bytes)),
      header_(std::move(header)),
      header_digest_(Sha256::of(header_bytes_)),
      data_key_(data_key),
      next_index_(next_index) {
  if (!random_bytes(nonce_salt_)) salt_failed_ = true;
}

Status RecordSealer::seal(RecordKind kind, bool last, std::span<const std::uint8_t> plaintext,
                          RecordCodec& codec, std::vector<std::uint8_t>& out) {
  if (plaintext.size() > kMaxRecordPlainSize) return Error{"record too large to seal"};
  if (salt_failed_) return Error{"random generator failed"};
  auto compressed_size = codec.compress(plaintext);
  if (!compressed_size) return compressed_size.error();

  RecordHeader rh;
  rh.kind = kind;
  rh.last = last;
  rh.index = next_index_;
  rh.plain_size = static_cast<std::uint32_t>(plaintext.size());
  rh.body_size = static_cast<std::uint32_t>(*compressed_size);
  // Nonce: this writer's random salt, then the record index. Indexes never
  // repeat within one writer; a writer that continues a file after a crash
  // draws a new salt, so a torn record's index reused by recovery still gets
  // a fresh nonce.
  std::copy(nonce_salt_.begin(), nonce_salt_.end(), rh.nonce.begin());
  store_le(rh.nonce.data() + nonce_salt_.size(), rh.index);

  const std::size_t start = out.size();
  out.resize(start + kRecordOverhead + rh.body_size);
  std::uint8_t* record = out.data() + start;
  encode_record_header(rh, record);
  const RecordAad aad(header_digest_, record, header_.tenant_id, header_.recording_id);
  GcmTag tag;
  Status st = codec.gcm().seal(data_key_, rh.nonce, aad.bytes(),
                               std::span(codec.compressed().data(), rh.body_size),
                               record + kRecordHeaderSize, tag);
  if (!st) {
    out.resize(start);
    return st;
  }
  std::memcpy(record + kRecordHeaderSize + rh.body_size, tag.data(), tag.size());
  ++next_index_;
  return Status::Ok();
}

}  // namespace trunkline::recorder
