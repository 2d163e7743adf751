"""Calls distributed by the ACD, with real peers: sipp as the carrier calling
a number provisioned with a queue, sipp UAS phones as the agents alice and
bob, and `trunkline agent` changing the agents' states while calls run.
Waiting callers hear the queue's announcement and music (RTP from the
lcore, checked on the wire with tshark); every call ends with the agent the
queue's strategy names; the CDRs and the status board agree."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from calls_support import SIPP, cdrs, counts, sipp_cmd, wait_for
from conftest import build_dir
from testbed import Testbed

CARRIER = "198.51.100.10"
ALICE = "198.51.100.20"
BOB = "198.51.100.21"
DID = "+81312345000"         # queue "sales": longest idle, waits when nobody is in
CLOSED_DID = "+81312345001"  # queue "night": nobody ever logs in, callers refused 486
MENU_DID = "+81312345002"    # queue "help" behind a menu: 1 billing (alice), 2 support (bob)
MEDIA = (21000, 21999)

PROVISION = """
[[tenants]]
name = "acme"
sip_domain = "acme.example"
  [tenants.acd.engine]
  busy_delay_s = 1
  [[tenants.acd.skill]]
  name = "sales"
  [[tenants.acd.queue]]
  name = "sales"
  strategy = "longest_idle"
  greeting = 1
  music = 2
  [[tenants.acd.skill]]
  name = "billing"
  [[tenants.acd.skill]]
  name = "support"
  [[tenants.acd.queue]]
  name = "help"
  strategy = "longest_idle"
  music = 2
  [[tenants.acd.queue]]
  name = "night"
  when_no_agents = "overflow"
  on_no_agents = { action = "refuse", sip_status = 486 }
  [[tenants.trunks]]
  name = "carrier-a"
  allow = ["%(carrier)s"]
  [[tenants.agents]]
  name = "alice"
  password = "alice-pw-1"
  static_contact = "%(alice)s:5070"
  skills = { sales = 5, billing = 5 }
  queues = ["sales", "help"]
  [[tenants.agents]]
  name = "bob"
  password = "bob-pw-12"
  static_contact = "%(bob)s:5070"
  skills = { sales = 3, support = 4 }
  queues = ["sales", "night", "help"]
  [[tenants.dids]]
  number = "%(did)s"
  line_skill = "sales"
  queue = "sales"
  [[tenants.dids]]
  number = "%(closed)s"
  queue = "night"
  [[tenants.dids]]
  number = "%(menu)s"
  queue = "help"
  menu = { prompt = 1, timeout_s = 10, options = { "1" = "billing", "2" = "support" } }
""" % {"carrier": CARRIER, "alice": ALICE, "bob": BOB, "did": DID, "closed": CLOSED_DID,
       "menu": MENU_DID}


@pytest.fixture(scope="module")
def acd():
    prompts = tempfile.mkdtemp(prefix="trunkline-prompts-")
    # The announcement (1 s) and the music (2 s, looped) the callers hear.
    for name, seconds, freq in (("greeting.wav", 1, 440), ("music.wav", 2, 660)):
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16",
                        os.path.join(prompts, name), "synth", str(seconds), "sine", str(freq)],
                       check=True)
    extra = ('[[prompts]]\nid = 1\nfile = "%s"\n[[prompts]]\nid = 2\nfile = "%s"\n'
             % (os.path.join(prompts, "greeting.wav"), os.path.join(prompts, "music.wav")))
    try:
        with Testbed(build_dir(), name="tla%d" % (os.getpid() % 10000), capture=True,
                     sip={"test_responder": False}, extra_peer4=[ALICE, BOB],
                     provision=PROVISION, media={"port_min": MEDIA[0], "port_max": MEDIA[1]},
                     extra_config=extra) as tb:
            yield tb
    finally:
        shutil.rmtree(prompts, ignore_errors=True)


def agent(tb, *args):
    r = subprocess.run([tb.binary, "agent", *args, "--tenant", "acme", "--socket", tb.socket],
                       capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout, r.stderr


def agent_ok(tb, *args):
    rc, out, err = agent(tb, *args)
    assert rc == 0, (args, out, err, tb.log()[-2000:])
    return json.loads(out)


def phone(tb, addr, media_port):
    return tb.peer_popen(sipp_cmd(tb, addr, 5070, {"-sn": "uas", "-rtp_echo": True,
                                                   "-mp": media_port, "-m": 1}),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def carrier_call(tb, port, media_port, did=DID):
    return tb.peer_popen(sipp_cmd(tb, CARRIER, port,
                                  {"-sf": os.path.join(SIPP, "carrier_call.xml"), "-s": did,
                                   "-mp": media_port, "-m": 1, tb.APP4 + ":5060": True}),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_agent_commands_refuse_what_they_cannot_do(acd):
    tb = acd
    rc, _, err = agent(tb, "ready", "--agent", "nobody")
    assert rc == 1 and "not_found" in err and "nobody" in err, err
    rc, _, err = agent(tb, "ready", "--agent", "alice")  # logged out: cannot be ready
    assert rc == 1 and "conflict" in err, err
    rc, _, err = agent(tb, "not-ready", "--agent", "alice")
    assert rc == 2 and "--reason" in err, err
    unknown = subprocess.run([tb.binary, "agent", "board", "--tenant", "globex", "--socket",
                              tb.socket], capture_output=True, text=True)
    assert unknown.returncode == 1 and "no tenant 'globex'" in unknown.stderr, unknown.stderr
    view = agent_ok(tb, "status", "--agent", "alice")
    assert view["state"] == "logged_out" and view["call"] is None, view
    shown = subprocess.run([tb.binary, "show", "agents", "--tenant", "acme", "--json", "--store",
                            tb.store_path], capture_output=True, text=True, check=True)
    bob = [a for a in json.loads(shown.stdout) if a["name"] == "bob"][0]
    assert bob["skills"] == {"sales": 3, "support": 4}, bob
    assert bob["queues"] == ["sales", "night", "help"], bob


def test_waiting_caller_hears_prompts_then_the_agent_who_logs_in(acd):
    tb = acd
    before = tb.stats()
    alice = phone(tb, ALICE, 6300)
    time.sleep(0.5)
    carrier = carrier_call(tb, 5080, 6400)
    # Nobody is logged in: the caller waits, hearing the greeting then music.
    assert wait_for(lambda: tb.stats()["acd_callers_arrived"] > before["acd_callers_arrived"], 10)
    time.sleep(3)
    agent_ok(tb, "login", "--agent", "alice")
    c_out = carrier.communicate(timeout=90)[0]
    a_out = alice.communicate(timeout=90)[0]
    assert counts(c_out) == (1, 0), c_out[-3000:] + tb.log()[-3000:]
    assert counts(a_out) == (1, 0), a_out[-3000:]

    # The carrier got a 183 with our SDP (early media), then the 200.
    early = tb.tshark("sip.Status-Code == 183 && sdp && ip.dst == %s" % CARRIER,
                      ["frame.time_relative", "sdp.media.port", "sdp.media.format"])
    assert early, tb.log()[-3000:]
    answered = tb.tshark("sip.Status-Code == 200 && sip.CSeq.method == \"INVITE\" && "
                         "ip.dst == %s" % CARRIER, ["frame.time_relative"])
    t_answer = float(answered[0][0])
    port_a = int(early[0][1])
    # The prompt's RTP reached the carrier before anyone answered: >= 2.5 s
    # of 20 ms packets while it waited.
    prompt = [row for row in tb.tshark(
        "udp && ip.src == %s && ip.dst == %s && udp.srcport == %d && udp.dstport == 6400"
        % (tb.APP4, CARRIER, port_a), ["frame.time_relative"]) if float(row[0]) < t_answer]
    assert len(prompt) >= 125, (len(prompt), tb.log()[-2000:])

    after = tb.stats()
    assert after["calls_queued"] - before["calls_queued"] == 1
    assert after["calls_queue_prompts"] - before["calls_queue_prompts"] >= 1
    assert after["dataplane_media_playout_packets"] - before["dataplane_media_playout_packets"] >= len(prompt) - 5
    assert after["acd_offers"] - before["acd_offers"] == 1
    rows = wait_for(lambda: [c for c in cdrs(tb) if c.get("did") == DID and
                             c.get("outcome") == "answered"], 10)
    assert rows and rows[-1]["agent"] == "alice", cdrs(tb)
    board = agent_ok(tb, "board")
    assert board["queues"]["sales"]["answered"] >= 1, board
    agent_ok(tb, "logout", "--agent", "alice")


def test_longest_idle_agent_gets_each_call_and_not_ready_is_skipped(acd):
    tb = acd
    agent_ok(tb, "login", "--agent", "alice")
    time.sleep(0.3)
    agent_ok(tb, "login", "--agent", "bob")
    # alice has been idle longest: the first call is hers.
    alice = phone(tb, ALICE, 6310)
    c1 = carrier_call(tb, 5081, 6410)
    assert counts(c1.communicate(timeout=90)[0]) == (1, 0), tb.log()[-3000:]
    assert counts(alice.communicate(timeout=90)[0]) == (1, 0)
    # Now bob has: the second call is his.
    bob = phone(tb, BOB, 6320)
    c2 = carrier_call(tb, 5082, 6420)
    assert counts(c2.communicate(timeout=90)[0]) == (1, 0), tb.log()[-3000:]
    assert counts(bob.communicate(timeout=90)[0]) == (1, 0)
    # alice is idle longest again, but not ready: the third call is bob's.
    view = agent_ok(tb, "not-ready", "--agent", "alice", "--reason", "7")
    assert view["state"] == "not_ready" and view["reason"] == 7, view
    bob = phone(tb, BOB, 6330)
    c3 = carrier_call(tb, 5083, 6430)
    assert counts(c3.communicate(timeout=90)[0]) == (1, 0), tb.log()[-3000:]
    assert counts(bob.communicate(timeout=90)[0]) == (1, 0)

    answered = wait_for(lambda: [c for c in cdrs(tb) if c.get("did") == DID and
                                 c.get("outcome") == "answered"][-3:], 10)
    assert [c["agent"] for c in answered] == ["alice", "bob", "bob"], answered
    board = agent_ok(tb, "board")
    assert board["agents"]["bob"]["calls"] >= 2 and board["agents"]["alice"]["calls"] >= 1, board
    # The engine's metrics and the CDRs tell the same story.
    all_answered = [c for c in cdrs(tb) if c.get("did") == DID and c.get("outcome") == "answered"]
    assert board["queues"]["sales"]["answered"] == len(all_answered), (board, all_answered)
    for name in ("alice", "bob"):
        assert board["agents"][name]["calls"] == len(
            [c for c in all_answered if c["agent"] == name]), (board, all_answered)
    assert board["agents"]["alice"]["state"] == "not_ready", board
    for name in ("alice", "bob"):
        agent_ok(tb, "logout", "--agent", name)


def test_queue_without_agents_refuses_so_the_carrier_reroutes(acd):
    tb = acd
    xml = open(os.path.join(SIPP, "carrier_refused.xml")).read().replace("EXPECTED_CODE", "486")
    path = os.path.join(tb.dir, "refused-486.xml")
    with open(path, "w") as f:
        f.write(xml)
    before = tb.stats()
    r = tb.peer(sipp_cmd(tb, CARRIER, 5084, {"-sf": path, "-s": CLOSED_DID, "-m": 1,
                                            tb.APP4 + ":5060": True}), timeout=90)
    assert counts(r.stdout + r.stderr) == (1, 0), r.stdout[-2000:] + tb.log()[-2000:]
    after = tb.stats()
    assert after["calls_queue_released"] - before["calls_queue_released"] == 1
    rows = wait_for(lambda: [c for c in cdrs(tb) if c.get("did") == CLOSED_DID], 10)
    assert rows and rows[-1]["outcome"] == "refused" and rows[-1]["cause_code"] == 486, rows


def test_menu_key_picks_the_skill_and_so_the_agent(acd):
    tb = acd
    # alice is idle longest, but only bob has "support", which key 2 asks for.
    agent_ok(tb, "login", "--agent", "alice")
    time.sleep(0.3)
    agent_ok(tb, "login", "--agent", "bob")
    before = tb.stats()
    xml = open(os.path.join(SIPP, "carrier_menu_call.xml")).read().replace(
        "DTMF_PCAP", "/usr/share/sip-tester/dtmf_2833_2.pcap")
    path = os.path.join(tb.dir, "menu-2.xml")
    with open(path, "w") as f:
        f.write(xml)
    bob = phone(tb, BOB, 6340)
    carrier = tb.peer_popen(sipp_cmd(tb, CARRIER, 5085, {"-sf": path, "-s": MENU_DID, "-mp": 6440,
                                                          "-m": 1, tb.APP4 + ":5060": True}),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    c_out = carrier.communicate(timeout=90)[0]
    b_out = bob.communicate(timeout=90)[0]
    assert counts(c_out) == (1, 0), c_out[-3000:] + tb.log()[-3000:]
    assert counts(b_out) == (1, 0), b_out[-2000:]
    after = tb.stats()
    assert after["calls_queue_menus"] - before["calls_queue_menus"] == 1
    assert after["calls_queue_menu_choices"] - before["calls_queue_menu_choices"] == 1
    assert after["dataplane_media_dtmf_events"] > before["dataplane_media_dtmf_events"]
    rows = wait_for(lambda: [c for c in cdrs(tb) if c.get("did") == MENU_DID and
                             c.get("outcome") == "answered"], 10)
    assert rows and rows[-1]["agent"] == "bob", cdrs(tb)
    for name in ("alice", "bob"):
        agent_ok(tb, "logout", "--agent", name)


def test_agent_added_while_running_logs_in_after_a_reload(acd):
    """An admin adds an agent and a skill level mid-day: after `provision` and
    SIGHUP the tenant's engine is rebuilt, the new agent can log in, and an
    agent who was ready stays ready."""
    tb = acd
    agent_ok(tb, "login", "--agent", "alice")
    rc, _, err = agent(tb, "login", "--agent", "dave")
    assert rc == 1 and "not_found" in err, err
    path = os.path.join(tb.dir, "provision-dave.toml")
    with open(path, "w") as f:
        f.write(PROVISION + '  [[tenants.agents]]\n  name = "dave"\n  password = "dave-pw-12"\n'
                '  skills = { sales = 2 }\n  queues = ["sales"]\n')
    r = subprocess.run([tb.binary, "provision", path, "--store", tb.store_path],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    before = tb.stats()
    os.kill(tb.daemon.pid, signal.SIGHUP)
    assert wait_for(lambda: "event=acd_engine_rebuilt tenant=acme" in tb.log(), 10), tb.log()[-2000:]
    assert tb.stats()["acd_engines_rebuilt"] - before["acd_engines_rebuilt"] == 1
    assert agent_ok(tb, "status", "--agent", "alice")["state"] == "ready"
    assert agent_ok(tb, "login", "--agent", "dave")["state"] == "ready"
    for name in ("alice", "dave"):
        agent_ok(tb, "logout", "--agent", name)
