// Helpers for the API's unit tests: a full session for a new user (as
// `trunkline user add` then a first login: TOTP enrolment when the role
// needs it, the forced password change), and a streamed body read to its end.
#pragma once

#include <string>

#include "control/api/api_service.h"

namespace trunkline::api::testing {

// A request as the HTTPS server would hand it over, from 192.0.2.7.
Response call(ApiService& api, const std::string& method, const std::string& target,
              const std::string& token, const std::string& body = "");

// The value of a string field of a flat JSON answer ("" when absent).
std::string field(const std::string& body, const std::string& name);

// A new user's full session token (store: the service's store; the clock
// the service's).
std::string session(ApiService& api, store::SqliteStore& store, Scope tenant,
                    const std::string& name, auth::Role role);

struct Streamed {
  std::string body;
  bool complete = false;  // the last piece came; false: the stream failed
};
// The body and every piece of its stream, waiting when the source says so.
Streamed drain(const Response& r);

}  // namespace trunkline::api::testing
