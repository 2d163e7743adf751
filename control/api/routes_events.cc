// The supervisors' live event stream: server-sent events (text/event-stream)
// of one tenant's ACD events (agent state changes, callers queued, offered,
// answered, abandoned, overflowed, ended), read from the tenant's event ring
// through acd::AgentDesk::events(), which answers on the ACD thread; this
// side only polls, so a slow or stuck client never holds up the ACD. Each
// event is one `id:`/`data:` pair; a client that reconnects with
// Last-Event-ID continues after that event (or is told how many it
// missed). The stream ends after kMaxStream; clients reconnect.
#include <charconv>
#include <chrono>
#include <string>

#include "control/api/api_service.h"

namespace trunkline::api {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPoll = std::chrono::milliseconds(200);
constexpr auto kHeartbeat = std::chrono::seconds(15);
constexpr auto kMaxStream = std::chrono::minutes(5);

// The elements of a JSON array's text, each as written (no nesting
// assumptions beyond strings and brackets).
std::vector<std::string_view> elements(std::string_view array) {
  std::vector<std::string_view> out;
  int depth = 0;
  bool in_string = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const char c = array[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (depth++ == 0) start = i + 1;
      if (depth == 2) start = i;
    } else if (c == ']' || c == '}') {
      if (--depth == 1) {
        out.push_back(array.substr(start, i + 1 - start));
        start = i + 1;
      }
    }
  }
  return out;
}

// Formats the desk's events as SSE; `*last` becomes the last sequence number.
std::string to_sse(std::string_view array, std::uint64_t* last) {
  std::string out;
  for (std::string_view e : elements(array)) {
    auto v = parse_json(e);
    if (!v || v->object() == nullptr) continue;
    auto seq = v->object()->find("seq");
    if (seq == v->object()->end() || seq->second.number() == nullptr) continue;
    *last = static_cast<std::uint64_t>(*seq->second.number());
    out += "id: " + std::to_string(*last) + "\ndata: " + std::string(e) + "\n\n";
  }
  return out;
}

class EventStream final : public BodySource {
 public:
  EventStream(acd::AgentDesk& desk, std::int64_t tenant, std::uint64_t after)
      : desk_(desk), tenant_(tenant), after_(after) {
    const auto now = Clock::now();
    next_poll_ = now + kPoll;
    quiet_since_ = now;
    until_ = now + kMaxStream;
  }

  BodyPiece next() override {
    BodyPiece p;
    const auto now = Clock::now();
    if (now >= until_) {
      p.last = true;
      return p;
    }
    if (now < next_poll_) {
      p.retry = std::chrono::ceil<std::chrono::milliseconds>(next_poll_ - now);
      return p;
    }
    next_poll_ = now + kPoll;
    const acd::DeskAnswer a = desk_.events(tenant_, after_);
    if (!a.ok()) {
      // The ACD went away (daemon stopping): end cleanly; the client retries.
      p.data = ": " + a.message + "\n\n";
      p.last = true;
      return p;
    }
    p.data = to_sse(a.json, &after_);
    if (!p.data.empty()) {
      quiet_since_ = now;
    } else if (now - quiet_since_ >= kHeartbeat) {
      // A comment: keeps proxies from closing the stream, and finds out
      // (by a failed write) a client that went away.
      p.data = ": keep-alive\n\n";
      quiet_since_ = now;
    } else {
      p.retry = kPoll;
    }
    return p;
  }

  // What the handler already fetched, as the body's first bytes.
  std::string first(std::string_view array) { return to_sse(array, &after_); }

 private:
  acd::AgentDesk& desk_;
  std::int64_t tenant_;
  std::uint64_t after_;
  Clock::time_point next_poll_, quiet_since_, until_;
};

Response events(ApiService& api, Call& call) {
  call.target = "events";
  std::uint64_t after = 0;
  const std::string& last = call.req.last_event_id;
  if (!last.empty()) {
    const auto r = std::from_chars(last.data(), last.data() + last.size(), after);
    if (r.ec != std::errc() || r.ptr != last.data() + last.size())
      return problem(400, "Invalid header", "Last-Event-ID: expected an event's id (a number)",
                     "Last-Event-ID");
    call.target = "events after " + last;
  }
  acd::AgentDesk* desk = api.deps().desk;
  if (desk == nullptr) return problem(503, "ACD unavailable", "acd not running");
  const acd::DeskAnswer a = desk->events(*call.tenant, after);
  if (a.error == acd::DeskError::kNotFound) return problem(404, "Not found", a.message);
  if (!a.ok()) return problem(503, "ACD unavailable", a.message);
  auto stream = std::make_shared<EventStream>(*desk, *call.tenant, after);
  Response r;
  r.content_type = "text/event-stream";
  r.body = "retry: 2000\n\n" + stream->first(a.json);
  r.stream = std::move(stream);
  return r;
}

}  // namespace

std::vector<Route> event_routes() {
  return {
      {"GET", "/api/v1/tenants/{tenant}/events", "events.stream", Access::kAuthorized,
       auth::Action::kSuperviseStatus, events},
  };
}

}  // namespace trunkline::api
