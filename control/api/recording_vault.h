// Compliance retrieval as the API sees it: export (a WAV stream), verify
// and GDPR erasure of one recording of one tenant. The daemon implements it
// over the NAS (control/app/compliance_vault.h) with the same code as the
// `trunkline recordings …` verbs; tests fake it. The tenant always comes
// from the request's authorized scope, so another tenant's recording ID is
// "not found", exactly as an ID nobody has.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "control/api/http_types.h"

namespace trunkline::api {

// Who asked, for the NAS's own audit entries (as the verbs write them).
struct Requester {
  std::string user;
  std::string role;
  std::string source;
};

enum class VaultError : std::uint8_t {
  kNone,
  kNotFound,     // no such recording in this tenant
  kGone,         // erased or expired: it can no longer be retrieved
  kHeld,         // under legal hold: erasure refused
  kInvalid,      // no copy matches the index, or it does not verify
  kUnavailable,  // keys, store or NAS unreachable
};

struct VaultAnswer {
  VaultError error = VaultError::kNone;
  std::string message;                // when error
  std::string json;                   // verify / erase result
  std::shared_ptr<BodySource> audio;  // export: the WAV bytes
};

class RecordingVault {
 public:
  virtual ~RecordingVault() = default;
  virtual VaultAnswer export_audio(std::int64_t tenant, const std::string& id,
                                   const Requester& who) = 0;
  virtual VaultAnswer verify(std::int64_t tenant, const std::string& id, const Requester& who) = 0;
  virtual VaultAnswer erase(std::int64_t tenant, const std::string& id, const Requester& who) = 0;
};

}  // namespace trunkline::api
