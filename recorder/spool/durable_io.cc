#include "recorder/spool/durable_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace trunkline::recorder {

Error errno_error(const char* what, const std::filesystem::path& path) {
  return Error{std::string(what) + " " + path.string() + ": " + std::strerror(errno)};
}

Status write_all(int fd, std::span<const std::uint8_t> bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{std::string("write failed: ") + std::strerror(errno)};
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

Status fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error("cannot open directory", dir);
  const int rc = ::fsync(fd);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  if (rc != 0) return errno_error("cannot fsync directory", dir);
  return Status::Ok();
}

Status write_file_atomically(const std::filesystem::path& path, std::span<const std::uint8_t> bytes,
                             unsigned mode, bool exclusive) {
  if (exclusive && ::access(path.c_str(), F_OK) == 0)
    return Error{"refusing to overwrite existing file " + path.string()};
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return errno_error("cannot create", tmp);
  Status st = write_all(fd, bytes);
  if (st && ::fsync(fd) != 0) st = errno_error("cannot fsync", tmp);
  ::close(fd);
  if (st) {
    // link() fails if the target exists: the exclusive case cannot race.
    if (exclusive) {
      if (::link(tmp.c_str(), path.c_str()) != 0) st = errno_error("cannot create", path);
      ::unlink(tmp.c_str());
    } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
      st = errno_error("cannot rename into", path);
    }
  }
  if (!st) {
    ::unlink(tmp.c_str());
    return st;
  }
  return fsync_directory(path.parent_path().empty() ? "." : path.parent_path());
}

Result<std::vector<std::uint8_t>> read_small_file(const std::filesystem::path& path,
                                                  std::size_t max_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("cannot open", path);
  std::vector<std::uint8_t> out;
  std::uint8_t buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Error e = errno_error("cannot read", path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      ::close(fd);
      return Error{path.string() + " is larger than expected (" + std::to_string(max_size) +
                   " bytes at most)"};
    }
    out.insert(out.end(), buf, buf + n);
  }
  ::close(fd);
  return out;
}

}  // namespace trunkline::recorder
