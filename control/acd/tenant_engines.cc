#include "control/acd/tenant_engines.h"

#include <string>

namespace trunkline::acd {

Result<Engine*> TenantEngines::add(TenantId tenant, const EngineConfig& config) {
  if (engines_.count(tenant) != 0)
    return Error{"tenant " + std::to_string(tenant) + " already has an ACD engine"};
  Result<std::unique_ptr<Engine>> engine = Engine::create(config);
  if (!engine.ok())
    return Error{"tenant " + std::to_string(tenant) + ": " + engine.error().message};
  Engine* raw = engine->get();
  engines_.emplace(tenant, std::move(*engine));
  return raw;
}

Status TenantEngines::remove(TenantId tenant) {
  if (engines_.erase(tenant) == 0)
    return Error{"tenant " + std::to_string(tenant) + " has no ACD engine"};
  return Status::Ok();
}

Engine* TenantEngines::find(TenantId tenant) {
  auto it = engines_.find(tenant);
  return it == engines_.end() ? nullptr : it->second.get();
}

const Engine* TenantEngines::find(TenantId tenant) const {
  auto it = engines_.find(tenant);
  return it == engines_.end() ? nullptr : it->second.get();
}

}  // namespace trunkline::acd
