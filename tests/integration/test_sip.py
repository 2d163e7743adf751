"""SIP on the fast path with a real peer: sipp in the peer namespace sends
through net_af_packet to the appliance, whose dataplane pre-parses and steers
each datagram to a control shard running the transaction layer."""

import os
import re
import socket
import subprocess

import pytest

from conftest import build_dir
from testbed import Testbed

HERE = os.path.dirname(os.path.abspath(__file__))
OPTIONS_XML = os.path.join(HERE, "sipp", "options.xml")


@pytest.fixture(scope="module")
def sip_appliance():
    with Testbed(build_dir(), name="tls%d" % (os.getpid() % 10000),
                 sip={"test_responder": True}) as tb:
        yield tb


def sipp(tb, args, port, timeout=90):
    """Runs sipp from the peer; returns (exit code, successful, failed, output)."""
    stats = os.path.join(tb.dir, "sipp-%d.csv" % port)
    cmd = ["sipp", "-nostdin", "-i", args.pop("local", tb.PEER4), "-p", str(port),
           "-timeout", "60s", "-timeout_error", "-trace_stat", "-stf", stats]
    for k, v in args.items():
        cmd += [k] if v is True else [k, str(v)]
    r = tb.peer(cmd, timeout=timeout)
    out = r.stdout + r.stderr
    ok = re.search(r"Successful call\s+\|\s+\d+\s+\|\s+(\d+)", out)
    bad = re.search(r"Failed call\s+\|\s+\d+\s+\|\s+(\d+)", out)
    return r.returncode, int(ok.group(1)) if ok else -1, int(bad.group(1)) if bad else -1, out


def test_options_keepalives_are_answered(sip_appliance):
    tb = sip_appliance
    before = tb.stats()
    rc, ok, failed, out = sipp(tb, {"-sf": OPTIONS_XML, "-m": 20, "-r": 20,
                                    tb.APP4 + ":5060": True}, 5070)
    assert (rc, ok, failed) == (0, 20, 0), out[-2000:]
    after = tb.stats()
    assert after["sip_options_answered"] - before["sip_options_answered"] == 20
    assert after["dataplane_sip_rx"] - before["dataplane_sip_rx"] >= 20


def test_options_over_ipv6(sip_appliance):
    tb = sip_appliance
    rc, ok, failed, out = sipp(tb, {"local": tb.PEER6, "-sf": OPTIONS_XML, "-m": 5, "-r": 5,
                                    "[%s]:5060" % tb.APP6: True}, 5072)
    assert (rc, ok, failed) == (0, 5, 0), out[-2000:]


def test_invite_and_bye_against_the_test_responder(sip_appliance):
    tb = sip_appliance
    before = tb.stats()
    rc, ok, failed, out = sipp(tb, {"-sn": "uac", "-m": 10, "-r": 10, "-d": 200,
                                    tb.APP4 + ":5060": True}, 5074)
    assert (rc, ok, failed) == (0, 10, 0), out[-2000:]
    after = tb.stats()
    assert after["sip_invites_answered"] - before["sip_invites_answered"] == 10
    assert after["sip_byes_answered"] - before["sip_byes_answered"] == 10


def test_retransmissions_recover_lost_packets(sip_appliance):
    # sipp drops 10 % of what it sends and receives; the transaction layer's
    # retransmissions (ours of the 2xx, sipp's of INVITE/BYE/OPTIONS) and its
    # absorption of repeated requests must still complete every call.
    tb = sip_appliance
    before = tb.stats()
    rc, ok, failed, out = sipp(tb, {"-sn": "uac", "-m": 20, "-r": 10, "-d": 100, "-lost": 10,
                                    tb.APP4 + ":5060": True}, 5076, timeout=180)
    assert (rc, ok, failed) == (0, 20, 0), out[-2000:]
    after = tb.stats()
    recovered = (after["sip_transaction_requests_absorbed"] - before["sip_transaction_requests_absorbed"]
                 + after["sip_transaction_retransmissions_sent"]
                 - before["sip_transaction_retransmissions_sent"])
    assert recovered > 0, "with 10 % loss over 20 calls some retransmission must have happened"


def _udp_exchange(tb, payload, timeout=3):
    code = ("import socket,sys\n"
            "s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('%s', 5080)); s.settimeout(%d)\n"
            "s.sendto(sys.stdin.buffer.read(), ('%s', 5060))\n"
            "try:\n    print(s.recv(4000).decode(errors='replace'))\n"
            "except socket.timeout:\n    print('TIMEOUT')\n" % (tb.PEER4, timeout, tb.APP4))
    return tb.peer(["/usr/bin/python3", "-c", code], input=payload).stdout


def test_unsupported_extension_is_refused_420_by_control(sip_appliance):
    tb = sip_appliance
    req = ("OPTIONS sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s:5080;branch=z9hG4bKreq420\r\n"
           "From: <sip:t@%s>;tag=1\r\nTo: <sip:%s>\r\nCall-ID: r420@x\r\nCSeq: 1 OPTIONS\r\n"
           "Max-Forwards: 70\r\nRequire: no-such-extension\r\nContent-Length: 0\r\n\r\n"
           % (tb.APP4, tb.PEER4, tb.PEER4, tb.APP4))
    answer = _udp_exchange(tb, req)
    assert answer.startswith("SIP/2.0 420"), answer
    assert "Unsupported: no-such-extension" in answer


def test_malformed_datagrams_are_counted_by_reason(sip_appliance):
    tb = sip_appliance
    before = tb.stats()
    answer = _udp_exchange(tb, "THIS IS NOT SIP\r\n\r\n", timeout=1)
    assert answer.strip() == "TIMEOUT", "nothing can be addressed, nothing is sent"
    after = tb.stats()
    assert after["dataplane_sip_refused"] - before["dataplane_sip_refused"] == 1
    assert after["dataplane_sip_refused_bad_start_line"] - before["dataplane_sip_refused_bad_start_line"] == 1
    assert tb.daemon.poll() is None
