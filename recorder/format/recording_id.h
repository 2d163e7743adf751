// Who a recording belongs to: its tenant ID and its 128-bit random recording ID.
// Both name files (spool/<tenant>/<recording>.tlrec, keys/<tenant>.kek), so
// both are checked strictly before they are used.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace trunkline::recorder {

using RecordingId = std::array<std::uint8_t, 16>;

inline constexpr std::size_t kMaxTenantIdLength = 64;

// A tenant ID is 1..64 of [A-Za-z0-9._-], not starting with '.'.
Status validate_tenant_id(std::string_view tenant_id);

// 32 lowercase hex digits.
std::string recording_id_to_hex(const RecordingId& id);
std::optional<RecordingId> recording_id_from_hex(std::string_view hex);

// A fresh random recording ID (CSPRNG); nullopt if the generator failed.
std::optional<RecordingId> new_recording_id();

}  // namespace trunkline::recorder
