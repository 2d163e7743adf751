"""Edge protection on the fast path: one untrusted host floods INVITEs far
above [edge] sip_rate_per_source while the provisioned trunk places calls to
an agent; every trunk call succeeds, the flood is dropped on the lcore
(counted) and only a trickle of it reaches control. A request whose
User-Agent names a scanner is dropped without an answer."""

import os
import signal
import subprocess
import time

import pytest

from calls_support import SIPP, counts, sipp_cmd, wait_for
from conftest import build_dir
from testbed import Testbed

CARRIER = "198.51.100.10"  # the trunk's allowed address (Testbed.PEER4)
ALICE = "198.51.100.20"    # the agent's phone (static contact)
FLOODER = "198.51.100.40"  # no trunk: untrusted
SCANNER = "198.51.100.41"
NEW_TRUNK = "198.51.100.42"  # a carrier provisioned while the daemon runs
DID = "+81312345678"
RATE, BURST = 20, 40       # per untrusted source
FLOOD_RATE, FLOOD_COUNT = 3000, 15000
CALLS = 20

PROVISION = """
[[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.trunks]]
  name = "carrier-a"
  allow = ["%(carrier)s"]
  transport = "udp"
  [[tenants.agents]]
  name = "alice"
  sip_user = "alice"
  password = "alice-pw-1"
  static_contact = "%(alice)s:5070"
  [[tenants.dids]]
  number = "%(did)s"
  line_skill = "sales"
  agents = ["alice"]
""" % {"carrier": CARRIER, "alice": ALICE, "did": DID}

EDGE = "[edge]\nsip_rate_per_source = %d\nsip_burst_per_source = %d\n" % (RATE, BURST)


@pytest.fixture(scope="module")
def edge():
    with Testbed(build_dir(), name="tle%d" % (os.getpid() % 10000), sip={"test_responder": False},
                 extra_peer4=[ALICE, FLOODER, SCANNER, NEW_TRUNK], provision=PROVISION,
                 extra_config=EDGE + "[calls]\nmax_calls = 100000\n") as tb:
        yield tb


def test_trunk_calls_all_succeed_while_one_source_floods_invites(edge):
    tb = edge
    before = tb.stats()
    agent = tb.peer_popen(sipp_cmd(tb, ALICE, 5070, {"-sn": "uas", "-m": CALLS}),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.5)
    flood_xml = os.path.join(SIPP, "flood_invite.xml")
    flood = tb.peer_popen(sipp_cmd(tb, FLOODER, 5090, {"-sf": flood_xml, "-s": DID,
                                                       "-r": FLOOD_RATE, "-m": FLOOD_COUNT,
                                                       "-l": FLOOD_COUNT, tb.APP4 + ":5060": True}),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(1.0)  # the flood is under way before the first call
    t0 = time.time()
    carrier = tb.peer_popen(sipp_cmd(tb, CARRIER, 5062, {"-sn": "uac", "-s": DID, "-d": 500,
                                                         "-r": 5, "-m": CALLS, "-l": CALLS,
                                                         tb.APP4 + ":5060": True}),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    c_out = carrier.communicate(timeout=120)[0]
    calls_s = time.time() - t0
    f_out = flood.communicate(timeout=120)[0]
    a_out = agent.communicate(timeout=60)[0]
    time.sleep(1)
    after = tb.stats()

    def d(name):
        return after[name] - before[name]
    assert counts(c_out) == (CALLS, 0), c_out[-3000:] + tb.log()[-3000:]
    assert counts(a_out) == (CALLS, 0), a_out[-2000:]
    sent, _ = counts(f_out)
    assert sent == FLOOD_COUNT, f_out[-2000:]
    # 20 calls at 5/s with 0.5 s each take about 5 s without a flood; the
    # flood must not stretch them by retransmissions (T1 = 500 ms) or queueing
    # (the bound leaves room for a machine shared with other builds).
    assert calls_s < 15, calls_s
    # The flood met the edge: all but a burst and a trickle dropped on the
    # lcore (some frames may be lost before it, on the veth).
    dropped = d("dataplane_edge_rate_limited")
    assert dropped >= 0.9 * FLOOD_COUNT, (dropped, f_out[-1500:])
    flood_s = FLOOD_COUNT / FLOOD_RATE
    assert dropped <= FLOOD_COUNT - BURST, dropped
    # Control saw the trunk's and the agent's messages (7 a call) and the
    # flood's burst and rate, far fewer than the flood sent.
    to_control = d("dataplane_sip_rx")
    assert to_control <= 7 * CALLS + 2 * (BURST + RATE * (flood_s + 5)), to_control
    assert to_control < FLOOD_COUNT / 20, to_control
    assert d("dataplane_edge_trusted") >= 6 * CALLS  # trunk and static contact: never limited
    print("edge flood: sent=%d dropped_at_edge=%d to_control=%d calls=%d in %.1f s"
          % (sent, dropped, to_control, CALLS, calls_s))
    assert d("dataplane_sip_queue_full") == 0
    assert d("calls_calls_answered") == CALLS
    # Degraded mode logged when it began and when it ended, not per packet.
    assert wait_for(lambda: "event=edge_dropping_ended" in tb.log(), 5), tb.log()[-3000:]
    assert tb.log().count("event=edge_dropping_started") == 1


SEND_OPTIONS = """
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("%(src)s", %(port)d))
s.settimeout(2.0)
msg = ("OPTIONS sip:%(app)s SIP/2.0\\r\\n"
       "Via: SIP/2.0/UDP %(src)s:%(port)d;branch=z9hG4bK-edge-%(port)d\\r\\n"
       "From: <sip:probe@%(src)s>;tag=%(port)d\\r\\nTo: <sip:%(app)s>\\r\\n"
       "Call-ID: edge-%(port)d@%(src)s\\r\\nCSeq: 1 OPTIONS\\r\\nMax-Forwards: 70\\r\\n"
       "User-Agent: %(ua)s\\r\\nContent-Length: 0\\r\\n\\r\\n")
s.sendto(msg.encode(), ("%(app)s", 5060))
try:
    print(s.recv(4096).decode().split("\\r\\n")[0])
except socket.timeout:
    print("no answer")
"""


def options_from(tb, src, port, ua):
    r = tb.peer(["/usr/bin/python3", "-c", SEND_OPTIONS % {"src": src, "port": port, "app": tb.APP4,
                                                           "ua": ua}], timeout=30)
    return r.stdout.strip()


def test_scanner_user_agent_is_dropped_without_an_answer(edge):
    tb = edge
    before = tb.stats()
    assert options_from(tb, SCANNER, 5100, "friendly-scanner") == "no answer"
    assert options_from(tb, SCANNER, 5101, "SIPVicious/0.3") == "no answer"
    # The same host with an ordinary User-Agent is answered: the drop is
    # about the scanner's name, not the address.
    assert options_from(tb, SCANNER, 5102, "Yealink SIP-T46S").startswith("SIP/2.0 200")
    after = tb.stats()
    assert after["dataplane_edge_scanner"] - before["dataplane_edge_scanner"] == 2


def test_a_trunk_provisioned_then_reloaded_is_trusted_at_the_edge(edge):
    """SIGHUP publishes the new directory's trusted set to the lcores: a
    source that was untrusted (its scanner-named request dropped) is a trunk
    after `trunkline provision` and a reload, and skips the checks."""
    tb = edge
    assert options_from(tb, NEW_TRUNK, 5110, "friendly-scanner") == "no answer"
    path = os.path.join(tb.dir, "provision-new-trunk.toml")
    with open(path, "w") as f:
        f.write(PROVISION + '  [[tenants.trunks]]\n  name = "carrier-b"\n  allow = ["%s"]\n'
                % NEW_TRUNK)
    r = subprocess.run([tb.binary, "provision", path, "--store", tb.store_path],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    policies = tb.log().count("event=edge_policy ")
    before = tb.stats()
    os.kill(tb.daemon.pid, signal.SIGHUP)
    assert wait_for(lambda: tb.log().count("event=edge_policy ") > policies, 10), tb.log()[-2000:]
    assert "trunks=2" in tb.log().split("event=directory_loaded")[-1].split("\n")[0]
    # The lcore picks the new policy up at its next housekeeping tick.
    assert wait_for(lambda: tb.stats()["dataplane_edge_policy_updates"]
                    > before["dataplane_edge_policy_updates"], 5)
    assert options_from(tb, NEW_TRUNK, 5111, "friendly-scanner").startswith("SIP/2.0 200")
    after = tb.stats()
    assert after["dataplane_edge_scanner"] == before["dataplane_edge_scanner"]
    assert after["dataplane_edge_trusted"] > before["dataplane_edge_trusted"]
