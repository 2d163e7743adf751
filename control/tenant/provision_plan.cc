#include "control/tenant/provision_plan.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "control/acd/scenario.h"
#include "control/tenant/digest.h"
#include "control/tenant/dtmf_menu.h"
#include "control/tenant/rules.h"

namespace trunkline::tenant {

namespace {

FilePos pos_of(const toml::source_region& where, std::string key) {
  return {static_cast<std::uint32_t>(where.begin.line),
          static_cast<std::uint32_t>(where.begin.column), std::move(key)};
}

// Keeps the first error with its position; every getter checks the key is
// known and the type right (the style of control/config/config.cc).
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& file() const { return file_; }

  void fail(const toml::source_region& where, const std::string& key, const std::string& what) {
    if (!failed()) error_ = located(file_, pos_of(where, key), what);
  }
  void fail_file(const std::string& what) {
    if (!failed()) error_ = file_ + ": " + what;
  }
  // An error already located by another reader (the ACD configuration's).
  void fail_located(const std::string& what) {
    if (!failed()) error_ = what;
  }
  // A rule's verdict on a value: fails at the value when it is refused.
  void check(const Status& verdict, const toml::node& n, const std::string& key) {
    if (!verdict) fail(n.source(), key, verdict.error().message);
  }

  void only_keys(const toml::table& table, const std::string& prefix,
                 std::initializer_list<std::string_view> known) {
    for (auto&& [k, node] : table) {
      bool ok = false;
      for (auto kn : known) ok = ok || kn == k.str();
      if (!ok) {
        std::string list;
        for (auto kn : known) list += (list.empty() ? "" : ", ") + std::string(kn);
        fail(k.source(), prefix + "." + std::string(k.str()),
             "unknown key (known here: " + list + ")");
      }
    }
  }

  // The string at `key`, or nullptr (missing: an error when `required`).
  const toml::node* string(const toml::table& t, const std::string& prefix, std::string_view key,
                           std::string* out, bool required) {
    const std::string full = prefix + "." + std::string(key);
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required) fail(t.source(), full, "missing (required)");
      return nullptr;
    }
    auto v = n->value_exact<std::string>();
    if (!v) {
      fail(n->source(), full, "expected a string");
      return nullptr;
    }
    *out = *v;
    return n;
  }

  // The [[prefix.key]] tables, or an empty list.
  std::vector<const toml::table*> tables(const toml::table& t, const std::string& prefix,
                                         std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* n = t.get(key);
    if (n == nullptr) return out;
    const toml::array* a = n->as_array();
    const std::string full = prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
    if (a == nullptr || !a->is_array_of_tables()) {
      fail(n->source(), full, "expected [[" + full + "]] tables");
      return out;
    }
    for (const toml::node& e : *a) out.push_back(e.as_table());
    return out;
  }

 private:
  std::string file_;
  std::string error_;
};

void read_trunk(Reader& r, const toml::table& t, const std::string& p, store::Trunk* out) {
  r.only_keys(t, p, {"name", "allow", "transport", "outbound"});
  if (const toml::node* n = r.string(t, p, "name", &out->name, true))
    r.check(rules::check_name(out->name), *n, p + ".name");
  const toml::node* allow = t.get("allow");
  const toml::array* a = allow ? allow->as_array() : nullptr;
  if (allow == nullptr) {
    r.fail(t.source(), p + ".allow", "missing (the carrier's source addresses or prefixes)");
  } else if (a == nullptr || a->empty()) {
    r.fail(allow->source(), p + ".allow", "expected a non-empty array of addresses or prefixes");
  } else {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < a->size() && !r.failed(); ++i) {
      const toml::node& e = *a->get(i);
      const std::string key = p + ".allow[" + std::to_string(i) + "]";
      auto v = e.value_exact<std::string>();
      if (!v) {
        r.fail(e.source(), key, "expected a string (an address or prefix)");
        break;
      }
      auto canonical = rules::canonical_source(*v);
      if (!canonical) {
        r.fail(e.source(), key, canonical.error().message);
      } else if (!seen.insert(*canonical).second) {
        r.fail(e.source(), key, "'" + *v + "' is listed twice");
      } else {
        out->allow.push_back(*canonical);
      }
    }
  }
  if (const toml::node* n = r.string(t, p, "transport", &out->transport, false)) {
    if (out->transport != "udp" && out->transport != "tcp" && out->transport != "tls")
      r.fail(n->source(), p + ".transport", "expected one of udp, tcp, tls");
  }
  if (const toml::node* n = r.string(t, p, "outbound", &out->outbound, false))
    r.check(rules::check_host_port(out->outbound), *n, p + ".outbound");
}

void read_agent(Reader& r, const toml::table& t, const std::string& p, const std::string& realm,
                store::Agent* out) {
  r.only_keys(t, p,
              {"name", "display", "sip_user", "password", "static_contact", "alternate_number",
               "srtp", "skills", "queues"});
  if (const toml::node* n = r.string(t, p, "name", &out->name, true))
    r.check(rules::check_name(out->name), *n, p + ".name");
  if (const toml::node* n = r.string(t, p, "display", &out->display, false))
    r.check(rules::check_display(out->display), *n, p + ".display");
  out->sip_user = out->name;  // the default
  if (const toml::node* n = r.string(t, p, "sip_user", &out->sip_user, false))
    r.check(rules::check_sip_user(out->sip_user), *n, p + ".sip_user");
  std::string password;
  if (const toml::node* n = r.string(t, p, "password", &password, true)) {
    r.check(rules::check_password(password), *n, p + ".password");
  }
  if (const toml::node* n = r.string(t, p, "static_contact", &out->static_contact, false))
    r.check(rules::check_host_port(out->static_contact), *n, p + ".static_contact");
  if (const toml::node* n = r.string(t, p, "alternate_number", &out->alternate_number, false))
    r.check(rules::check_number(out->alternate_number), *n, p + ".alternate_number");
  if (const toml::node* n = t.get("srtp")) {
    if (auto v = n->value_exact<bool>()) {
      out->srtp = *v;
    } else {
      r.fail(n->source(), p + ".srtp", "expected true or false");
    }
  }
  if (!r.failed()) {
    out->ha1_md5 = ha1(DigestAlgorithm::kMd5, out->sip_user, realm, password);
    out->ha1_sha256 = ha1(DigestAlgorithm::kSha256, out->sip_user, realm, password);
  }
  std::fill(password.begin(), password.end(), '\0');
}

void read_did(Reader& r, const toml::table& t, const std::string& p,
              const std::map<std::string, std::size_t>& agents, const std::string& agents_key,
              PlanDid* out) {
  store::Did& d = out->did;
  r.only_keys(t, p, {"number", "line_skill", "agents", "record", "queue", "menu"});
  if (const toml::node* n = r.string(t, p, "queue", &d.queue, false))
    r.check(rules::check_name(d.queue), *n, p + ".queue");
  if (const toml::node* n = r.string(t, p, "number", &d.number, true)) {
    out->number_pos = pos_of(n->source(), p + ".number");
    r.check(rules::check_number(d.number), *n, p + ".number");
  }
  if (const toml::node* n = r.string(t, p, "line_skill", &d.line_skill, false))
    r.check(rules::check_name(d.line_skill), *n, p + ".line_skill");
  if (const toml::node* n = t.get("agents")) {
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      r.fail(n->source(), p + ".agents", "expected an array of agent names");
    } else {
      for (std::size_t i = 0; i < a->size() && !r.failed(); ++i) {
        const toml::node& e = *a->get(i);
        const std::string key = p + ".agents[" + std::to_string(i) + "]";
        auto v = e.value_exact<std::string>();
        if (!v) {
          r.fail(e.source(), key, "expected a string (an agent name)");
        } else if (agents.count(*v) == 0) {
          r.fail(e.source(), key, "unknown agent '" + *v + "' (not in " + agents_key + ")");
        } else if (std::find(d.agents.begin(), d.agents.end(), *v) != d.agents.end()) {
          r.fail(e.source(), key, "agent '" + *v + "' is listed twice");
        } else {
          d.agents.push_back(*v);
        }
      }
    }
  }
  if (const toml::node* n = t.get("record")) {
    auto v = n->value_exact<bool>();
    if (!v) {
      r.fail(n->source(), p + ".record", "expected true or false");
    } else {
      d.record = *v;
    }
  }
}

// Name uniqueness within one list: fails at the second use.
template <typename T, typename Key>
void unique_names(Reader& r, const std::vector<const toml::table*>& tables,
                  const std::vector<T>& items, const std::string& prefix, const char* field,
                  const char* what, Key key_of) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size() && !r.failed(); ++i) {
    const std::string k = key_of(items[i]);
    if (!seen.insert(k).second) {
      const toml::node* n = tables[i]->get(field);
      r.fail(n ? n->source() : tables[i]->source(), prefix + "[" + std::to_string(i) + "]." + field,
             std::string(what) + " '" + k + "' is used twice in this tenant");
    }
  }
}

// [tenants.acd]: the simulator's [engine], [[skill]] and [[queue]], kept as
// canonical TOML text for the daemon (tenant setting "acd").
std::optional<acd::Scenario> read_acd(Reader& r, const toml::table& t, const std::string& p,
                                      PlanTenant* out) {
  const toml::node* n = t.get("acd");
  if (n == nullptr) return std::nullopt;
  const toml::table* table = n->as_table();
  if (table == nullptr) {
    r.fail(n->source(), p + ".acd", "expected a table ([" + p + ".acd])");
    return std::nullopt;
  }
  auto config = acd::read_acd_config(*table, r.file());
  if (!config) {
    r.fail_located(config.error().message + " (in " + p + ".acd)");
    return std::nullopt;
  }
  std::ostringstream text;
  text << toml::toml_formatter{*table};
  out->acd_config = text.str();
  return std::move(*config);
}

bool has_skill(const acd::Scenario& acd, const std::string& name) {
  for (const acd::SkillConfig& s : acd.skills)
    if (s.name == name) return true;
  return false;
}

bool has_queue(const acd::Scenario& acd, const std::string& name) {
  for (const acd::ScenarioQueue& q : acd.queues)
    if (q.config.name == name) return true;
  return false;
}

// An agent's `skills = { sales = 5 }` and `queues = ["sales"]`.
void read_agent_acd(Reader& r, const toml::table& t, const std::string& p, const acd::Scenario* acd,
                    store::Agent* out) {
  if (const toml::node* n = t.get("skills")) {
    const toml::table* skills = n->as_table();
    if (skills == nullptr) {
      r.fail(n->source(), p + ".skills", "expected a table of skill = proficiency (1..5)");
      return;
    }
    for (auto&& [k, v] : *skills) {
      const std::string key = p + ".skills." + std::string(k.str());
      auto level = v.value_exact<std::int64_t>();
      if (acd == nullptr) {
        r.fail(k.source(), key, "the tenant has no [tenants.acd] defining skills");
      } else if (!has_skill(*acd, std::string(k.str()))) {
        r.fail(k.source(), key, "unknown skill '" + std::string(k.str()) + "'");
      } else if (!level || *level < acd::kMinProficiency || *level > acd::kMaxProficiency) {
        r.fail(v.source(), key, "expected a proficiency from 1 to 5");
      } else {
        out->skills.emplace_back(std::string(k.str()), static_cast<int>(*level));
      }
      if (r.failed()) return;
    }
  }
  if (const toml::node* n = t.get("queues")) {
    const toml::array* a = n->as_array();
    if (a == nullptr) {
      r.fail(n->source(), p + ".queues", "expected an array of queue names");
      return;
    }
    for (std::size_t i = 0; i < a->size() && !r.failed(); ++i) {
      const toml::node& e = *a->get(i);
      const std::string key = p + ".queues[" + std::to_string(i) + "]";
      auto v = e.value_exact<std::string>();
      if (!v) {
        r.fail(e.source(), key, "expected a string (a queue name)");
      } else if (acd == nullptr || !has_queue(*acd, *v)) {
        r.fail(e.source(), key, "unknown queue '" + *v + "' (not in [tenants.acd] queue)");
      } else if (std::find(out->queues.begin(), out->queues.end(), *v) != out->queues.end()) {
        r.fail(e.source(), key, "queue '" + *v + "' is listed twice");
      } else if (out->queues.size() >= static_cast<std::size_t>(acd::kMaxAgentQueues)) {
        r.fail(e.source(), key, "an agent joins at most 16 queues");
      } else {
        out->queues.push_back(*v);
      }
    }
  }
}

// `menu = { prompt = 3, timeout_s = 6, options = { "1" = "billing" } }`:
// keys 0-9 * #, each an ACD skill; only on a queued number.
void read_menu(Reader& r, const toml::node& n, const std::string& p, const acd::Scenario* acd,
               store::Did* d) {
  const toml::table* t = n.as_table();
  const std::string key = p + ".menu";
  if (t == nullptr)
    return r.fail(n.source(), key, "expected a table { prompt, timeout_s, options }");
  r.only_keys(*t, key, {"prompt", "timeout_s", "options"});
  if (d->queue.empty()) return r.fail(n.source(), key, "a menu needs the number's queue");
  DtmfMenu m;
  const toml::node* prompt = t->get("prompt");
  auto pv = prompt ? prompt->value_exact<std::int64_t>() : std::nullopt;
  if (!pv || *pv < 1 || *pv > 65535)
    return r.fail(prompt ? prompt->source() : t->source(), key + ".prompt",
                  "expected a [[prompts]] id 1..65535 (required)");
  m.prompt = static_cast<std::uint16_t>(*pv);
  if (const toml::node* to = t->get("timeout_s")) {
    auto tv = to->value_exact<std::int64_t>();
    if (!tv || *tv < 1 || *tv > 60)
      return r.fail(to->source(), key + ".timeout_s", "expected 1..60 seconds");
    m.timeout_s = static_cast<std::uint32_t>(*tv);
  }
  const toml::node* options = t->get("options");
  const toml::table* ot = options ? options->as_table() : nullptr;
  if (ot == nullptr || ot->empty())
    return r.fail(options ? options->source() : t->source(), key + ".options",
                  "expected a table of key = incoming skill, e.g. { \"1\" = \"billing\" }");
  for (auto&& [k, v] : *ot) {
    const std::string okey = key + ".options." + std::string(k.str());
    auto skill = v.value_exact<std::string>();
    const int event = k.str().size() == 1 ? dtmf_event_of(k.str()[0]) : -1;
    if (event < 0) return r.fail(k.source(), okey, "a menu key is one of 0-9, * or #");
    if (!skill || acd == nullptr || !has_skill(*acd, *skill))
      return r.fail(v.source(), okey, "expected a skill of [tenants.acd]");
    m.skill_for[static_cast<std::size_t>(event)] = *skill;
  }
  d->menu = encode_menu(m);
}

// A number with a queue: the queue exists, its line skill is a skill, and
// it has no agents list of its own (the ACD chooses).
void check_did_acd(Reader& r, const toml::table& t, const std::string& p, const acd::Scenario* acd,
                   const store::Did& d) {
  if (d.queue.empty()) return;
  const toml::node* n = t.get("queue");
  if (acd == nullptr || !has_queue(*acd, d.queue)) {
    r.fail(n->source(), p + ".queue",
           "unknown queue '" + d.queue + "' (not in [tenants.acd] queue)");
  } else if (!d.agents.empty()) {
    r.fail(n->source(), p + ".queue", "a number goes to a queue or to a list of agents, not both");
  } else if (!d.line_skill.empty() && !has_skill(*acd, d.line_skill)) {
    r.fail(t.get("line_skill")->source(), p + ".line_skill",
           "unknown skill '" + d.line_skill + "' (a queued number's line skill is an ACD skill)");
  }
}

void read_tenant(Reader& r, const toml::table& t, const std::string& p,
                 std::map<std::string, std::string>* numbers_seen, PlanTenant* out) {
  r.only_keys(t, p, {"name", "sip_domain", "trunks", "agents", "dids", "acd"});
  if (const toml::node* n = r.string(t, p, "name", &out->name, true))
    r.check(rules::check_name(out->name), *n, p + ".name");
  if (const toml::node* n = r.string(t, p, "sip_domain", &out->sip_domain, true)) {
    out->domain_pos = pos_of(n->source(), p + ".sip_domain");
    r.check(rules::check_domain(out->sip_domain), *n, p + ".sip_domain");
    out->sip_domain = rules::lowercase(out->sip_domain);
  }
  if (r.failed()) return;

  const auto trunks = r.tables(t, p, "trunks");
  for (std::size_t i = 0; i < trunks.size() && !r.failed(); ++i) {
    out->trunks.emplace_back();
    read_trunk(r, *trunks[i], p + ".trunks[" + std::to_string(i) + "]", &out->trunks.back());
  }
  unique_names(r, trunks, out->trunks, p + ".trunks", "name", "trunk",
               [](const store::Trunk& x) { return x.name; });

  const std::optional<acd::Scenario> acd = read_acd(r, t, p, out);
  if (r.failed()) return;

  const auto agents = r.tables(t, p, "agents");
  std::map<std::string, std::size_t> agent_index;
  for (std::size_t i = 0; i < agents.size() && !r.failed(); ++i) {
    out->agents.emplace_back();
    const std::string ap = p + ".agents[" + std::to_string(i) + "]";
    read_agent(r, *agents[i], ap, out->sip_domain, &out->agents.back());
    read_agent_acd(r, *agents[i], ap, acd ? &*acd : nullptr, &out->agents.back());
    agent_index.emplace(out->agents.back().name, i);
  }
  unique_names(r, agents, out->agents, p + ".agents", "name", "agent",
               [](const store::Agent& x) { return x.name; });
  unique_names(r, agents, out->agents, p + ".agents", "sip_user", "sip user",
               [](const store::Agent& x) { return x.sip_user; });
  if (r.failed()) return;
  bool has_outbound = false;
  for (const store::Trunk& tr : out->trunks) has_outbound = has_outbound || !tr.outbound.empty();
  for (std::size_t i = 0; i < out->agents.size(); ++i) {
    if (!out->agents[i].alternate_number.empty() && !has_outbound) {
      r.fail(agents[i]->get("alternate_number")->source(),
             p + ".agents[" + std::to_string(i) + "].alternate_number",
             "needs a trunk with 'outbound' in this tenant to reach it");
      return;
    }
  }

  const auto dids = r.tables(t, p, "dids");
  for (std::size_t i = 0; i < dids.size() && !r.failed(); ++i) {
    const std::string dp = p + ".dids[" + std::to_string(i) + "]";
    out->dids.emplace_back();
    read_did(r, *dids[i], dp, agent_index, p + ".agents", &out->dids.back());
    if (r.failed()) return;
    check_did_acd(r, *dids[i], dp, acd ? &*acd : nullptr, out->dids.back().did);
    if (const toml::node* menu = dids[i]->get("menu"); menu != nullptr && !r.failed())
      read_menu(r, *menu, dp, acd ? &*acd : nullptr, &out->dids.back().did);
    if (r.failed()) return;
    // Unique across the whole file, '+' ignored, like in the store.
    const std::string& number = out->dids.back().did.number;
    const std::string digits = number[0] == '+' ? number.substr(1) : number;
    auto [it, fresh] = numbers_seen->emplace(digits, dp + ".number");
    if (!fresh) {
      r.fail(dids[i]->get("number")->source(), dp + ".number",
             "number '" + number + "' is already provisioned at " + it->second);
    }
  }
}

}  // namespace

std::string located(const std::string& file, const FilePos& pos, const std::string& reason) {
  std::ostringstream os;
  os << file << ':' << pos.line << ':' << pos.column << ": key '" << pos.key << "': " << reason;
  return os.str();
}

Result<ProvisionPlan> read_plan(std::string_view text, const std::string& name) {
  toml::table root;
  try {
    root = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << name << ':' << e.source().begin.line << ':' << e.source().begin.column
       << ": TOML syntax: " << e.description();
    return Error{os.str()};
  }
  Reader r(name);
  ProvisionPlan plan;
  plan.file = name;
  for (auto&& [k, node] : root) {
    if (k.str() != "tenants") {
      r.fail(k.source(), std::string(k.str()), "unknown key (known here: tenants)");
    }
  }
  const auto tenants = r.tables(root, "", "tenants");
  if (!r.failed() && tenants.empty()) r.fail_file("no [[tenants]]: nothing to provision");
  std::map<std::string, std::string> numbers_seen;  // digits -> where
  std::map<std::string, std::string> names_seen, domains_seen;
  for (std::size_t i = 0; i < tenants.size() && !r.failed(); ++i) {
    const std::string p = "tenants[" + std::to_string(i) + "]";
    plan.tenants.emplace_back();
    PlanTenant& t = plan.tenants.back();
    read_tenant(r, *tenants[i], p, &numbers_seen, &t);
    if (r.failed()) break;
    if (auto [it, fresh] = names_seen.emplace(t.name, p); !fresh) {
      r.fail(tenants[i]->get("name")->source(), p + ".name",
             "tenant '" + t.name + "' is already provisioned at " + it->second);
    } else if (auto [dit, dfresh] = domains_seen.emplace(t.sip_domain, p); !dfresh) {
      r.fail(tenants[i]->get("sip_domain")->source(), p + ".sip_domain",
             "domain '" + t.sip_domain + "' is already used by " + dit->second);
    }
  }
  if (r.failed()) return Error{r.error()};
  return plan;
}

Result<ProvisionPlan> read_plan_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the provisioning file"};
  std::ostringstream text;
  text << in.rdbuf();
  return read_plan(text.str(), path);
}

}  // namespace trunkline::tenant
