#include "control/tenant/show_command.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/json_string.h"
#include "control/tenant/cli_store.h"

namespace trunkline::tenant {

namespace {

// One listing: column names and rows of text, plus the same rows as JSON
// objects (members already serialised as "key":value).
struct Listing {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> json;
};

std::string json_strings(const std::vector<std::string>& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) out += (i ? "," : "") + json_quote(list[i]);
  return out + "]";
}

// {"sales":5,"support":3}
std::string skills_json(const std::vector<std::pair<std::string, int>>& skills) {
  std::string out = "{";
  for (std::size_t i = 0; i < skills.size(); ++i)
    out += (i ? "," : "") + json_quote(skills[i].first) + ":" + std::to_string(skills[i].second);
  return out + "}";
}

std::string joined(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "-" : out;
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Builds one JSON object from "key", value pairs (values serialised).
class Object {
 public:
  Object& str(const char* key, std::string_view v) { return raw(key, json_quote(v)); }
  Object& raw(const char* key, const std::string& v) {
    body_ += (body_.empty() ? "" : ",") + json_quote(key) + ":" + v;
    return *this;
  }
  std::string done() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

void print(const Listing& l, bool json) {
  if (json) {
    std::printf("[");
    for (std::size_t i = 0; i < l.json.size(); ++i)
      std::printf("%s\n  %s", i ? "," : "", l.json[i].c_str());
    std::printf("%s]\n", l.json.empty() ? "" : "\n");
    return;
  }
  std::vector<std::size_t> width(l.header.size());
  for (std::size_t c = 0; c < l.header.size(); ++c) width[c] = l.header[c].size();
  for (const auto& row : l.rows)
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      out += cells[c];
      if (c + 1 < cells.size()) out += std::string(width[c] - cells[c].size() + 2, ' ');
    }
    std::printf("%s\n", out.c_str());
  };
  line(l.header);
  for (const auto& row : l.rows) line(row);
}

struct Options {
  std::string what;
  std::string tenant;
  bool json = false;
  std::size_t limit = 100;
  std::int64_t since_ms = 0;
};

Status add_rows(store::Store& st, const store::Tenant& t, const Options& o, Listing* l) {
  if (o.what == "tenants") {
    l->rows.push_back({std::to_string(t.id), t.name, or_dash(t.sip_domain), t.created_at});
    l->json.push_back(Object()
                          .raw("id", std::to_string(t.id))
                          .str("name", t.name)
                          .str("sip_domain", t.sip_domain)
                          .str("created_at", t.created_at)
                          .done());
    return Status::Ok();
  }
  auto scope = st.tenant(t.id);
  if (!scope) return scope.error();
  if (o.what == "trunks") {
    auto list = (*scope)->trunks();
    if (!list) return list.error();
    for (const store::Trunk& x : *list) {
      l->rows.push_back({t.name, x.name, x.transport, or_dash(x.outbound), joined(x.allow)});
      l->json.push_back(Object()
                            .str("tenant", t.name)
                            .str("name", x.name)
                            .str("transport", x.transport)
                            .str("outbound", x.outbound)
                            .raw("allow", json_strings(x.allow))
                            .done());
    }
  } else if (o.what == "agents") {
    auto list = (*scope)->agents();
    if (!list) return list.error();
    for (const store::Agent& x : *list) {  // never the digests
      l->rows.push_back({t.name, x.name, or_dash(x.display), x.sip_user + "@" + t.sip_domain,
                         or_dash(x.static_contact), or_dash(x.alternate_number),
                         x.srtp ? "yes" : "no"});
      l->json.push_back(Object()
                            .str("tenant", t.name)
                            .str("name", x.name)
                            .str("display", x.display)
                            .str("sip_user", x.sip_user)
                            .str("static_contact", x.static_contact)
                            .str("alternate_number", x.alternate_number)
                            .raw("srtp", x.srtp ? "true" : "false")
                            .raw("skills", skills_json(x.skills))
                            .raw("queues", json_strings(x.queues))
                            .done());
    }
  } else if (o.what == "dids") {
    auto list = (*scope)->dids();
    if (!list) return list.error();
    for (const store::Did& x : *list) {
      l->rows.push_back({t.name, x.number, or_dash(x.line_skill), x.record ? "yes" : "no",
                         x.queue.empty() ? joined(x.agents) : "queue " + x.queue});
      l->json.push_back(Object()
                            .str("tenant", t.name)
                            .str("number", x.number)
                            .str("line_skill", x.line_skill)
                            .raw("record", x.record ? "true" : "false")
                            .raw("agents", json_strings(x.agents))
                            .str("queue", x.queue)
                            .done());
    }
  } else {  // cdrs
    auto list = (*scope)->cdrs(o.limit, o.since_ms);
    if (!list) return list.error();
    for (const store::Cdr& c : *list) {
      const std::string answered = c.answered_at_ms ? format_utc_ms(c.answered_at_ms) : "-";
      l->rows.push_back({t.name, std::to_string(c.id), format_utc_ms(c.started_at_ms), answered,
                         format_utc_ms(c.ended_at_ms), or_dash(c.caller), or_dash(c.did),
                         or_dash(c.agent), or_dash(c.trunk), store::to_string(c.outcome),
                         std::to_string(c.cause_code) + " " + or_dash(c.cause_text),
                         fixed(c.caller_leg.mos, 2) + "/" + fixed(c.agent_leg.mos, 2), c.call_id});
      auto leg = [](const store::LegStats& s) {
        return Object()
            .raw("packets", std::to_string(s.packets))
            .raw("lost", std::to_string(s.lost))
            .raw("jitter_ms", fixed(s.jitter_ms, 3))
            .raw("mos", fixed(s.mos, 2))
            .done();
      };
      l->json.push_back(
          Object()
              .str("tenant", t.name)
              .raw("id", std::to_string(c.id))
              .str("call_id", c.call_id)
              .str("caller", c.caller)
              .str("did", c.did)
              .str("agent", c.agent)
              .str("trunk", c.trunk)
              .str("started_at", format_utc_ms(c.started_at_ms))
              .raw("answered_at", c.answered_at_ms ? json_quote(answered) : std::string("null"))
              .str("ended_at", format_utc_ms(c.ended_at_ms))
              .str("outcome", store::to_string(c.outcome))
              .raw("cause_code", std::to_string(c.cause_code))
              .str("cause_text", c.cause_text)
              .raw("caller_leg", leg(c.caller_leg))
              .raw("agent_leg", leg(c.agent_leg))
              .done());
    }
  }
  return Status::Ok();
}

std::vector<std::string> header_of(const std::string& what) {
  if (what == "tenants") return {"ID", "NAME", "SIP_DOMAIN", "CREATED"};
  if (what == "trunks") return {"TENANT", "NAME", "TRANSPORT", "OUTBOUND", "ALLOW"};
  if (what == "agents")
    return {"TENANT", "NAME", "DISPLAY", "SIP_USER", "STATIC_CONTACT", "ALTERNATE", "SRTP"};
  if (what == "dids") return {"TENANT", "NUMBER", "LINE_SKILL", "RECORD", "AGENTS"};
  return {"TENANT", "ID",      "STARTED", "ANSWERED",          "ENDED",  "CALLER", "DID", "AGENT",
          "TRUNK",  "OUTCOME", "CAUSE",   "MOS(CALLER/AGENT)", "CALL_ID"};
}

int usage(const std::string& error) {
  std::fprintf(stderr, "trunkline show: %s\nusage: trunkline show %s\n", error.c_str(), kShowUsage);
  return 2;
}

}  // namespace

std::string format_utc_ms(std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms - static_cast<std::int64_t>(secs) * 1000));
  return buf;
}

std::optional<std::int64_t> parse_utc(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  char tail[8] = {};
  const std::string t(text);
  int n = 0;
  if (t.size() == 10 && std::sscanf(t.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
  } else if (t.size() == 17 &&
             std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d%1[Z]%n", &y, &mo, &d, &h, &mi, tail, &n) ==
                 6 &&
             n == 17) {
  } else if (t.size() == 20 &&
             std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%1[Z]%n", &y, &mo, &d, &h, &mi, &s,
                         tail, &n) == 7 &&
             n == 20) {
  } else {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

int show_command(int argc, char** argv) {
  StoreArgs where;
  Options o;
  for (int i = 0; i < argc; ++i) {
    std::string error;
    const std::string a = argv[i];
    if (where.take(argc, argv, &i, &error)) {
      if (!error.empty()) return usage(error);
    } else if (a == "--json") {
      o.json = true;
    } else if ((a == "--tenant" || a == "--limit" || a == "--since") && i + 1 >= argc) {
      return usage(a + " needs a value");
    } else if (a == "--tenant") {
      o.tenant = argv[++i];
    } else if (a == "--limit") {
      const std::string v = argv[++i];
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n == 0 || n > 1000000) {
        return usage("--limit expects 1..1000000");
      }
      o.limit = static_cast<std::size_t>(n);
    } else if (a == "--since") {
      auto ms = parse_utc(argv[++i]);
      if (!ms) return usage("--since expects YYYY-MM-DD, YYYY-MM-DDTHH:MMZ or ...THH:MM:SSZ");
      o.since_ms = *ms;
    } else if (o.what.empty() && a[0] != '-') {
      o.what = a;
    } else {
      return usage("unknown argument '" + a + "'");
    }
  }
  if (o.what != "tenants" && o.what != "dids" && o.what != "trunks" && o.what != "agents" &&
      o.what != "cdrs") {
    return usage(o.what.empty() ? "what to show is required" : "cannot show '" + o.what + "'");
  }
  auto st = where.open(true);
  if (!st) {
    std::fprintf(stderr, "trunkline show: %s\n", st.error().message.c_str());
    return 1;
  }
  auto tenants = (*st)->tenants();
  if (!tenants) {
    std::fprintf(stderr, "trunkline show: %s\n", tenants.error().message.c_str());
    return 1;
  }
  Listing l;
  l.header = header_of(o.what);
  bool found = o.tenant.empty();
  for (const store::Tenant& t : *tenants) {
    if (!o.tenant.empty() && t.name != o.tenant) continue;
    found = true;
    if (Status s = add_rows(**st, t, o, &l); !s) {
      std::fprintf(stderr, "trunkline show: %s\n", s.error().message.c_str());
      return 1;
    }
  }
  if (!found) {
    std::fprintf(stderr, "trunkline show: unknown tenant '%s'\n", o.tenant.c_str());
    return 1;
  }
  print(l, o.json);
  return 0;
}

}  // namespace trunkline::tenant
