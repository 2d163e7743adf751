// A provisioning file (`trunkline provision FILE`, docs/configuration.md
// "Provisioning file") read into what it asks for: tenants with their SIP
// domain, trunks, agents (passwords already turned into HA1 digests) and
// numbers. Reading is strict and checks everything that can be checked
// without the store; provision_apply.h checks the rest and applies it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "control/store/store.h"

namespace trunkline::tenant {

// The tenant setting that holds PlanTenant::acd_config.
inline constexpr const char* kAcdSetting = "acd";

// Where a value sits in the file, for errors found later against the store.
struct FilePos {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string key;  // "tenants[0].dids[3].number"
};

struct PlanDid {
  store::Did did;
  FilePos number_pos;
};

struct PlanTenant {
  std::string name;
  std::string sip_domain;  // lowercase
  FilePos domain_pos;
  std::vector<store::Trunk> trunks;  // in file order
  std::vector<store::Agent> agents;
  std::vector<PlanDid> dids;
  // [tenants.acd] as canonical TOML (acd::parse_acd_config reads it); "": the
  // tenant has no ACD, and its numbers go to their agents lists.
  std::string acd_config;
};

struct ProvisionPlan {
  std::string file;  // name used in errors
  std::vector<PlanTenant> tenants;
};

// "FILE:LINE:COL: key 'KEY': reason", the form of every refusal.
std::string located(const std::string& file, const FilePos& pos, const std::string& reason);

// Parses and checks the file. Errors read
// "FILE:LINE:COL: key 'tenants[0].dids[3].number': reason".
Result<ProvisionPlan> read_plan(std::string_view text, const std::string& name_for_errors);
Result<ProvisionPlan> read_plan_file(const std::string& path);

}  // namespace trunkline::tenant
