#include "recorder/crypto/file_key_provider.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/log.h"
#include "recorder/crypto/key_wrap.h"
#include "recorder/crypto/sha256.h"
#include "recorder/format/byte_order.h"
#include "recorder/spool/durable_io.h"

namespace trunkline::recorder {
namespace {

// <dir>/<tenant>.kek: magic | version u32 | reserved u32 | wrapped KEK
constexpr char kKekMagic[8] = {'T', 'L', 'K', 'E', 'K', 0, '\r', '\n'};
constexpr std::size_t kKekFileSize = 8 + 4 + 4 + kWrappedKeySize;

std::vector<std::uint8_t> kek_context(std::string_view tenant_id, std::uint32_t version) {
  std::vector<std::uint8_t> ctx;
  put_string(ctx, "trunkline-tenant-kek-v1");
  put_u8(ctx, static_cast<std::uint8_t>(tenant_id.size()));
  put_string(ctx, tenant_id);
  put_u32(ctx, version);
  return ctx;
}

std::vector<std::uint8_t> data_key_context(std::string_view tenant_id,
                                           const RecordingId& recording_id, std::uint32_t version) {
  std::vector<std::uint8_t> ctx;
  put_string(ctx, "trunkline-recording-key-v1");
  put_u8(ctx, static_cast<std::uint8_t>(tenant_id.size()));
  put_string(ctx, tenant_id);
  put_bytes(ctx, recording_id);
  put_u32(ctx, version);
  return ctx;
}

int hex_value(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 32 raw bytes, or 64 hex digits with optional trailing whitespace.
Result<SecretKey> parse_master_key(std::vector<std::uint8_t> bytes,
                                   const std::filesystem::path& path) {
  SecretKey key;
  if (bytes.size() == SecretKey::kSize) {
    std::copy(bytes.begin(), bytes.end(), key.data());
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return key;
  }
  while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r' || bytes.back() == ' '))
    bytes.pop_back();
  if (bytes.size() != 2 * SecretKey::kSize) {
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return Error{"master key file " + path.string() + " must hold 32 raw bytes or 64 hex digits"};
  }
  for (std::size_t i = 0; i < SecretKey::kSize; ++i) {
    const int hi = hex_value(bytes[2 * i]);
    const int lo = hex_value(bytes[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      OPENSSL_cleanse(bytes.data(), bytes.size());
      return Error{"master key file " + path.string() + " holds a non-hex character"};
    }
    key.data()[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

}  // namespace

Result<std::unique_ptr<FileKeyProvider>> FileKeyProvider::open(
    const std::filesystem::path& key_dir, const std::filesystem::path& master_key_file,
    FileKeyProviderOptions options) {
  std::filesystem::path master_path = master_key_file;
  if (master_path.empty()) {
    const char* env = std::getenv(kMasterKeyFileEnv);
    if (env == nullptr || *env == '\0')
      return Error{std::string("no master key: give --master-key FILE or set ") +
                   kMasterKeyFileEnv};
    master_path = env;
  }
  if (key_dir.empty()) return Error{"no key directory given"};
  struct stat st {};
  if (::stat(key_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return Error{"key directory " + key_dir.string() + " does not exist"};
  if (::stat(master_path.c_str(), &st) == 0 && (st.st_mode & 0077) != 0) {
    TL_LOG(kWarn, "master_key_file_permissive", "path=%s mode=%o", master_path.c_str(),
           static_cast<unsigned>(st.st_mode & 0777));
  }
  auto bytes = read_small_file(master_path, 256);
  if (!bytes) return Error{"cannot read master key: " + bytes.error().message};
  auto master = parse_master_key(std::move(*bytes), master_path);
  if (!master) return master.error();
  return std::unique_ptr<FileKeyProvider>(new FileKeyProvider(key_dir, *master, options));
}

Result<SecretKey> FileKeyProvider::read_master_key(const std::filesystem::path& path) {
  auto bytes = read_small_file(path, 256);
  if (!bytes) return Error{"cannot read master key: " + bytes.error().message};
  return parse_master_key(std::move(*bytes), path);
}

Status FileKeyProvider::create_master_key_file(const std::filesystem::path& path) {
  SecretKey key;
  if (!key.randomize()) return Error{"random generator failed"};
  std::string hex = to_hex(key.bytes()) + "\n";
  std::vector<std::uint8_t> bytes(hex.begin(), hex.end());
  Status st = write_file_atomically(path, bytes, 0600, /*exclusive=*/true);
  OPENSSL_cleanse(hex.data(), hex.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return st;
}

FileKeyProvider::FileKeyProvider(std::filesystem::path key_dir, const SecretKey& master,
                                 FileKeyProviderOptions options)
    : key_dir_(std::move(key_dir)), master_(master), options_(options) {}

std::filesystem::path FileKeyProvider::kek_path(std::string_view tenant_id) const {
  return key_dir_ / (std::string(tenant_id) + ".kek");
}

bool FileKeyProvider::has_tenant_key(std::string_view tenant_id) const {
  if (!validate_tenant_id(tenant_id)) return false;
  return ::access(kek_path(tenant_id).c_str(), F_OK) == 0;
}

Status FileKeyProvider::create_tenant_key(std::string_view tenant_id) {
  std::lock_guard lock(mu_);
  return create_tenant_key_locked(tenant_id);
}

Status FileKeyProvider::create_tenant_key_locked(std::string_view tenant_id) {
  if (Status v = validate_tenant_id(tenant_id); !v) return v;
  constexpr std::uint32_t kVersion = 1;
  SecretKey kek;
  if (!kek.randomize()) return Error{"random generator failed"};
  auto wrapped = wrap_key(gcm_, master_, kek, kek_context(tenant_id, kVersion));
  if (!wrapped) return wrapped.error();
  std::vector<std::uint8_t> file(kKekMagic, kKekMagic + sizeof kKekMagic);
  put_u32(file, kVersion);
  put_u32(file, 0);
  put_bytes(file, *wrapped);
  Status st = write_file_atomically(kek_path(tenant_id), file, 0600, /*exclusive=*/true);
  if (!st) return st;
  cache_.erase(std::string(tenant_id));
  TL_LOG(kInfo, "tenant_key_created", "tenant=%.*s version=%u", static_cast<int>(tenant_id.size()),
         tenant_id.data(), kVersion);
  return Status::Ok();
}

Result<FileKeyProvider::TenantKey> FileKeyProvider::load_tenant_key_locked(
    std::string_view tenant_id) {
  if (Status v = validate_tenant_id(tenant_id); !v) return v.error();
  if (auto it = cache_.find(tenant_id); it != cache_.end()) return it->second;
  const std::filesystem::path path = kek_path(tenant_id);
  if (::access(path.c_str(), F_OK) != 0)
    return Error{"no key for tenant '" + std::string(tenant_id) + "' in " + key_dir_.string() +
                 " (never created, or destroyed)"};
  auto file = read_small_file(path, 4096);
  if (!file) return file.error();
  if (file->size() != kKekFileSize || !std::equal(kKekMagic, kKekMagic + 8, file->begin()))
    return Error{"tenant key file " + path.string() + " is not a Trunkline key file"};
  const std::uint32_t version = get_u32(file->data() + 8);
  auto kek =
      unwrap_key(gcm_, master_, std::span(*file).subspan(16), kek_context(tenant_id, version));
  if (!kek)
    return Error{"cannot unwrap the key of tenant '" + std::string(tenant_id) +
                 "': wrong master key, or the key file was altered or belongs to another tenant"};
  TenantKey key{version, *kek};
  cache_.emplace(std::string(tenant_id), key);
  return key;
}

Status FileKeyProvider::destroy_tenant_key(std::string_view tenant_id) {
  if (Status v = validate_tenant_id(tenant_id); !v) return v;
  std::lock_guard lock(mu_);
  cache_.erase(std::string(tenant_id));
  const std::filesystem::path path = kek_path(tenant_id);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("cannot open tenant key", path);
  // Overwrite before unlinking so the wrapped key is not left in freed blocks
  // of a simple filesystem (copy-on-write filesystems and backups still need care).
  std::vector<std::uint8_t> noise(kKekFileSize);
  random_bytes(noise);
  Status st = write_all(fd, noise);
  if (st && ::fdatasync(fd) != 0) st = errno_error("cannot sync tenant key", path);
  ::close(fd);
  if (!st) return st;
  if (::unlink(path.c_str()) != 0) return errno_error("cannot remove tenant key", path);
  TL_LOG(kWarn, "tenant_key_destroyed", "tenant=%.*s", static_cast<int>(tenant_id.size()),
         tenant_id.data());
  return fsync_directory(key_dir_);
}

Result<WrappedDataKey> FileKeyProvider::wrap_data_key(std::string_view tenant_id,
                                                      const RecordingId& recording_id,
                                                      const SecretKey& data_key) {
  std::lock_guard lock(mu_);
  auto kek = load_tenant_key_locked(tenant_id);
  if (!kek && options_.create_missing_tenant_keys && validate_tenant_id(tenant_id) &&
      ::access(kek_path(tenant_id).c_str(), F_OK) != 0) {
    if (Status st = create_tenant_key_locked(tenant_id); !st) return st.error();
    kek = load_tenant_key_locked(tenant_id);
  }
  if (!kek) return kek.error();
  auto blob =
      wrap_key(gcm_, kek->kek, data_key, data_key_context(tenant_id, recording_id, kek->version));
  if (!blob) return blob.error();
  return WrappedDataKey{kek->version, std::move(*blob)};
}

Result<SecretKey> FileKeyProvider::unwrap_data_key(std::string_view tenant_id,
                                                   const RecordingId& recording_id,
                                                   const WrappedDataKey& wrapped) {
  std::lock_guard lock(mu_);
  auto kek = load_tenant_key_locked(tenant_id);
  if (!kek) return kek.error();
  if (kek->version != wrapped.kek_version)
    return Error{"recording was sealed with version " + std::to_string(wrapped.kek_version) +
                 " of the tenant key, which is no longer held (current: " +
                 std::to_string(kek->version) + ")"};
  auto key = unwrap_key(gcm_, kek->kek, wrapped.blob,
                        data_key_context(tenant_id, recording_id, wrapped.kek_version));
  if (!key)
    return Error{"the recording's data key does not unwrap under tenant '" +
                 std::string(tenant_id) +
                 "': it belongs to another tenant or recording, or was altered"};
  return key;
}

}  // namespace trunkline::recorder
