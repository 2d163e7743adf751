// An API request and response as plain data, so that the routing,
// authentication, authorization and handlers can be tested without sockets
// (https_server.cc converts to and from Boost.Beast's types).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace trunkline::api {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, e.g. "/api/v1/tenants/3/users?x=1"
  std::string content_type;
  std::string authorization;  // the Authorization header, as sent
  std::string body;
  std::string source;  // the client's address, for the audit log
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// An RFC 9457 problem: application/problem+json with type, title, status,
// detail and, when one field of the request is at fault, "field" naming it.
Response problem(int status, std::string_view title, std::string_view detail,
                 std::string_view field = {});

// A 200 (or `status`) JSON answer.
Response json_response(std::string body, int status = 200);

}  // namespace trunkline::api
