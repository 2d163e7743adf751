#include "recorder/format/recording_id.h"

#include "recorder/crypto/aes_gcm.h"
#include "recorder/crypto/sha256.h"

namespace trunkline::recorder {

Status validate_tenant_id(std::string_view tenant_id) {
  if (tenant_id.empty()) return Error{"tenant ID is empty"};
  if (tenant_id.size() > kMaxTenantIdLength) return Error{"tenant ID is longer than 64 characters"};
  if (tenant_id.front() == '.') return Error{"tenant ID must not start with '.'"};
  for (char c : tenant_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return Error{"tenant ID may only contain letters, digits, '.', '_' and '-'"};
  }
  return Status::Ok();
}

std::string recording_id_to_hex(const RecordingId& id) { return to_hex(id); }

std::optional<RecordingId> recording_id_from_hex(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  RecordingId id{};
  for (std::size_t i = 0; i < 32; ++i) {
    const char c = hex[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      return std::nullopt;
    }
    id[i / 2] = static_cast<std::uint8_t>(id[i / 2] | (i % 2 == 0 ? v << 4 : v));
  }
  return id;
}

std::optional<RecordingId> new_recording_id() {
  RecordingId id{};
  if (!random_bytes(id)) return std::nullopt;
  return id;
}

}  // namespace trunkline::recorder
