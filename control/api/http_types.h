// An API request and response as plain data, so that the routing,
// authentication, authorization and handlers can be tested without sockets
// (https_server.cc converts to and from Boost.Beast's types).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace trunkline::api {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, e.g. "/api/v1/tenants/3/users?x=1"
  std::string content_type;
  std::string authorization;  // the Authorization header, as sent
  std::string last_event_id;  // Last-Event-ID (an event stream's reconnection)
  std::string body;
  std::string source;  // the client's address, for the audit log
};

// A body produced a piece at a time (a WAV export, a server-sent event
// stream), pulled by the transport on its own thread. next() must not block:
// when nothing is ready it says how long to wait before asking again.
struct BodyPiece {
  std::string data;
  bool last = false;                   // the body is complete after `data`
  bool failed = false;                 // the body cannot be completed: cut the connection
  std::chrono::milliseconds retry{0};  // nothing now; ask again after this
};

class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual BodyPiece next() = 0;
  // The client went away (or the server stops) before the last piece.
  virtual void abandon() {}
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is `body` followed by what the stream yields, sent
  // with chunked transfer coding.
  std::shared_ptr<BodySource> stream;
};

// An RFC 9457 problem: application/problem+json with type, title, status,
// detail and, when one field of the request is at fault, "field" naming it.
Response problem(int status, std::string_view title, std::string_view detail,
                 std::string_view field = {});

// A 200 (or `status`) JSON answer.
Response json_response(std::string body, int status = 200);

}  // namespace trunkline::api
