// Compliance retrieval of one recording: the audio as a streamed WAV, an
// end-to-end verification, and GDPR erasure, through the RecordingVault
// (the same code as `trunkline recordings export | verify | erase`). The
// tenant is the authorized scope of the path; the NAS writes its own audit
// entries (recordings.export started/ok/failed, recordings.verify,
// recordings.erase) in the requester's name, besides the api.* entry that
// dispatch() writes for every request.
#include <string>

#include "control/api/api_service.h"

namespace trunkline::api {
namespace {

bool valid_id(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Response from_vault(const VaultAnswer& a) {
  switch (a.error) {
    case VaultError::kNone:
      return json_response(a.json);
    case VaultError::kNotFound:
      return problem(404, "Not found", a.message, "id");
    case VaultError::kGone:
      return problem(410, "Gone", a.message, "id");
    case VaultError::kHeld:
      return problem(409, "Legal hold", a.message, "id");
    case VaultError::kInvalid:
      return problem(422, "Recording does not verify", a.message, "id");
    case VaultError::kUnavailable:
      break;
  }
  return problem(503, "Recordings unavailable", a.message);
}

// The vault, the recording ID and the requester, or the problem to answer.
template <typename F>
Response with_vault(ApiService& api, Call& call, F f) {
  const std::string& id = call.params["id"];
  call.target = "recording " + id;
  if (!valid_id(id))
    return problem(400, "Invalid field", "id: a recording ID is 32 lower-case hex digits", "id");
  RecordingVault* vault = api.deps().vault;
  if (vault == nullptr)
    return problem(503, "Recordings unavailable", "no [nas] mirrors configured");
  const Requester who{call.principal->user, std::string(auth::role_name(call.principal->role)),
                      call.req.source};
  return f(*vault, id, who);
}

Response audio(ApiService& api, Call& call) {
  return with_vault(api, call, [&](RecordingVault& v, const std::string& id, const Requester& w) {
    VaultAnswer a = v.export_audio(*call.tenant, id, w);
    if (a.error != VaultError::kNone || !a.audio) return from_vault(a);
    Response r;
    r.content_type = "audio/wav";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + id + ".wav\"");
    r.stream = std::move(a.audio);
    return r;
  });
}

Response verify(ApiService& api, Call& call) {
  return with_vault(api, call, [&](RecordingVault& v, const std::string& id, const Requester& w) {
    return from_vault(v.verify(*call.tenant, id, w));
  });
}

Response erase(ApiService& api, Call& call) {
  return with_vault(api, call, [&](RecordingVault& v, const std::string& id, const Requester& w) {
    return from_vault(v.erase(*call.tenant, id, w));
  });
}

}  // namespace

std::vector<Route> recording_routes() {
  using A = Access;
  using Act = auth::Action;
  return {
      {"GET", "/api/v1/tenants/{tenant}/recordings/{id}/audio", "recordings.export", A::kAuthorized,
       Act::kRecordingExport, audio},
      {"POST", "/api/v1/tenants/{tenant}/recordings/{id}/verify", "recordings.verify",
       A::kAuthorized, Act::kRecordingVerify, verify},
      {"DELETE", "/api/v1/tenants/{tenant}/recordings/{id}", "recordings.erase", A::kAuthorized,
       Act::kRecordingErase, erase},
  };
}

}  // namespace trunkline::api
