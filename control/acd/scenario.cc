// Reads a simulation scenario from TOML. Every table is read through a
// FieldReader that remembers which keys it consumed, so a key nobody reads
// (a typo, a key from another section) is refused with its line.
#include "control/acd/scenario.h"

#include <toml++/toml.h>

#include <cmath>
#include <fstream>
#include <sstream>

namespace trunkline::acd {
namespace {

constexpr double kMaxSeconds = 366.0 * 24 * 3600;  // a year of simulated time

std::int64_t to_us(double seconds) {
  return static_cast<std::int64_t>(std::llround(seconds * 1e6));
}

class FieldReader {
 public:
  FieldReader(const toml::table& table, std::string context, const std::string& source)
      : table_(table), context_(std::move(context)), source_(source) {}

  Status fail(const toml::source_region& where, const std::string& message) const {
    return Error{source_ + ":" + std::to_string(where.begin.line) + ":" +
                 std::to_string(where.begin.column) + ": " + context_ + ": " + message};
  }
  Status fail_here(const std::string& message) const { return fail(table_.source(), message); }
  const std::string& context() const { return context_; }
  const std::string& source() const { return source_; }

  // The node under `key` (nullptr when absent); the key counts as known.
  const toml::node* take(std::string_view key) {
    known_.push_back(key);
    return table_.get(key);
  }

  Status number(std::string_view key, double* out, double min, double max, bool required = false) {
    const toml::node* n = take(key);
    if (n == nullptr)
      return required ? fail_here("missing key '" + std::string(key) + "'") : Status::Ok();
    if (!n->is_number()) return fail(n->source(), "'" + std::string(key) + "' must be a number");
    double v = n->value<double>().value_or(0);
    if (!(v >= min && v <= max))
      return fail(n->source(),
                  "'" + std::string(key) + "' must be in " + fmt(min) + ".." + fmt(max));
    *out = v;
    return Status::Ok();
  }

  Status seconds(std::string_view key, std::int64_t* out_us, double min_s, double max_s,
                 bool required = false) {
    double v = 0;
    const bool present = table_.get(key) != nullptr;
    Status s = number(key, &v, min_s, max_s, required);
    if (s.ok() && present) *out_us = to_us(v);
    return s;
  }

  Status integer(std::string_view key, std::int64_t* out, std::int64_t min, std::int64_t max,
                 bool required = false) {
    const toml::node* n = take(key);
    if (n == nullptr)
      return required ? fail_here("missing key '" + std::string(key) + "'") : Status::Ok();
    if (!n->is_integer()) return fail(n->source(), "'" + std::string(key) + "' must be an integer");
    std::int64_t v = n->value<std::int64_t>().value_or(0);
    if (v < min || v > max)
      return fail(n->source(), "'" + std::string(key) + "' must be in " + std::to_string(min) +
                                   ".." + std::to_string(max));
    *out = v;
    return Status::Ok();
  }

  Status text(std::string_view key, std::string* out, bool required = false) {
    const toml::node* n = take(key);
    if (n == nullptr)
      return required ? fail_here("missing key '" + std::string(key) + "'") : Status::Ok();
    if (!n->is_string()) return fail(n->source(), "'" + std::string(key) + "' must be a string");
    *out = n->value<std::string>().value_or("");
    if (out->empty()) return fail(n->source(), "'" + std::string(key) + "' must not be empty");
    return Status::Ok();
  }

  Status flag(std::string_view key, bool* out) {
    const toml::node* n = take(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_boolean())
      return fail(n->source(), "'" + std::string(key) + "' must be true or false");
    *out = n->value<bool>().value_or(false);
    return Status::Ok();
  }

  Status strings(std::string_view key, std::vector<std::string>* out) {
    const toml::node* n = take(key);
    if (n == nullptr) return Status::Ok();
    const toml::array* a = n->as_array();
    if (a == nullptr)
      return fail(n->source(), "'" + std::string(key) + "' must be an array of strings");
    for (const toml::node& e : *a) {
      if (!e.is_string() || e.value<std::string>().value_or("").empty())
        return fail(e.source(), "'" + std::string(key) + "' must hold non-empty strings");
      out->push_back(*e.value<std::string>());
    }
    return Status::Ok();
  }

  // An inline or standard table under `key`; nullptr and ok when absent.
  Status table(std::string_view key, const toml::table** out) {
    *out = nullptr;
    const toml::node* n = take(key);
    if (n == nullptr) return Status::Ok();
    if (!n->is_table()) return fail(n->source(), "'" + std::string(key) + "' must be a table");
    *out = n->as_table();
    return Status::Ok();
  }

  // An array of tables under `key` (inline tables or [[key]] sections).
  Status tables(std::string_view key, std::vector<const toml::table*>* out) {
    const toml::node* n = take(key);
    if (n == nullptr) return Status::Ok();
    const toml::array* a = n->as_array();
    if (a == nullptr)
      return fail(n->source(), "'" + std::string(key) + "' must be an array of tables");
    for (const toml::node& e : *a) {
      if (!e.is_table()) return fail(e.source(), "'" + std::string(key) + "' must hold tables");
      out->push_back(e.as_table());
    }
    return Status::Ok();
  }

  // Refuses the first key (in file order) that no getter asked for.
  Status finish() const {
    const toml::key* unknown = nullptr;
    for (auto&& [k, v] : table_) {
      (void)v;
      bool is_known = false;
      for (std::string_view name : known_) is_known = is_known || name == k.str();
      if (!is_known && (unknown == nullptr || k.source().begin.line < unknown->source().begin.line))
        unknown = &k;
    }
    if (unknown != nullptr)
      return fail(unknown->source(), "unknown key '" + std::string(unknown->str()) + "'");
    return Status::Ok();
  }

 private:
  static std::string fmt(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e15)
      return std::to_string(static_cast<std::int64_t>(v));
    std::ostringstream s;
    s << v;
    return s.str();
  }

  const toml::table& table_;
  std::string context_;
  const std::string& source_;
  std::vector<std::string_view> known_;
};

#define TL_TRY(expr)                                 \
  do {                                               \
    Status tl_try_status_ = (expr);                  \
    if (!tl_try_status_.ok()) return tl_try_status_; \
  } while (0)

Status read_distribution(FieldReader& parent, std::string_view key, Distribution* out) {
  const toml::table* t = nullptr;
  TL_TRY(parent.table(key, &t));
  if (t == nullptr) return Status::Ok();
  FieldReader r(*t, parent.context() + " " + std::string(key), parent.source());
  std::string kind_name;
  TL_TRY(r.text("distribution", &kind_name, true));
  Distribution d;
  if (!parse_distribution_kind(kind_name, &d.kind))
    return r.fail(
        t->get("distribution")->source(),
        "distribution must be fixed, exponential, lognormal or never, not '" + kind_name + "'");
  if (d.kind != Distribution::Kind::kInfinite)
    TL_TRY(r.number("mean_s", &d.mean_s, 0, kMaxSeconds, true));
  if (d.kind == Distribution::Kind::kLognormal) {
    TL_TRY(r.number("stddev_s", &d.stddev_s, 0, kMaxSeconds, true));
    if (d.mean_s <= 0) return r.fail_here("a lognormal distribution needs mean_s above 0");
  }
  TL_TRY(r.finish());
  *out = d;
  return Status::Ok();
}

Status read_engine(FieldReader& top, Scenario* s) {
  const toml::table* t = nullptr;
  TL_TRY(top.table("engine", &t));
  if (t == nullptr) return Status::Ok();
  FieldReader r(*t, "[engine]", top.source());
  EngineConfig& e = s->engine;
  TL_TRY(r.seconds("busy_delay_s", &e.busy_delay_us, 0, 86400));
  TL_TRY(r.seconds("reject_delay_s", &e.reject_delay_us, 0, 86400));
  TL_TRY(r.seconds("no_answer_delay_s", &e.no_answer_delay_us, 0, 86400));
  std::int64_t v = e.max_unanswered_offers;
  TL_TRY(r.integer("max_unanswered_offers", &v, 0, 1000));
  e.max_unanswered_offers = static_cast<std::uint32_t>(v);
  v = e.limits.max_callers;
  TL_TRY(r.integer("max_callers", &v, 1, 1'000'000));
  e.limits.max_callers = static_cast<std::uint32_t>(v);
  v = -1;
  TL_TRY(r.integer("random_seed", &v, 0, INT64_MAX));
  if (v >= 0) e.random_seed = static_cast<std::uint64_t>(v);
  return r.finish();
}

Status read_skill(const toml::table& t, std::size_t index, const std::string& source, Scenario* s) {
  FieldReader r(t, "[[skill]] #" + std::to_string(index + 1), source);
  SkillConfig c;
  TL_TRY(r.text("name", &c.name, true));
  TL_TRY(r.seconds("service_level_s", &c.service_level_us, 0.001, 86400));
  TL_TRY(r.finish());
  for (const SkillConfig& other : s->skills)
    if (other.name == c.name) return r.fail_here("skill '" + c.name + "' defined twice");
  Status v = validate_skill_config(c);
  if (!v.ok()) return r.fail_here(v.error().message);
  s->skills.push_back(c);
  return Status::Ok();
}

Status read_overflow(FieldReader& parent, std::string_view key, ScenarioOverflow* out) {
  const toml::table* t = nullptr;
  TL_TRY(parent.table(key, &t));
  if (t == nullptr) return Status::Ok();
  FieldReader r(*t, parent.context() + " " + std::string(key), parent.source());
  std::string action;
  TL_TRY(r.text("action", &action, true));
  ScenarioOverflow o;
  o.set = true;
  std::int64_t v = 0;
  if (action == "queue") {
    o.action.kind = OverflowKind::kQueue;
    TL_TRY(r.text("queue", &o.target_queue, true));
  } else if (action == "announcement") {
    o.action.kind = OverflowKind::kAnnouncement;
    TL_TRY(r.integer("announcement", &v, 1, UINT32_MAX, true));
    o.action.announcement = static_cast<std::uint32_t>(v);
  } else if (action == "external") {
    o.action.kind = OverflowKind::kExternal;
    TL_TRY(r.text("number", &o.action.external_number, true));
  } else if (action == "refuse") {
    o.action.kind = OverflowKind::kRefuse;
    v = 503;
    TL_TRY(r.integer("sip_status", &v, 400, 699));
    o.action.sip_status = static_cast<std::uint16_t>(v);
  } else {
    return r.fail(t->get("action")->source(),
                  "action must be queue, announcement, external or refuse, not '" + action + "'");
  }
  TL_TRY(r.finish());
  if (o.action.kind != OverflowKind::kQueue) {
    Status ok = validate_overflow_action(o.action, 1, kNoQueue);
    if (!ok.ok()) return r.fail_here(ok.error().message);
  }
  *out = o;
  return Status::Ok();
}

Status read_queue(const toml::table& t, std::size_t index, const std::string& source, Scenario* s) {
  FieldReader r(t, "[[queue]] #" + std::to_string(index + 1), source);
  ScenarioQueue q;
  QueueConfig& c = q.config;
  TL_TRY(r.text("name", &c.name, true));
  std::string strategy;
  TL_TRY(r.text("strategy", &strategy));
  if (!strategy.empty() && !parse_strategy(strategy, &c.strategy))
    return r.fail(t.get("strategy")->source(), "unknown strategy '" + strategy + "'");
  std::int64_t v = 0;
  TL_TRY(r.integer("priority", &v, 0, kPriorityLevels - 1));
  c.priority = static_cast<int>(v);
  double ageing = 1.0;
  TL_TRY(r.number("ageing_per_s", &ageing, 0, 1000));
  c.ageing_milli_per_s = std::llround(ageing * 1000);
  TL_TRY(r.seconds("service_level_s", &c.service_level_us, 0.001, 86400));
  v = 0;
  TL_TRY(r.integer("max_waiting", &v, 0, 10'000'000));
  c.max_waiting = static_cast<std::uint32_t>(v);
  TL_TRY(r.seconds("max_wait_s", &c.max_wait_us, 0, 86400));
  if (const toml::node* w = t.get("wrap_up_s"); w != nullptr && w->is_string()) {
    r.take("wrap_up_s");
    if (w->value<std::string>().value_or("") != "agent")
      return r.fail(w->source(), "'wrap_up_s' must be a number of seconds or \"agent\"");
    c.wrap_up_us = kNever;
  } else {
    TL_TRY(r.seconds("wrap_up_s", &c.wrap_up_us, 0, 86400));
  }
  TL_TRY(r.seconds("ring_timeout_s", &c.ring_timeout_us, 0, 86400));
  std::string policy;
  TL_TRY(r.text("when_no_agents", &policy));
  if (policy == "overflow") {
    c.when_no_agents = NoAgentsPolicy::kOverflow;
  } else if (!policy.empty() && policy != "wait") {
    return r.fail(t.get("when_no_agents")->source(), "when_no_agents must be wait or overflow");
  }
  std::vector<const toml::table*> steps;
  TL_TRY(r.tables("expansion", &steps));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    FieldReader sr(*steps[i], r.context() + " expansion step " + std::to_string(i + 1), source);
    ExpansionStep step;
    TL_TRY(sr.seconds("after_s", &step.after_us, 0, 86400, true));
    std::int64_t level = 0;
    TL_TRY(sr.integer("min_proficiency", &level, kMinProficiency, kMaxProficiency, true));
    step.min_proficiency = static_cast<std::uint8_t>(level);
    TL_TRY(sr.finish());
    c.expansion.push_back(step);
  }
  v = 0;
  TL_TRY(r.integer("greeting", &v, 0, UINT32_MAX));
  c.greeting_announcement = static_cast<std::uint32_t>(v);
  v = 0;
  TL_TRY(r.integer("music", &v, 0, UINT32_MAX));
  c.music = static_cast<std::uint32_t>(v);
  ScenarioOverflow common;
  TL_TRY(read_overflow(r, "overflow", &common));
  for (ScenarioOverflow& o : q.overflow) o = common;
  const char* per_reason[kOverflowReasonCount] = {"on_full", "on_max_wait", "on_no_agents",
                                                  "on_hop_limit"};
  for (int i = 0; i < kOverflowReasonCount; ++i) {
    ScenarioOverflow o;
    TL_TRY(read_overflow(r, per_reason[i], &o));
    if (o.set) q.overflow[i] = o;
  }
  TL_TRY(r.finish());
  for (const ScenarioQueue& other : s->queues)
    if (other.config.name == c.name) return r.fail_here("queue '" + c.name + "' defined twice");
  // Overflow targets are checked once every queue is known.
  QueueConfig check = c;
  for (OverflowAction& a : check.overflow) a = OverflowAction{};
  Status ok = validate_queue_config(check, 0);
  if (!ok.ok()) return r.fail_here(ok.error().message);
  s->queues.push_back(q);
  return Status::Ok();
}

Status read_agent(const toml::table& t, std::size_t index, const std::string& source, Scenario* s) {
  FieldReader r(t, "[[agent]] #" + std::to_string(index + 1), source);
  ScenarioAgentGroup g;
  TL_TRY(r.text("name", &g.name, true));
  std::int64_t v = 1;
  TL_TRY(r.integer("count", &v, 1, 100'000));  // the engine takes 100,000 agents in all
  g.count = static_cast<std::uint32_t>(v);
  const toml::table* skills = nullptr;
  TL_TRY(r.table("skills", &skills));
  if (skills != nullptr) {
    for (auto&& [k, node] : *skills) {
      if (!node.is_integer() || node.value<std::int64_t>().value_or(0) < kMinProficiency ||
          node.value<std::int64_t>().value_or(0) > kMaxProficiency)
        return r.fail(node.source(),
                      "skill '" + std::string(k.str()) + "' level must be an integer 1..5");
      bool known = false;
      for (const SkillConfig& sc : s->skills) known = known || sc.name == k.str();
      if (!known) return r.fail(k.source(), "unknown skill '" + std::string(k.str()) + "'");
      g.skills.push_back(
          {std::string(k.str()), static_cast<std::uint8_t>(*node.value<std::int64_t>())});
    }
  }
  TL_TRY(r.strings("queues", &g.queues));
  for (const std::string& name : g.queues) {
    bool known = false;
    for (const ScenarioQueue& q : s->queues) known = known || q.config.name == name;
    if (!known) return r.fail(t.get("queues")->source(), "unknown queue '" + name + "'");
  }
  std::vector<const toml::table*> shifts;
  TL_TRY(r.tables("shifts", &shifts));
  for (std::size_t i = 0; i < shifts.size(); ++i) {
    FieldReader sr(*shifts[i], r.context() + " shift " + std::to_string(i + 1), source);
    Shift sh;
    TL_TRY(sr.seconds("login_s", &sh.login_us, 0, kMaxSeconds, true));
    TL_TRY(sr.seconds("logout_s", &sh.logout_us, 0, kMaxSeconds));
    TL_TRY(sr.finish());
    if (sh.logout_us <= sh.login_us) return sr.fail_here("logout_s must be after login_s");
    if (!g.shifts.empty() && sh.login_us < g.shifts.back().logout_us)
      return sr.fail_here("shifts must be in order and must not overlap");
    g.shifts.push_back(sh);
  }
  std::vector<const toml::table*> breaks;
  TL_TRY(r.tables("breaks", &breaks));
  for (std::size_t i = 0; i < breaks.size(); ++i) {
    FieldReader br(*breaks[i], r.context() + " break " + std::to_string(i + 1), source);
    Break b;
    TL_TRY(br.seconds("start_s", &b.start_us, 0, kMaxSeconds, true));
    TL_TRY(br.seconds("duration_s", &b.duration_us, 1, 86400, true));
    std::int64_t reason = 1;
    TL_TRY(br.integer("reason", &reason, 0, kMaxUserReason));
    b.reason = static_cast<ReasonCode>(reason);
    TL_TRY(br.finish());
    g.breaks.push_back(b);
  }
  TL_TRY(read_distribution(r, "answer_delay", &g.answer_delay));
  if (g.answer_delay.never()) return r.fail_here("answer_delay cannot be 'never'");
  TL_TRY(r.number("no_answer_probability", &g.no_answer_probability, 0, 1));
  TL_TRY(r.number("reject_probability", &g.reject_probability, 0, 1));
  TL_TRY(r.number("busy_probability", &g.busy_probability, 0, 1));
  if (g.no_answer_probability + g.reject_probability + g.busy_probability > 1)
    return r.fail_here("no_answer, reject and busy probabilities add up to more than 1");
  TL_TRY(r.seconds("no_answer_after_s", &g.no_answer_after_us, 0.001, 3600));
  TL_TRY(read_distribution(r, "wrap_up", &g.wrap_up));
  TL_TRY(r.seconds("recover_s", &g.recover_us, 0, 86400));
  TL_TRY(r.finish());
  for (const ScenarioAgentGroup& other : s->agents)
    if (other.name == g.name) return r.fail_here("agent group '" + g.name + "' defined twice");
  s->agents.push_back(std::move(g));
  return Status::Ok();
}

Status read_traffic(const toml::table& t, std::size_t index, const std::string& source,
                    Scenario* s) {
  FieldReader r(t, "[[traffic]] #" + std::to_string(index + 1), source);
  ScenarioTraffic f;
  f.name = "traffic-" + std::to_string(index + 1);
  TL_TRY(r.text("name", &f.name));
  TL_TRY(r.text("queue", &f.queue, true));
  bool known = false;
  for (const ScenarioQueue& q : s->queues) known = known || q.config.name == f.queue;
  if (!known) return r.fail(t.get("queue")->source(), "unknown queue '" + f.queue + "'");
  TL_TRY(r.text("line_skill", &f.line_skill));
  TL_TRY(r.strings("incoming_skills", &f.incoming_skills));
  if (f.incoming_skills.size() > static_cast<std::size_t>(kMaxCallerSkills - 1))
    return r.fail(t.get("incoming_skills")->source(), "at most 3 incoming skills");
  std::vector<std::string> all = f.incoming_skills;
  if (!f.line_skill.empty()) all.push_back(f.line_skill);
  for (const std::string& name : all) {
    bool k = false;
    for (const SkillConfig& sc : s->skills) k = k || sc.name == name;
    if (!k) return r.fail_here("unknown skill '" + name + "'");
  }
  std::int64_t v = 0;
  TL_TRY(r.integer("priority", &v, 0, kPriorityLevels - 1));
  f.priority = static_cast<std::uint8_t>(v);
  double per_hour = 0;
  TL_TRY(r.number("calls_per_hour", &per_hour, 0, 1e7, true));
  f.arrivals_per_s = per_hour / 3600.0;
  TL_TRY(read_distribution(r, "handle", &f.handle));
  if (f.handle.never()) return r.fail_here("handle cannot be 'never'");
  TL_TRY(read_distribution(r, "patience", &f.patience));
  TL_TRY(r.seconds("start_s", &f.start_us, 0, kMaxSeconds));
  TL_TRY(r.seconds("end_s", &f.end_us, 0, kMaxSeconds));
  TL_TRY(r.finish());
  if (f.end_us <= f.start_us) return r.fail_here("end_s must be after start_s");
  s->traffic.push_back(std::move(f));
  return Status::Ok();
}

// Overflow targets name queues; agents' wrap-up must end somehow.
Status resolve(const toml::table& root, Scenario* s) {
  auto where = [&](std::string_view section, std::size_t index) -> std::string {
    const toml::array* a = root.get(section) ? root.get(section)->as_array() : nullptr;
    std::string at = "?";
    if (a != nullptr && index < a->size())
      at = std::to_string((*a)[index].source().begin.line) + ":" +
           std::to_string((*a)[index].source().begin.column);
    return s->source + ":" + at + ": [[" + std::string(section) + "]] #" +
           std::to_string(index + 1) + ": ";
  };
  for (std::size_t i = 0; i < s->queues.size(); ++i) {
    ScenarioQueue& q = s->queues[i];
    for (ScenarioOverflow& o : q.overflow) {
      if (!o.set || o.action.kind != OverflowKind::kQueue) continue;
      bool found = false;
      for (std::size_t j = 0; j < s->queues.size(); ++j) {
        if (s->queues[j].config.name != o.target_queue) continue;
        if (j == i) return Error{where("queue", i) + "a queue cannot overflow into itself"};
        o.action.queue = static_cast<QueueId>(j);
        found = true;
      }
      if (!found)
        return Error{where("queue", i) + "overflow to unknown queue '" + o.target_queue + "'"};
    }
  }
  for (std::size_t i = 0; i < s->agents.size(); ++i) {
    const ScenarioAgentGroup& g = s->agents[i];
    if (!g.wrap_up.never()) continue;
    for (const std::string& qn : g.queues)
      for (const ScenarioQueue& q : s->queues)
        if (q.config.name == qn && q.config.wrap_up_us == kNever)
          return Error{where("agent", i) + "queue '" + qn +
                       "' has wrap_up_s = \"agent\", so the group needs a wrap_up distribution"};
  }
  if (s->warmup_us >= s->duration_us)
    return Error{s->source + ": warmup_s must be below duration_s"};
  return Status::Ok();
}

}  // namespace

Result<Scenario> parse_scenario(std::string_view text, std::string_view source_name) {
  Scenario s;
  s.source = std::string(source_name);
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return Error{s.source + ":" + std::to_string(e.source().begin.line) + ":" +
                 std::to_string(e.source().begin.column) + ": " + std::string(e.description())};
  }
  FieldReader r(root, "top level", s.source);
  std::int64_t v = 1;
  Status st = r.integer("seed", &v, 0, INT64_MAX);
  if (!st.ok()) return st.error();
  s.seed = static_cast<std::uint64_t>(v);
  s.engine.random_seed = s.seed ^ 0x5eed;
  if (Status x = r.seconds("duration_s", &s.duration_us, 1, kMaxSeconds, true); !x.ok())
    return x.error();
  if (Status x = r.seconds("warmup_s", &s.warmup_us, 0, kMaxSeconds); !x.ok()) return x.error();
  if (Status x = r.seconds("drain_s", &s.drain_us, 0, kMaxSeconds); !x.ok()) return x.error();
  v = s.batches;
  if (Status x = r.integer("batches", &v, 1, 1000); !x.ok()) return x.error();
  s.batches = static_cast<std::uint32_t>(v);
  if (Status x = r.flag("check_invariants", &s.check_invariants); !x.ok()) return x.error();
  if (Status x = read_engine(r, &s); !x.ok()) return x.error();
  const std::string& src = s.source;
  struct Section {
    const char* key;
    Status (*read)(const toml::table&, std::size_t, const std::string&, Scenario*);
  };
  // Order matters: agents and traffic name skills and queues.
  const Section sections[] = {{"skill", read_skill},
                              {"queue", read_queue},
                              {"agent", read_agent},
                              {"traffic", read_traffic}};
  for (const Section& sec : sections) {
    std::vector<const toml::table*> tables;
    if (Status x = r.tables(sec.key, &tables); !x.ok()) return x.error();
    for (std::size_t i = 0; i < tables.size(); ++i)
      if (Status x = sec.read(*tables[i], i, src, &s); !x.ok()) return x.error();
  }
  if (Status x = r.finish(); !x.ok()) return x.error();
  if (s.queues.empty()) return Error{s.source + ": at least one [[queue]] is needed"};
  if (Status x = resolve(root, &s); !x.ok()) return x.error();
  std::uint64_t agents = 0;
  for (const ScenarioAgentGroup& g : s.agents) agents += g.count;
  s.engine.limits.max_agents = static_cast<std::uint32_t>(std::max<std::uint64_t>(1, agents));
  s.engine.limits.max_queues = static_cast<std::uint32_t>(s.queues.size());
  s.engine.limits.max_skills =
      static_cast<std::uint32_t>(std::max<std::size_t>(1, s.skills.size()));
  return s;
}

Result<Scenario> read_acd_config(const toml::table& table, const std::string& source) {
  Scenario s;
  s.source = source;
  FieldReader r(table, "acd", s.source);
  if (Status x = read_engine(r, &s); !x.ok()) return x.error();
  const struct {
    const char* key;
    Status (*read)(const toml::table&, std::size_t, const std::string&, Scenario*);
  } sections[] = {{"skill", read_skill}, {"queue", read_queue}};
  for (const auto& sec : sections) {
    std::vector<const toml::table*> tables;
    if (Status x = r.tables(sec.key, &tables); !x.ok()) return x.error();
    for (std::size_t i = 0; i < tables.size(); ++i)
      if (Status x = sec.read(*tables[i], i, s.source, &s); !x.ok()) return x.error();
  }
  if (Status x = r.finish(); !x.ok()) return x.error();
  if (Status x = resolve(table, &s); !x.ok()) return x.error();
  s.engine.limits.max_queues =
      static_cast<std::uint32_t>(std::max<std::size_t>(1, s.queues.size()));
  s.engine.limits.max_skills =
      static_cast<std::uint32_t>(std::max<std::size_t>(1, s.skills.size()));
  return s;
}

Result<Scenario> parse_acd_config(std::string_view text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    return Error{std::string(source_name) + ":" + std::to_string(e.source().begin.line) + ":" +
                 std::to_string(e.source().begin.column) + ": " + std::string(e.description())};
  }
  return read_acd_config(root, std::string(source_name));
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{path + ": read error"};
  return parse_scenario(text.str(), path);
}

}  // namespace trunkline::acd
