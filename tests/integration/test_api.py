"""The HTTPS control API of the real daemon, over real TLS with curl from
inside the appliance's namespace (127.0.0.1 only): TLS only, first login
with forced password change and TOTP enrolment for the administrator
roles, tenant administration, the audit trail, /metrics, and the
cross-tenant matrix: every role of tenant alpha against tenant beta's
objects, each refused and beta left untouched."""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from contextlib import closing

import pytest

from api_support import (PORT, Client, api_config, make_api_certificate, totp, user_add,
                         wait_for_api)
from calls_support import wait_for
from conftest import build_dir
from testbed import Testbed
PROVISION = """
[[tenants]]
name = "alpha"
sip_domain = "alpha.example"
  [[tenants.acd.skill]]
  name = "sales"
  [[tenants.acd.queue]]
  name = "sales"
  [[tenants.agents]]
  name = "ann"
  password = "ann-phone-1"
  [[tenants.agents]]
  name = "agent-a"
  password = "agent-phone-1"
  skills = { sales = 3 }
  queues = ["sales"]
[[tenants]]
name = "beta"
sip_domain = "beta.example"
  [[tenants.agents]]
  name = "bob"
  password = "bob-phone-1"
"""


@pytest.fixture(scope="module")
def api():
    tb = Testbed(build_dir(), provision=PROVISION, recorder={}, nas=True)
    tb.extra_config = api_config(tb.dir)
    with tb:
        c = Client(tb)
        assert wait_for_api(tb, c), tb.log()[-2000:]
        yield tb, c


def tenant_ids(tb):
    r = subprocess.run([tb.binary, "show", "tenants", "--json", "--store", tb.store_path],
                       capture_output=True, text=True)
    return {t["name"]: t["id"] for t in json.loads(r.stdout)}


def test_tls_only_and_problem_bodies(api):
    tb, c = api
    plain = tb.app(["curl", "-sS", "-m", "5", "http://127.0.0.1:%d/api/v1/health/live" % PORT])
    assert plain.returncode != 0 or "HTTP/1" not in plain.stdout
    old = tb.app(["curl", "-sS", "-m", "5", "--cacert", c.cert, "--tls-max", "1.1",
                  "https://127.0.0.1:%d/api/v1/health/live" % PORT])
    assert old.returncode != 0, "TLS 1.1 must be refused"
    code, text = c.call("GET", "/api/v1/tenants", extra=["-D", "/dev/stdout"])
    assert code == 401
    assert "application/problem+json" in text
    code, p = c.json("POST", "/api/v1/login", body="{not json")
    assert code == 400 and p["field"] == "body" and p["status"] == 400


def test_roles_tenancy_and_audit(api):
    tb, c = api
    ids = tenant_ids(tb)
    a, b = ids["alpha"], ids["beta"]
    root_pw = user_add(tb, "--system", "--name", "root", "--role", "system_admin")
    root, root_secret = c.first_login(None, "root", root_pw, mfa=True)
    # The second factor's secret is sealed in the store under the master key...
    with closing(sqlite3.connect(tb.store_path)) as db:
        stored = db.execute("SELECT totp_secret FROM accounts WHERE name = 'root'").fetchone()[0]
    assert stored.startswith("seal1:") and root_secret not in stored, stored
    # ...and opens again for the next login's second step (the next 30 s step:
    # the enrolment's own code cannot be replayed).
    code, r = c.json("POST", "/api/v1/login", body={"tenant": None, "user": "root",
                                                    "password": "Changed-pw-root"})
    assert code == 200 and r.get("mfa_ticket"), r
    code, r = c.json("POST", "/api/v1/login/mfa", body={"mfa_ticket": r["mfa_ticket"],
                                                        "code": totp(root_secret, time.time() + 30)})
    assert code == 200 and r.get("token"), r
    tokens = {}
    admins = {}
    for name, tid in (("alpha", a), ("beta", b)):
        pw = user_add(tb, "--tenant", name, "--name", "admin-" + name, "--role", "tenant_admin")
        admins[name], _ = c.first_login(tid, "admin-" + name, pw, mfa=True)
    # Alpha's administrator creates one user of every other role.
    for role in ("supervisor", "agent", "compliance_officer", "auditor"):
        code, r = c.json("POST", "/api/v1/tenants/%d/users" % a, admins["alpha"],
                         {"name": role + "-a", "role": role})
        assert code == 201, r
        tokens[role], _ = c.first_login(a, role + "-a", r["initial_password"],
                                        mfa=role == "compliance_officer")
    tokens["tenant_admin"] = admins["alpha"]
    code, r = c.json("POST", "/api/v1/tenants/%d/users" % b, admins["beta"],
                     {"name": "victim", "role": "agent"})
    assert code == 201

    # A field at fault is named.
    code, p = c.json("PUT", "/api/v1/tenants/%d/password-policy" % a, admins["alpha"],
                     {"min_length": 4, "max_length_admin": 64, "max_length_agent": 20,
                      "expiry_days": 0, "lock_after_failures": 3, "require_upper": False,
                      "require_lower": False, "require_digit": False, "require_symbol": False,
                      "history_generations": 2, "must_change_initial": True})
    assert code == 400 and p["field"] == "min_length", p

    code, before = c.json("GET", "/api/v1/tenants/%d/users" % b, admins["beta"])
    assert code == 200
    bt = "/api/v1/tenants/%d" % b
    rec = "0123456789abcdef0123456789abcdef"
    matrix = [("GET", bt + "/users"), ("POST", bt + "/users"), ("DELETE", bt + "/users/victim"),
              ("POST", bt + "/users/victim/unlock"), ("POST", bt + "/users/victim/password-reset"),
              ("POST", bt + "/users/victim/mfa-reset"), ("GET", bt + "/password-policy"),
              ("PUT", bt + "/password-policy"), ("GET", bt + "/account-review"),
              ("GET", bt + "/audit"), ("GET", bt + "/dids"), ("GET", bt + "/trunks"),
              ("GET", bt + "/agents"), ("PUT", bt + "/provisioning"), ("GET", bt + "/board"),
              ("GET", bt + "/recordings"), ("POST", bt + "/recordings/%s/hold" % rec),
              ("POST", bt + "/recordings/%s/release" % rec),
              ("GET", bt + "/recordings/%s/audio" % rec), ("POST", bt + "/recordings/%s/verify" % rec),
              ("DELETE", bt + "/recordings/%s" % rec), ("GET", bt + "/events"),
              ("GET", bt + "/skills"), ("GET", bt + "/queues"), ("GET", "/api/v1/tenants"),
              ("POST", "/api/v1/tenants"), ("POST", "/api/v1/reload")]
    refused = 0
    for role, token in tokens.items():
        for method, path in matrix:
            code, p = c.json(method, path, token, {"name": "x", "role": "agent"})
            assert code == 403, (role, method, path, p)
            refused += 1
    assert refused == 5 * len(matrix)
    code, after = c.json("GET", "/api/v1/tenants/%d/users" % b, admins["beta"])
    assert after == before, "tenant beta untouched"

    # The auditor of alpha reads alpha's trail: its refusals are there, with
    # the source address; beta's trail is not.
    code, trail = c.json("GET", "/api/v1/tenants/%d/audit" % a, tokens["auditor"])
    assert code == 200
    assert any(e["action"] == "api.users.create" and e["actor"] == "admin-alpha"
               and e["source"] == "127.0.0.1" for e in trail["entries"])
    assert all("victim" not in e["target"] for e in trail["entries"])
    code, review = c.json("GET", "/api/v1/tenants/%d/account-review" % a, tokens["auditor"])
    assert code == 200 and review["accounts"] == 5
    # The system administrator sees every tenant and the metrics.
    code, ts = c.json("GET", "/api/v1/tenants", root)
    assert code == 200 and {t["name"] for t in ts["tenants"]} >= {"alpha", "beta"}
    code, text = c.call("GET", "/metrics", root)
    assert code == 200 and "trunkline_uptime_seconds" in text
    # The agent drives its own ACD state; its supervisor sees it on the board.
    code, v = c.json("POST", "/api/v1/me/agent/login", tokens["agent"], {"ready": True})
    assert code == 200 and v["state"] == "ready", v
    code, p = c.json("POST", "/api/v1/me/agent/not-ready", tokens["agent"], {"reason": 0})
    assert code == 400 and p["field"] == "reason", p
    code, v = c.json("POST", "/api/v1/me/agent/not-ready", tokens["agent"], {"reason": 4})
    assert code == 200 and v["state"] == "not_ready" and v["reason"] == 4, v
    code, p = c.json("POST", "/api/v1/me/agent/end-wrap-up", tokens["agent"])
    assert code == 409, (code, p)
    code, board = c.json("GET", "/api/v1/tenants/%d/board" % a, tokens["supervisor"])
    assert code == 200 and board["agents"]["agent-a"]["state"] == "not_ready", board
    assert "bob" not in json.dumps(board)
    # The supervisor's live event stream shows the agent's login and not-ready.
    events = "https://127.0.0.1:%d/api/v1/tenants/%d/events" % (PORT, a)
    sse = tb.app(["curl", "-sS", "-N", "--max-time", "3", "--cacert", c.cert, "-H",
                  "Authorization: Bearer " + tokens["supervisor"], events], timeout=30)
    assert sse.returncode == 28, sse.stderr  # still streaming when curl gave up
    seen = [json.loads(line[6:]) for line in sse.stdout.splitlines()
            if line.startswith("data: ")]
    ids = [int(line[4:]) for line in sse.stdout.splitlines() if line.startswith("id: ")]
    assert ids == sorted(ids) and len(ids) == len(seen), sse.stdout
    moves = [(e["agent"], e["to"]) for e in seen if e["event"] == "agent_state"]
    assert ("agent-a", "ready") in moves and ("agent-a", "not_ready") in moves, seen
    assert all(e.get("agent") != "bob" for e in seen)
    # Reconnecting after the last event gets nothing already seen.
    sse = tb.app(["curl", "-sS", "-N", "--max-time", "2", "--cacert", c.cert, "-H",
                  "Authorization: Bearer " + tokens["supervisor"], "-H",
                  "Last-Event-ID: %d" % ids[-1], events], timeout=30)
    assert "data: " not in sse.stdout, sse.stdout
    code, p = c.json("GET", "/api/v1/tenants/%d/events" % b, tokens["supervisor"])
    assert code == 403, p
    # The ACD configuration, read back; agents with their skills and queues.
    code, skills = c.json("GET", "/api/v1/tenants/%d/skills" % a, admins["alpha"])
    assert code == 200 and [s["name"] for s in skills["skills"]] == ["sales"], skills
    code, queues = c.json("GET", "/api/v1/tenants/%d/queues" % a, admins["alpha"])
    assert code == 200 and [q["name"] for q in queues["queues"]] == ["sales"], queues
    code, agents = c.json("GET", "/api/v1/tenants/%d/agents" % a, admins["alpha"])
    agent_a = [x for x in agents["agents"] if x["name"] == "agent-a"][0]
    assert agent_a["skills"] == {"sales": 3} and agent_a["queues"] == ["sales"], agents
    # Compliance retrieval: an ID alpha does not have is "not found" on every
    # verb; a malformed one is named.
    co = tokens["compliance_officer"]
    at = "/api/v1/tenants/%d/recordings/" % a
    for method, suffix in (("GET", "/audio"), ("POST", "/verify"), ("DELETE", "")):
        code, p = c.json(method, at + rec + suffix, co)
        assert code == 404 and p["field"] == "id", (method, suffix, p)
    code, p = c.json("GET", at + "nope/audio", co)
    assert code == 400 and p["field"] == "id", p
    r = subprocess.run([tb.binary, "agent", "status", "--tenant", "alpha", "--agent", "agent-a",
                        "--socket", tb.socket], capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["state"] == "not_ready", r.stdout + r.stderr
    # The chain stays intact through all of it.
    r = subprocess.run([tb.binary, "audit", "verify", "--config", tb.config_path],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_certificate_rotates_on_sighup(api):
    """Replace the certificate files, send SIGHUP: new connections get the new
    certificate. Files that do not load are refused and the old one stays."""
    tb, c = api
    url = "https://127.0.0.1:%d/api/v1/health/live" % PORT
    old = os.path.join(tb.dir, "old-api-cert.pem")
    shutil.copy(c.cert, old)
    key = os.path.join(tb.dir, "api-key.pem")
    with open(key, "w") as f:
        f.write("not a key\n")
    refused = tb.log().count("event=api_tls_reload_refused")
    os.kill(tb.daemon.pid, signal.SIGHUP)
    assert wait_for(lambda: tb.log().count("event=api_tls_reload_refused") > refused), \
        tb.log()[-2000:]
    assert tb.app(["curl", "-sS", "--cacert", old, url]).returncode == 0

    make_api_certificate(tb.dir)  # new key and certificate in the configured files
    reloaded = tb.log().count("event=api_tls_reloaded")
    os.kill(tb.daemon.pid, signal.SIGHUP)
    assert wait_for(lambda: tb.log().count("event=api_tls_reloaded") > reloaded), tb.log()[-2000:]
    assert tb.app(["curl", "-sS", "--cacert", c.cert, url]).returncode == 0
    stale = tb.app(["curl", "-sS", "--cacert", old, url])
    assert stale.returncode != 0, stale.stdout  # the old certificate is no longer served

