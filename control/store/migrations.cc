#include "control/store/migrations.h"

namespace trunkline::store {

namespace {

// Tenant-owned tables carry tenant_id NOT NULL REFERENCES tenants, and their
// primary key starts with tenant_id so every lookup is a tenant-prefixed seek.
constexpr Migration kMigrations[] = {
    {1, "tenants",
     R"sql(
CREATE TABLE tenants (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 128),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
)sql"},
    {2, "appliance and tenant settings",
     R"sql(
CREATE TABLE appliance_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE tenant_settings (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key       TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 256),
  value     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key)
) WITHOUT ROWID;
)sql"},
    {3, "tenant domains, trunks, agents, numbers, call detail records",
     R"sql(
ALTER TABLE tenants ADD COLUMN sip_domain TEXT
  CHECK (sip_domain IS NULL OR length(sip_domain) BETWEEN 1 AND 253);
CREATE UNIQUE INDEX tenants_sip_domain ON tenants (sip_domain COLLATE NOCASE);

CREATE TABLE trunks (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name      TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  transport TEXT NOT NULL CHECK (transport IN ('udp', 'tcp', 'tls')),
  outbound  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, name)
) WITHOUT ROWID;
CREATE TABLE trunk_sources (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  trunk     TEXT NOT NULL,
  position  INTEGER NOT NULL CHECK (position >= 0),
  source    TEXT NOT NULL CHECK (length(source) BETWEEN 1 AND 64),
  PRIMARY KEY (tenant_id, trunk, position),
  FOREIGN KEY (tenant_id, trunk) REFERENCES trunks (tenant_id, name) ON DELETE CASCADE
) WITHOUT ROWID;

-- Only digests of the phone's password: H(sip_user:realm:password).
CREATE TABLE agents (
  tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
  display          TEXT NOT NULL DEFAULT '',
  sip_user         TEXT NOT NULL CHECK (length(sip_user) BETWEEN 1 AND 128),
  ha1_md5          TEXT NOT NULL CHECK (length(ha1_md5) = 32),
  ha1_sha256       TEXT NOT NULL CHECK (length(ha1_sha256) = 64),
  static_contact   TEXT NOT NULL DEFAULT '',
  alternate_number TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, name),
  UNIQUE (tenant_id, sip_user)
) WITHOUT ROWID;

-- A number belongs to one tenant: unique across the appliance with any
-- leading '+' ignored (the expression index).
CREATE TABLE dids (
  tenant_id  INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  number     TEXT NOT NULL CHECK (
               length(number) BETWEEN 1 AND 32 AND
               (number NOT GLOB '*[^0-9]*' OR
                (substr(number, 1, 1) = '+' AND length(number) > 1 AND
                 substr(number, 2) NOT GLOB '*[^0-9]*'))),
  line_skill TEXT NOT NULL DEFAULT '',
  record     INTEGER NOT NULL DEFAULT 0 CHECK (record IN (0, 1)),
  PRIMARY KEY (tenant_id, number)
) WITHOUT ROWID;
CREATE UNIQUE INDEX dids_digits ON dids (ltrim(number, '+'));
CREATE TABLE did_agents (
  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  number    TEXT NOT NULL,
  position  INTEGER NOT NULL CHECK (position >= 0),
  agent     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, number, position),
  UNIQUE (tenant_id, number, agent),
  FOREIGN KEY (tenant_id, number) REFERENCES dids (tenant_id, number) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, agent) REFERENCES agents (tenant_id, name) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX did_agents_agent ON did_agents (tenant_id, agent);

-- Times are Unix milliseconds (UTC); answered_at_ms 0 = never answered.
-- id is a per-tenant sequence.
CREATE TABLE cdrs (
  tenant_id        INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id               INTEGER NOT NULL CHECK (id >= 1),
  call_id          TEXT NOT NULL,
  caller           TEXT NOT NULL DEFAULT '',
  did              TEXT NOT NULL DEFAULT '',
  agent            TEXT NOT NULL DEFAULT '',
  trunk            TEXT NOT NULL DEFAULT '',
  started_at_ms    INTEGER NOT NULL,
  answered_at_ms   INTEGER NOT NULL DEFAULT 0,
  ended_at_ms      INTEGER NOT NULL,
  outcome          TEXT NOT NULL CHECK (outcome IN ('answered', 'abandoned', 'busy',
                     'no_answer', 'unreachable', 'refused', 'failed')),
  cause_code       INTEGER NOT NULL DEFAULT 0,
  cause_text       TEXT NOT NULL DEFAULT '',
  caller_packets   INTEGER NOT NULL DEFAULT 0,
  caller_lost      INTEGER NOT NULL DEFAULT 0,
  caller_jitter_ms REAL NOT NULL DEFAULT 0,
  caller_mos       REAL NOT NULL DEFAULT 0,
  agent_packets    INTEGER NOT NULL DEFAULT 0,
  agent_lost       INTEGER NOT NULL DEFAULT 0,
  agent_jitter_ms  REAL NOT NULL DEFAULT 0,
  agent_mos        REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id)
) WITHOUT ROWID;
CREATE INDEX cdrs_started ON cdrs (tenant_id, started_at_ms);
)sql"},
    {4, "agents' phones that take SRTP only",
     R"sql(
ALTER TABLE agents ADD COLUMN srtp INTEGER NOT NULL DEFAULT 0 CHECK (srtp IN (0, 1));
)sql"},
    {5, "recording index, mirror copies, tenant retention, audit log",
     R"sql(
-- One row per recording accepted from the recorder (nas/). Times are Unix
-- milliseconds (UTC); sha256 is the lowercase hex digest of the whole file,
-- the checksum every mirror copy is compared with. Rows are never deleted:
-- an erased or shredded recording keeps its row (state) as evidence.
CREATE TABLE recordings (
  tenant_id     INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  recording_id  TEXT NOT NULL CHECK (length(recording_id) = 32 AND
                                     recording_id NOT GLOB '*[^0-9a-f]*'),
  call_id       TEXT NOT NULL DEFAULT '',
  caller_number TEXT NOT NULL DEFAULT '',
  did           TEXT NOT NULL DEFAULT '',
  agent         TEXT NOT NULL DEFAULT '',
  skill         TEXT NOT NULL DEFAULT '',
  codec         TEXT NOT NULL DEFAULT '',
  started_at_ms INTEGER NOT NULL DEFAULT 0,
  ended_at_ms   INTEGER NOT NULL DEFAULT 0,
  bytes         INTEGER NOT NULL CHECK (bytes >= 0),
  sha256        TEXT NOT NULL CHECK (length(sha256) = 64),
  state         TEXT NOT NULL CHECK (state IN ('spooled', 'published', 'degraded',
                                               'erased', 'expired', 'shredded')),
  legal_hold    INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1)),
  truncated     INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
  indexed_at_ms INTEGER NOT NULL,
  deleted_at_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, recording_id)
) WITHOUT ROWID;
CREATE INDEX recordings_started ON recordings (tenant_id, started_at_ms);
CREATE INDEX recordings_call ON recordings (tenant_id, call_id);
CREATE INDEX recordings_state ON recordings (state);

-- Where each recording is held: one row per (recording, mirror name).
CREATE TABLE recording_copies (
  tenant_id      INTEGER NOT NULL,
  recording_id   TEXT NOT NULL,
  mirror         TEXT NOT NULL CHECK (length(mirror) BETWEEN 1 AND 4096),
  state          TEXT NOT NULL CHECK (state IN ('ok', 'missing', 'bad', 'deleted')),
  verified_at_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, recording_id, mirror),
  FOREIGN KEY (tenant_id, recording_id) REFERENCES recordings (tenant_id, recording_id)
    ON DELETE CASCADE
) WITHOUT ROWID;

-- Per-tenant retention; no row = the appliance default, no hold.
CREATE TABLE tenant_retention (
  tenant_id        INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  retention_days   INTEGER CHECK (retention_days IS NULL OR retention_days >= 1),
  legal_hold       INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1)),
  terminated_at_ms INTEGER NOT NULL DEFAULT 0
);

-- Append-only, hash-chained (control/audit/). tenant_id NULL: an appliance
-- action. No foreign key: the trail outlives what it names.
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY,
  at_ms     INTEGER NOT NULL,
  tenant_id INTEGER,
  actor     TEXT NOT NULL,
  role      TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  result    TEXT NOT NULL,
  source    TEXT NOT NULL,
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash      TEXT NOT NULL CHECK (length(hash) = 64)
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql"},
    {6, "ACD: agents' skills and queues, numbers routed to a queue",
     R"sql(
-- skills: "sales=5,support=3" (skill=proficiency 1..5); queues: "sales,support"
-- in the order the agent joins them. Names are checked against the tenant's
-- ACD configuration (tenant setting 'acd') when provisioned.
ALTER TABLE agents ADD COLUMN skills TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN queues TEXT NOT NULL DEFAULT '';
-- A number with a queue is distributed by the ACD; without one, its agents
-- list is tried in order.
ALTER TABLE dids ADD COLUMN queue TEXT NOT NULL DEFAULT '';
-- A DTMF menu before the queue: "prompt=3;timeout_s=6;1=billing;2=support"
-- (prompt id, seconds to wait for a digit, digit=incoming skill); "": none.
ALTER TABLE dids ADD COLUMN menu TEXT NOT NULL DEFAULT '';
)sql"},
    {7, "control API accounts, password policies, second factors",
     R"sql(
-- Accounts of the control API (control/api/account_repository.h). tenant_id
-- NULL: a system administrator, the only role without a tenant. Names are
-- unique within a tenant (the expression index treats NULL as one scope).
-- Times are Unix seconds (UTC); NULL = never.
CREATE TABLE accounts (
  id                   INTEGER PRIMARY KEY,
  tenant_id            INTEGER REFERENCES tenants(id) ON DELETE CASCADE,
  name                 TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
  role                 TEXT NOT NULL CHECK (role IN ('system_admin', 'tenant_admin',
                         'supervisor', 'agent', 'compliance_officer', 'auditor')),
  password_hash        TEXT NOT NULL,
  password_changed_at  INTEGER NOT NULL,
  must_change_password INTEGER NOT NULL CHECK (must_change_password IN (0, 1)),
  failed_attempts      INTEGER NOT NULL CHECK (failed_attempts >= 0),
  locked               INTEGER NOT NULL CHECK (locked IN (0, 1)),
  locked_at            INTEGER,
  last_login_at        INTEGER,
  password_verified_at INTEGER,
  totp_secret          TEXT,
  totp_algorithm       TEXT CHECK (totp_algorithm IN ('sha1', 'sha256', 'sha512')),
  totp_digits          INTEGER,
  totp_step_s          INTEGER,
  totp_last_step       INTEGER,
  created_at           INTEGER NOT NULL,
  CHECK ((tenant_id IS NULL) = (role = 'system_admin'))
);
CREATE UNIQUE INDEX accounts_name ON accounts (ifnull(tenant_id, 0), name);

-- Earlier password hashes, most recent first (position 0), at most 10.
CREATE TABLE account_previous_hashes (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  position   INTEGER NOT NULL CHECK (position BETWEEN 0 AND 9),
  hash       TEXT NOT NULL,
  PRIMARY KEY (account_id, position)
) WITHOUT ROWID;

-- SHA-256 (hex) of each recovery code not yet used.
CREATE TABLE account_recovery_codes (
  account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  code_hash  TEXT NOT NULL CHECK (length(code_hash) = 64),
  PRIMARY KEY (account_id, code_hash)
) WITHOUT ROWID;

-- One policy per tenant (NULL: the system administrators'); no row = the
-- defaults of control/auth/password_policy.h.
CREATE TABLE password_policies (
  tenant_id           INTEGER REFERENCES tenants(id) ON DELETE CASCADE,
  min_length          INTEGER NOT NULL,
  max_length_admin    INTEGER NOT NULL,
  max_length_agent    INTEGER NOT NULL,
  expiry_days         INTEGER NOT NULL,
  lock_after_failures INTEGER NOT NULL,
  require_upper       INTEGER NOT NULL CHECK (require_upper IN (0, 1)),
  require_lower       INTEGER NOT NULL CHECK (require_lower IN (0, 1)),
  require_digit       INTEGER NOT NULL CHECK (require_digit IN (0, 1)),
  require_symbol      INTEGER NOT NULL CHECK (require_symbol IN (0, 1)),
  history_generations INTEGER NOT NULL,
  must_change_initial INTEGER NOT NULL CHECK (must_change_initial IN (0, 1))
);
CREATE UNIQUE INDEX password_policies_scope ON password_policies (ifnull(tenant_id, 0));
)sql"},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace trunkline::store
