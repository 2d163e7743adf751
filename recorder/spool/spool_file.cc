#include "recorder/spool/spool_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "recorder/format/recording_format.h"
#include "recorder/format/recording_id.h"
#include "recorder/spool/durable_io.h"

namespace trunkline::recorder {

std::filesystem::path final_recording_path(const std::filesystem::path& spool_path) {
  std::string name = spool_path.filename().string();
  const std::string part = kSpoolSuffix;
  if (name.ends_with(part)) name.resize(name.size() - part.size());
  return spool_path.parent_path() / (name + kRecordingSuffix);
}

Result<std::unique_ptr<SpoolFile>> SpoolFile::create(const std::filesystem::path& spool_dir,
                                                     std::string_view tenant_id,
                                                     std::string_view recording_id_hex) {
  if (Status v = validate_tenant_id(tenant_id); !v) return v.error();
  if (!recording_id_from_hex(recording_id_hex)) return Error{"recording ID is not 32 hex digits"};
  const std::filesystem::path dir = spool_dir / std::string(tenant_id);
  if (::mkdir(dir.c_str(), 0700) == 0) {
    if (Status st = fsync_directory(spool_dir); !st) return st.error();
  } else if (errno != EEXIST) {
    return errno_error("cannot create spool directory", dir);
  }
  const std::filesystem::path path = dir / (std::string(recording_id_hex) + kSpoolSuffix);
  if (::access(final_recording_path(path).c_str(), F_OK) == 0)
    return Error{"recording " + final_recording_path(path).string() + " already exists"};
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error("cannot create spool file", path);
  return std::unique_ptr<SpoolFile>(new SpoolFile(fd, path, 0));
}

Result<std::unique_ptr<SpoolFile>> SpoolFile::reopen(const std::filesystem::path& path,
                                                     std::uint64_t length) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("cannot open spool file", path);
  if (::ftruncate(fd, static_cast<off_t>(length)) != 0 ||
      ::lseek(fd, static_cast<off_t>(length), SEEK_SET) < 0) {
    Error e = errno_error("cannot cut back spool file", path);
    ::close(fd);
    return e;
  }
  auto file = std::unique_ptr<SpoolFile>(new SpoolFile(fd, path, length));
  file->directory_durable_ = true;  // it survived a crash: its entry is on disk
  return file;
}

SpoolFile::SpoolFile(int fd, std::filesystem::path path, std::uint64_t size)
    : fd_(fd), path_(std::move(path)), size_(size) {}

SpoolFile::~SpoolFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status SpoolFile::append(std::span<const std::uint8_t> bytes) {
  if (fd_ < 0) return Error{"spool file is closed"};
  Status st = write_all(fd_, bytes);
  if (!st) {
    // Cut back to the last whole record so a retry appends cleanly.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0 ||
        ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET) < 0) {
      return Error{st.error().message + "; cutting back also failed: " + std::strerror(errno)};
    }
    return Error{"spool " + path_.string() + ": " + st.error().message};
  }
  size_ += bytes.size();
  return Status::Ok();
}

Status SpoolFile::sync() {
  if (fd_ < 0) return Error{"spool file is closed"};
  if (::fdatasync(fd_) != 0) return errno_error("cannot fdatasync", path_);
  if (!directory_durable_) {
    if (Status st = fsync_directory(path_.parent_path()); !st) return st;
    directory_durable_ = true;
  }
  return Status::Ok();
}

Result<std::filesystem::path> SpoolFile::finish() {
  if (fd_ < 0) return Error{"spool file is closed"};
  if (::fsync(fd_) != 0) return errno_error("cannot fsync", path_);
  ::close(fd_);
  fd_ = -1;
  const std::filesystem::path final_path = final_recording_path(path_);
  if (::rename(path_.c_str(), final_path.c_str()) != 0)
    return errno_error("cannot rename spool file to", final_path);
  if (Status st = fsync_directory(final_path.parent_path()); !st) return st.error();
  path_ = final_path;
  return final_path;
}

}  // namespace trunkline::recorder
