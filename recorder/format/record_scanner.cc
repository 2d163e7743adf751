#include "recorder/format/record_scanner.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "recorder/spool/durable_io.h"

namespace trunkline::recorder {

Result<std::unique_ptr<RecordScanner>> RecordScanner::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("cannot open", path);
  std::vector<std::uint8_t> prefix(kHeaderFixedSize);
  const ssize_t n = ::pread(fd, prefix.data(), prefix.size(), 0);
  if (n != static_cast<ssize_t>(prefix.size())) {
    ::close(fd);
    return Error{"file is shorter than a recording header"};
  }
  auto size = header_size_from_prefix(prefix);
  if (!size) {
    ::close(fd);
    return size.error();
  }
  std::vector<std::uint8_t> bytes(*size);
  if (::pread(fd, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    ::close(fd);
    return Error{"file ends inside its header"};
  }
  auto header = parse_header(bytes);
  if (!header) {
    ::close(fd);
    return header.error();
  }
  return std::unique_ptr<RecordScanner>(
      new RecordScanner(fd, std::move(bytes), std::move(*header)));
}

RecordScanner::RecordScanner(int fd, std::vector<std::uint8_t> header_bytes, RecordingHeader header)
    : fd_(fd),
      header_bytes_(std::move(header_bytes)),
      header_(std::move(header)),
      header_digest_(Sha256::of(header_bytes_)),
      offset_(header_bytes_.size()) {}

RecordScanner::~RecordScanner() { ::close(fd_); }

Status RecordScanner::unlock(KeyProvider& keys) {
  auto key = keys.unwrap_data_key(header_.tenant_id, header_.recording_id, header_.wrapped_key);
  if (!key) return key.error();
  data_key_ = *key;
  unlocked_ = true;
  return Status::Ok();
}

Status RecordScanner::read_at(std::uint64_t offset, std::uint8_t* out, std::size_t n,
                              bool* eof_at_start) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Error{std::string("read failed: ") + std::strerror(errno)};
    }
    if (r == 0) {
      if (done == 0 && eof_at_start != nullptr) *eof_at_start = true;
      return Error{"file ends inside record " + std::to_string(next_index_) + " (truncated)"};
    }
    done += static_cast<std::size_t>(r);
  }
  return Status::Ok();
}

Result<bool> RecordScanner::next(ScannedRecord& out) {
  if (!unlocked_) return Error{"recording is not unlocked"};
  std::uint8_t raw[kRecordHeaderSize];
  bool eof = false;
  Status st = read_at(offset_, raw, sizeof raw, &eof);
  if (eof) return false;
  if (!st) return st.error();
  const std::string where =
      "record " + std::to_string(next_index_) + " at offset " + std::to_string(offset_);
  if (saw_last_) return Error{"data follows the record marked last (" + where + ")"};
  auto rh = parse_record_header(raw);
  if (!rh) return Error{where + ": " + rh.error().message};
  if (rh->index != next_index_)
    return Error{where + " carries index " + std::to_string(rh->index) +
                 ": records are missing or out of order"};
  body_.resize(rh->body_size + kGcmTagSize);
  if (Status r = read_at(offset_ + kRecordHeaderSize, body_.data(), body_.size(), nullptr); !r)
    return r.error();
  GcmTag tag;
  std::memcpy(tag.data(), body_.data() + rh->body_size, kGcmTagSize);
  const RecordAad aad(header_digest_, raw, header_.tenant_id, header_.recording_id);
  std::vector<std::uint8_t>& compressed = codec_.compressed();
  compressed.resize(rh->body_size);
  Status opened = codec_.gcm().open(data_key_, rh->nonce, aad.bytes(),
                                    std::span(body_.data(), rh->body_size), tag, compressed.data());
  if (!opened) return Error{where + ": " + opened.error().message};
  if (Status d = codec_.decompress(std::span(compressed.data(), rh->body_size), rh->plain_size,
                                   out.plaintext);
      !d)
    return Error{where + ": " + d.error().message};
  out.header = *rh;
  offset_ += kRecordOverhead + rh->body_size;
  ++next_index_;
  saw_last_ = rh->last;
  return true;
}

}  // namespace trunkline::recorder
