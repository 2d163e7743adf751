// `trunkline provision FILE [--store PATH | --config FILE]`: applies a
// provisioning file (docs/configuration.md, "Provisioning file") to the store
// in one transaction and prints one summary line per tenant. Exit status 0
// when applied, 1 when refused (nothing applied, the reason on stderr as
// FILE:LINE:COL: key '...': why) or the store fails, 2 for a usage error.
#pragma once

namespace trunkline::tenant {

inline constexpr const char* kProvisionUsage = "FILE [--store PATH | --config FILE]";
inline constexpr const char* kProvisionSummary =
    "apply tenants, trunks, agents and numbers from a TOML file, all or nothing; the file is the "
    "full truth for each tenant it names: that tenant's entries missing from it are removed, "
    "other tenants are left alone";

int provision_command(int argc, char** argv);

}  // namespace trunkline::tenant
