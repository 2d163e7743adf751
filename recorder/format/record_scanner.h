// Reads a recording file front to back: the header, then one authenticated,
// decrypted and decompressed record at a time. Anything that is not exactly
// what the writer produced (wrong order, a flipped bit, a record from another
// recording, a torn tail) stops the scan with a precise error; the offset of
// the end of the last good record stays available for crash recovery.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "common/result.h"
#include "recorder/crypto/key_provider.h"
#include "recorder/format/record_codec.h"
#include "recorder/format/recording_format.h"

namespace trunkline::recorder {

struct ScannedRecord {
  RecordHeader header;
  std::vector<std::uint8_t> plaintext;
};

class RecordScanner {
 public:
  // Opens the file and parses its header; no key needed yet.
  static Result<std::unique_ptr<RecordScanner>> open(const std::filesystem::path& path);
  ~RecordScanner();
  RecordScanner(const RecordScanner&) = delete;
  RecordScanner& operator=(const RecordScanner&) = delete;

  const RecordingHeader& header() const { return header_; }
  const std::vector<std::uint8_t>& header_bytes() const { return header_bytes_; }

  // Unwraps the recording's data key through the tenant's key.
  Status unlock(KeyProvider& keys);
  const SecretKey& data_key() const { return data_key_; }

  // The next record, or false at a clean end of file (just after a record).
  Result<bool> next(ScannedRecord& out);

  // File offset just past the last record that passed every check.
  std::uint64_t good_offset() const { return offset_; }
  // Records that passed every check so far.
  std::uint32_t records_read() const { return next_index_; }
  bool saw_last() const { return saw_last_; }

 private:
  RecordScanner(int fd, std::vector<std::uint8_t> header_bytes, RecordingHeader header);
  // Reads exactly n bytes at offset; false with `eof_at_start` if none were there.
  Status read_at(std::uint64_t offset, std::uint8_t* out, std::size_t n, bool* eof_at_start);

  int fd_;
  std::vector<std::uint8_t> header_bytes_;
  RecordingHeader header_;
  Sha256Digest header_digest_;
  SecretKey data_key_;
  bool unlocked_ = false;
  bool saw_last_ = false;
  std::uint64_t offset_;
  std::uint32_t next_index_ = 0;
  RecordCodec codec_;
  std::vector<std::uint8_t> body_;
};

}  // namespace trunkline::recorder
