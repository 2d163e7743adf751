#include "nas/backup/backup_encryption.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <fstream>
#include <vector>

#include "recorder/crypto/aes_gcm.h"
#include "recorder/crypto/key_wrap.h"

namespace trunkline::nas {

namespace {

constexpr std::size_t kChunk = 1 << 20;
constexpr std::string_view kWrapContext = "trunkline store backup";

std::span<const std::uint8_t> context() {
  return {reinterpret_cast<const std::uint8_t*>(kWrapContext.data()), kWrapContext.size()};
}

recorder::GcmNonce chunk_nonce(const recorder::GcmNonce& base, std::uint64_t index) {
  recorder::GcmNonce n = base;
  for (int i = 0; i < 8; ++i) n[4 + i] ^= static_cast<std::uint8_t>(index >> (56 - 8 * i));
  return n;
}

std::array<std::uint8_t, 17> chunk_aad(std::uint64_t index, bool last) {
  std::array<std::uint8_t, 17> aad{};
  std::memcpy(aad.data(), kBackupMagic, 8);
  for (int i = 0; i < 8; ++i) aad[8 + i] = static_cast<std::uint8_t>(index >> (56 - 8 * i));
  aad[16] = last ? 1 : 0;
  return aad;
}

Status fsync_path(const std::filesystem::path& p) {
  const int fd = ::open(p.c_str(), O_RDONLY);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    return Error{"fsync " + p.string() + ": " + std::strerror(errno)};
  }
  ::close(fd);
  return Status::Ok();
}

}  // namespace

bool is_encrypted_backup(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  return in.read(magic, 8) && std::memcmp(magic, kBackupMagic, 8) == 0;
}

Status encrypt_backup(const std::filesystem::path& plain, const std::filesystem::path& out,
                      const recorder::SecretKey& master) {
  std::ifstream in(plain, std::ios::binary);
  if (!in) return Error{"cannot read " + plain.string()};
  recorder::AesGcm gcm;
  recorder::SecretKey data;
  recorder::GcmNonce base;
  if (!recorder::random_bytes({data.data(), recorder::SecretKey::kSize}) ||
      !recorder::random_nonce(base))
    return Error{"no random bytes for the backup key"};
  auto wrapped = recorder::wrap_key(gcm, master, data, context());
  if (!wrapped) return wrapped.error();
  const std::filesystem::path part = out.string() + ".part";
  {
    std::ofstream o(part, std::ios::binary | std::ios::trunc);
    if (!o) return Error{"cannot write " + part.string()};
    o.write(kBackupMagic, 8);
    o.write(reinterpret_cast<const char*>(wrapped->data()),
            static_cast<std::streamsize>(wrapped->size()));
    o.write(reinterpret_cast<const char*>(base.data()), base.size());
    std::vector<std::uint8_t> buf(kChunk), next(kChunk), sealed(kChunk);
    in.read(reinterpret_cast<char*>(buf.data()), kChunk);
    std::size_t n = static_cast<std::size_t>(in.gcount());
    for (std::uint64_t index = 0;; ++index) {
      in.read(reinterpret_cast<char*>(next.data()), kChunk);
      const auto n_next = static_cast<std::size_t>(in.gcount());
      const bool last = n_next == 0;
      const auto aad = chunk_aad(index, last);
      recorder::GcmTag tag;
      if (Status st =
              gcm.seal(data, chunk_nonce(base, index), aad, {buf.data(), n}, sealed.data(), tag);
          !st)
        return st;
      const std::uint8_t len[4] = {static_cast<std::uint8_t>(n >> 24),
                                   static_cast<std::uint8_t>(n >> 16),
                                   static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
      o.write(reinterpret_cast<const char*>(len), 4);
      o.write(reinterpret_cast<const char*>(sealed.data()), static_cast<std::streamsize>(n));
      o.write(reinterpret_cast<const char*>(tag.data()), tag.size());
      if (last) break;
      buf.swap(next);
      n = n_next;
    }
    if (!o.flush()) return Error{"write " + part.string() + " failed"};
  }
  if (Status st = fsync_path(part); !st) return st;
  std::error_code ec;
  std::filesystem::rename(part, out, ec);
  if (ec) return Error{"rename " + part.string() + ": " + ec.message()};
  return fsync_path(out.parent_path().empty() ? "." : out.parent_path());
}

Status decrypt_backup(const std::filesystem::path& in_path, const std::filesystem::path& out,
                      const recorder::SecretKey& master) {
  std::ifstream in(in_path, std::ios::binary);
  if (!in) return Error{"cannot read " + in_path.string()};
  char magic[8];
  std::vector<std::uint8_t> wrapped(recorder::kWrappedKeySize);
  recorder::GcmNonce base;
  if (!in.read(magic, 8) || std::memcmp(magic, kBackupMagic, 8) != 0)
    return Error{in_path.string() + " is not an encrypted trunkline backup"};
  if (!in.read(reinterpret_cast<char*>(wrapped.data()),
               static_cast<std::streamsize>(wrapped.size())) ||
      !in.read(reinterpret_cast<char*>(base.data()), base.size()))
    return Error{in_path.string() + ": truncated header"};
  recorder::AesGcm gcm;
  auto data = recorder::unwrap_key(gcm, master, wrapped, context());
  if (!data) return Error{in_path.string() + ": wrong master key or a damaged header"};
  const std::filesystem::path part = out.string() + ".part";
  bool done = false;
  {
    std::ofstream o(part, std::ios::binary | std::ios::trunc);
    if (!o) return Error{"cannot write " + part.string()};
    std::vector<std::uint8_t> sealed, plain;
    for (std::uint64_t index = 0;; ++index) {
      std::uint8_t len[4];
      if (!in.read(reinterpret_cast<char*>(len), 4)) break;
      const std::size_t n = std::size_t{len[0]} << 24 | len[1] << 16 | len[2] << 8 | len[3];
      if (n > kChunk) break;
      sealed.resize(n);
      plain.resize(n);
      recorder::GcmTag tag;
      if (!in.read(reinterpret_cast<char*>(sealed.data()), static_cast<std::streamsize>(n)) ||
          !in.read(reinterpret_cast<char*>(tag.data()), tag.size()))
        break;
      // The last chunk is the one whose flag authenticates; try it first
      // when nothing follows.
      const bool at_end = in.peek() == std::char_traits<char>::eof();
      if (!gcm.open(*data, chunk_nonce(base, index), chunk_aad(index, at_end), sealed, tag,
                    plain.data())) {
        break;
      }
      o.write(reinterpret_cast<const char*>(plain.data()), static_cast<std::streamsize>(n));
      if (at_end) {
        done = true;
        break;
      }
    }
    if (done && !o.flush()) done = false;
  }
  if (!done) {
    std::filesystem::remove(part);
    return Error{in_path.string() +
                 ": chunk failed authentication (damaged, reordered or "
                 "truncated)"};
  }
  std::error_code ec;
  std::filesystem::rename(part, out, ec);
  if (ec) return Error{"rename " + part.string() + ": " + ec.message()};
  return Status::Ok();
}

}  // namespace trunkline::nas
