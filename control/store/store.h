// The store: config and records behind one interface. SQLite is the embedded
// default (sqlite_store.h); a shared PostgreSQL store can implement the same
// interface later.
//
// Every table that belongs to a tenant is keyed by tenant_id, and the only way
// to reach such a table is through a TenantStore obtained for one tenant: its
// queries all carry that tenant's ID, so a request in tenant A's name cannot
// read, list, count or change tenant B's rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace trunkline::store {

using TenantId = std::int64_t;

struct Tenant {
  TenantId id = 0;
  std::string name;
  std::string created_at;  // UTC, ISO 8601
  // The tenant's SIP domain: the digest realm and the domain its agents'
  // phones register in. Unique across tenants; "" until provisioned.
  std::string sip_domain;
};

// A carrier peer of one tenant (`trunkline provision`, control/tenant/).
struct Trunk {
  std::string name;
  // Source addresses or prefixes allowed to send to us, as "a.b.c.d/len" or
  // "addr6/len", in the order provisioned.
  std::vector<std::string> allow;
  std::string transport = "udp";  // udp | tcp | tls
  std::string outbound;           // "host:port" for calls to ordinary numbers, or ""
  bool operator==(const Trunk&) const = default;
};

// An agent and the credentials of their phone. Only the HA1 digests
// H(sip_user:realm:password), realm = the tenant's sip_domain, are stored,
// as lowercase hex; the password never is.
struct Agent {
  std::string name;
  std::string display;
  std::string sip_user;
  std::string ha1_md5;           // 32 hex digits
  std::string ha1_sha256;        // 64 hex digits
  std::string static_contact;    // "host:port" of a phone that does not register, or ""
  std::string alternate_number;  // reached through a trunk when the phone is unreachable, or ""
  bool srtp = false;             // the phone takes SRTP (SDES) only: calls offer RTP/SAVP
  // ACD membership: skills with a proficiency 1..5, and the queues the agent
  // takes calls from, in the order joined (names of the tenant's ACD config).
  std::vector<std::pair<std::string, int>> skills;
  std::vector<std::string> queues;
  bool operator==(const Agent&) const = default;
};

// A carrier-facing number. Unique across the appliance, leading '+' ignored
// ("+81312345678" and "81312345678" are the same number).
struct Did {
  std::string number;               // "+81312345678" (E.164) or digits
  std::string line_skill;           // skill of the line, for the ACD; may be ""
  std::vector<std::string> agents;  // agent names, in the order tried
  bool record = false;
  std::string queue;  // an ACD queue: the ACD picks the agent (then `agents` is empty)
  // A DTMF menu choosing the caller's incoming skill before the queue, as
  // "prompt=3;timeout_s=6;1=billing;2=support" (tenant::DtmfMenu reads it); "": none.
  std::string menu;
  bool operator==(const Did&) const = default;
};

// How a call ended, as stored in cdrs.outcome.
#define TL_CDR_OUTCOMES(X)       \
  X(kAnswered, "answered")       \
  X(kAbandoned, "abandoned")     \
  X(kBusy, "busy")               \
  X(kNoAnswer, "no_answer")      \
  X(kUnreachable, "unreachable") \
  X(kRefused, "refused")         \
  X(kFailed, "failed")

enum class CdrOutcome : std::uint8_t {
#define TL_CDR_OUTCOME_ENUM(e, text) e,
  TL_CDR_OUTCOMES(TL_CDR_OUTCOME_ENUM)
#undef TL_CDR_OUTCOME_ENUM
};
const char* to_string(CdrOutcome outcome);
std::optional<CdrOutcome> parse_cdr_outcome(std::string_view text);

// Media quality of one leg of a call, as measured by the dataplane.
struct LegStats {
  std::uint64_t packets = 0;
  std::uint64_t lost = 0;
  double jitter_ms = 0;
  double mos = 0;  // estimated, 1.0 .. 4.5; 0 when no media
  bool operator==(const LegStats&) const = default;
};

// One call detail record. Times are Unix milliseconds, UTC.
struct Cdr {
  std::int64_t id = 0;  // per-tenant sequence number, assigned by add_cdr
  std::string call_id;  // Call-ID of the inbound leg
  std::string caller;   // caller's number as the carrier sent it
  std::string did;      // number called
  std::string agent;    // agent name, or "" when no agent took part
  std::string trunk;    // trunk name
  std::int64_t started_at_ms = 0;
  std::int64_t answered_at_ms = 0;  // 0: never answered
  std::int64_t ended_at_ms = 0;
  CdrOutcome outcome = CdrOutcome::kFailed;
  int cause_code = 0;      // SIP status or Q.850 cause, 0 when none
  std::string cause_text;  // reason phrase or BYE reason
  LegStats caller_leg;
  LegStats agent_leg;
  bool operator==(const Cdr&) const = default;
};

// Data of one tenant; every method is scoped to that tenant.
class TenantStore {
 public:
  virtual ~TenantStore() = default;
  virtual TenantId tenant_id() const = 0;
  virtual Status set_setting(const std::string& key, const std::string& value) = 0;
  virtual Result<std::optional<std::string>> setting(const std::string& key) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> settings() = 0;
  virtual Status delete_setting(const std::string& key) = 0;

  // Trunks, agents and numbers of this tenant. put_* inserts or replaces the
  // entry of that name (number); lists are ordered by name (number).
  virtual Status put_trunk(const Trunk& trunk) = 0;
  virtual Result<std::vector<Trunk>> trunks() = 0;
  virtual Status delete_trunk(const std::string& name) = 0;

  virtual Status put_agent(const Agent& agent) = 0;
  virtual Result<std::vector<Agent>> agents() = 0;
  virtual Result<std::optional<Agent>> agent(const std::string& name) = 0;
  // Removes the agent from every number's agent list too.
  virtual Status delete_agent(const std::string& name) = 0;

  // The number's agents must be agents of this tenant; a number another
  // tenant holds (leading '+' ignored) is refused.
  virtual Status put_did(const Did& did) = 0;
  virtual Result<std::vector<Did>> dids() = 0;
  virtual Result<std::optional<Did>> did(const std::string& number) = 0;  // exact number
  virtual Status delete_did(const std::string& number) = 0;

  // Call detail records. add_cdr returns the record's ID (1, 2, ... per
  // tenant). cdrs returns the latest `limit` records that started at or after
  // `since_ms`, oldest first.
  virtual Result<std::int64_t> add_cdr(const Cdr& cdr) = 0;
  virtual Result<std::vector<Cdr>> cdrs(std::size_t limit, std::int64_t since_ms = 0) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Highest migration applied.
  virtual int schema_version() = 0;

  // Appliance-level settings (not owned by any tenant).
  virtual Status set_appliance_setting(const std::string& key, const std::string& value) = 0;
  virtual Result<std::optional<std::string>> appliance_setting(const std::string& key) = 0;

  // Tenants. Names are unique; an unknown tenant is an error naming its ID.
  virtual Result<TenantId> create_tenant(const std::string& name) = 0;
  virtual Result<std::vector<Tenant>> tenants() = 0;
  virtual Result<std::unique_ptr<TenantStore>> tenant(TenantId id) = 0;

  // Tenants with their SIP domain (unique across tenants, "" = none).
  virtual Result<TenantId> create_tenant(const std::string& name,
                                         const std::string& sip_domain) = 0;
  virtual Status set_sip_domain(TenantId id, const std::string& sip_domain) = 0;
  virtual Result<std::optional<Tenant>> tenant_by_name(const std::string& name) = 0;
  // Which tenant holds a number (leading '+' ignored): numbers are unique
  // across the appliance, so this is the one question about them asked
  // outside a tenant's scope. It reveals an ID, no tenant data.
  virtual Result<std::optional<TenantId>> did_owner(const std::string& number) = 0;

  // Runs `body` in one transaction: committed if it returns Ok, rolled back
  // otherwise (its error is returned). Calls on this store and its tenant
  // scopes inside `body`, from the same thread, are part of the transaction;
  // other threads wait until it ends. Transactions do not nest.
  virtual Status transaction(const std::function<Status()>& body) = 0;
};

}  // namespace trunkline::store
