#include "nas/mirror/verified_copy.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>
#include <vector>

#include "recorder/crypto/sha256.h"
#include "recorder/spool/durable_io.h"

namespace trunkline::nas {

namespace {

namespace fs = std::filesystem;
using recorder::errno_error;

constexpr std::size_t kChunk = 256 * 1024;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // close() reports deferred write errors (NFS): checked, not ignored.
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// Reads up to n bytes, retrying EINTR; -1 on error.
ssize_t read_some(int fd, std::uint8_t* buf, std::size_t n) {
  for (;;) {
    const ssize_t r = ::read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

std::int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

CopyOutcome mirror_failed(std::string detail) {
  return {CopyFailure::kMirrorFailed, std::move(detail)};
}

}  // namespace

Result<FileDigest> digest_file(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return errno_error("open", path);
  recorder::Sha256 hash;
  std::vector<std::uint8_t> buf(kChunk);
  FileDigest out;
  for (;;) {
    const ssize_t r = read_some(fd.get(), buf.data(), buf.size());
    if (r < 0) return errno_error("read", path);
    if (r == 0) break;
    hash.update({buf.data(), static_cast<std::size_t>(r)});
    out.bytes += r;
  }
  out.sha256 = recorder::to_hex(hash.finish());
  return out;
}

CopyOutcome copy_verified(const fs::path& source, const fs::path& root, const fs::path& dest,
                          const std::string& expected_sha256, std::int64_t deadline_ms) {
  const auto started = std::chrono::steady_clock::now();
  auto too_slow = [&] { return deadline_ms > 0 && elapsed_ms(started) > deadline_ms; };

  struct stat st {};
  if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return mirror_failed("mirror root " + root.string() + " is missing or not a directory");
  }
  Fd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return {CopyFailure::kSourceBad, errno_error("open", source).message};

  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) {
    return mirror_failed("create " + dest.parent_path().string() + ": " + ec.message());
  }
  const fs::path tmp = dest.string() + ".tmp";
  Fd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
  if (out.get() < 0) return mirror_failed(errno_error("create", tmp).message);
  // From here on a failure leaves no partial file behind (a full mirror
  // must get its space back).
  auto abandon = [&](CopyOutcome outcome) {
    if (out.get() >= 0) out.close();
    ::unlink(tmp.c_str());
    return outcome;
  };

  recorder::Sha256 hash;
  std::vector<std::uint8_t> buf(kChunk);
  for (;;) {
    const ssize_t r = read_some(in.get(), buf.data(), buf.size());
    if (r < 0) return abandon({CopyFailure::kSourceBad, errno_error("read", source).message});
    if (r == 0) break;
    const std::span<const std::uint8_t> chunk(buf.data(), static_cast<std::size_t>(r));
    hash.update(chunk);
    if (Status w = recorder::write_all(out.get(), chunk); !w) {
      return abandon(mirror_failed(w.error().message));
    }
    if (too_slow()) {
      return abandon(mirror_failed("writing " + dest.string() + " took longer than " +
                                   std::to_string(deadline_ms) + " ms"));
    }
  }
  const std::string source_sha = recorder::to_hex(hash.finish());
  if (source_sha != expected_sha256) {
    return abandon({CopyFailure::kSourceBad, source.string() + ": SHA-256 " + source_sha +
                                                 " does not match the index (" + expected_sha256 +
                                                 ")"});
  }
  if (::fsync(out.get()) != 0) return abandon(mirror_failed(errno_error("fsync", tmp).message));
  if (out.close() != 0) {
    ::unlink(tmp.c_str());
    return mirror_failed(errno_error("close", tmp).message);
  }
  if (::rename(tmp.c_str(), dest.c_str()) != 0) {
    return abandon(mirror_failed(errno_error("rename", tmp).message));
  }
  if (Status d = recorder::fsync_directory(dest.parent_path()); !d) {
    return mirror_failed(d.error().message);
  }
  // Read back what the mirror now serves: the copy counts only if it is
  // the bytes the index names.
  auto placed = digest_file(dest);
  if (!placed) return mirror_failed("read back " + placed.error().message);
  if (placed->sha256 != expected_sha256) {
    return mirror_failed(dest.string() + ": read back SHA-256 " + placed->sha256 +
                         " differs from what was written");
  }
  if (too_slow()) {
    return mirror_failed("writing " + dest.string() + " took longer than " +
                         std::to_string(deadline_ms) + " ms");
  }
  return {};
}

Status remove_durably(const fs::path& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return errno_error("remove", path);
  }
  return recorder::fsync_directory(path.parent_path());
}

}  // namespace trunkline::nas
