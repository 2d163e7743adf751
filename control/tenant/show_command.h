// `trunkline show tenants|dids|trunks|agents|cdrs [--tenant NAME] [--json]
// [--limit N] [--since TIME] [--store PATH | --config FILE]`: reads the
// store, as an aligned table or a JSON array. Agents are shown without their
// digests. Exit status 0, 1 when the store cannot be read or the tenant is
// unknown, 2 for a usage error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace trunkline::tenant {

inline constexpr const char* kShowUsage =
    "tenants|dids|trunks|agents|cdrs [--tenant NAME] [--json] [--limit N] [--since TIME] "
    "[--store PATH | --config FILE]";
inline constexpr const char* kShowSummary =
    "list what the store holds (cdrs: the latest --limit, default 100, started at or after "
    "--since YYYY-MM-DD[THH:MM[:SS]Z]); agents never show their digests";

int show_command(int argc, char** argv);

// Unix ms as "2024-05-01T12:00:00.123Z"; and back from "2024-05-01",
// "2024-05-01T12:00Z" or "2024-05-01T12:00:00Z".
std::string format_utc_ms(std::int64_t ms);
std::optional<std::int64_t> parse_utc(std::string_view text);

}  // namespace trunkline::tenant
