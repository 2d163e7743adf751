// One ACD engine per tenant. Every lookup goes through the tenant's id, and
// engines share nothing, so one tenant's callers, agents, queues and metrics
// can never reach another's.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "common/result.h"
#include "control/acd/engine.h"

namespace trunkline::acd {

using TenantId = std::uint32_t;

class TenantEngines {
 public:
  // Refuses a tenant that already has an engine, and an invalid config.
  Result<Engine*> add(TenantId tenant, const EngineConfig& config);
  Status remove(TenantId tenant);
  // nullptr when the tenant has no engine.
  Engine* find(TenantId tenant);
  const Engine* find(TenantId tenant) const;
  std::size_t size() const { return engines_.size(); }

 private:
  std::unordered_map<TenantId, std::unique_ptr<Engine>> engines_;
};

}  // namespace trunkline::acd
