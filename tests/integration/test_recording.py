"""Recorded calls end to end: sipp as the carrier plays sipp's own g711a.pcap
through the appliance to a sipp agent that echoes it, on a number provisioned
with record = true. The lcore forks both directions to the recorder, which
seals an encrypted recording in the spool; `trunkline recording verify`
accepts it and the exported WAV holds, sample for sample, the caller's audio
on the left and the agent's (the echo) on the right. Then the daemon is
killed with SIGKILL in the middle of a recorded call: after the restart the
recording is recovered, verifies, and lacks at most about a second."""

import glob
import json
import os
import sqlite3
import subprocess
import time
from contextlib import closing

import pytest

from api_support import Client, api_config, user_add, wait_for_api
from audio_support import PCAP, channels, packets_found, pcap_payloads, spoken
from calls_support import SIPP, counts, sipp_cmd, wait_for
from conftest import build_dir
from testbed import Testbed

CARRIER = "198.51.100.10"
ALICE = "198.51.100.20"
DID = "+81312345678"

PROVISION = """
[[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.trunks]]
  name = "carrier-a"
  allow = ["%(carrier)s"]
  [[tenants.agents]]
  name = "alice"
  password = "alice-pw-1"
  static_contact = "%(alice)s:5070"
  [[tenants.dids]]
  number = "%(did)s"
  line_skill = "sales"
  agents = ["alice"]
  record = true
""" % {"carrier": CARRIER, "alice": ALICE, "did": DID}


@pytest.fixture(scope="module")
def rec():
    tb = Testbed(build_dir(), name="tlr%d" % (os.getpid() % 10000), capture=True,
                 sip={"test_responder": False}, extra_peer4=[ALICE], provision=PROVISION,
                 recorder={"flush_interval_ms": 500, "jitter_delay_ms": 100}, nas=True)
    tb.extra_config = api_config(tb.dir)  # compliance officers download over HTTPS
    with tb:
        yield tb


def tenant_id(tb, name="acme"):
    r = subprocess.run([tb.binary, "show", "tenants", "--json", "--store", tb.store_path],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return str([t["id"] for t in json.loads(r.stdout) if t["name"] == name][0])


def recordings(tb, root=None):
    """Sealed recordings of tenant acme: on mirror A (or under `root`)."""
    return sorted(glob.glob(os.path.join(root or tb.mirrors[0], tenant_id(tb), "**", "*.tlrec"),
                            recursive=True))


def cli(tb, *args):
    return subprocess.run([tb.binary, *args, "--config", tb.config_path], capture_output=True,
                          text=True)


def verify(tb, path):
    return subprocess.run([tb.binary, "recording", "verify", path, "--keys", tb.key_dir,
                           "--master-key", tb.master_key], capture_output=True, text=True)


def export(tb, path, out):
    return subprocess.run([tb.binary, "recording", "export", path, "--out", out, "--keys",
                           tb.key_dir, "--master-key", tb.master_key],
                          capture_output=True, text=True)


def place_call(tb, carrier_port, media_port):
    agent = tb.peer_popen(sipp_cmd(tb, ALICE, 5070, {"-sn": "uas", "-rtp_echo": True,
                                                     "-mp": media_port + 100, "-m": 1}),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.5)
    carrier = tb.peer_popen(sipp_cmd(tb, CARRIER, carrier_port,
                                     {"-sf": os.path.join(SIPP, "carrier_call.xml"), "-s": DID,
                                      "-mp": media_port, "-m": 1, tb.APP4 + ":5060": True}),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return carrier, agent


def test_recorded_call_is_sealed_verified_and_exports_what_was_said(rec):
    tb = rec
    before = tb.stats()
    carrier, agent = place_call(tb, 5062, 6000)
    c_out = carrier.communicate(timeout=90)[0]
    a_out = agent.communicate(timeout=90)[0]
    assert counts(c_out) == (1, 0), c_out[-3000:] + tb.log()[-3000:]
    assert counts(a_out) == (1, 0), a_out[-3000:]
    assert wait_for(lambda: tb.stats()["recorder_recordings_sealed"]
                    > before["recorder_recordings_sealed"], 15), tb.log()[-3000:]
    after = tb.stats()
    assert after["calls_recordings_started"] - before["calls_recordings_started"] == 1
    assert after["calls_recordings_failed"] == before["calls_recordings_failed"]
    forked = after["dataplane_media_forked"] - before["dataplane_media_forked"]
    assert forked >= 2 * 220, forked  # both directions of 236 packets, less the few before the answer
    assert after["dataplane_media_fork_dropped"] == 0
    assert after["recorder_packets"] - before["recorder_packets"] == forked

    # The NAS published it to both mirrors, verified, and freed the spool.
    assert wait_for(lambda: tb.stats()["nas_published"] > before["nas_published"], 15), \
        tb.log()[-3000:]
    files = recordings(tb)
    assert len(files) == 1, files
    copy_b = files[0].replace(tb.mirrors[0], tb.mirrors[1], 1)
    assert open(files[0], "rb").read() == open(copy_b, "rb").read()
    assert not glob.glob(os.path.join(tb.spool, "*", "*.tlrec*")), os.listdir(tb.spool)
    rec_id = os.path.basename(files[0])[:-len(".tlrec")]
    v = verify(tb, files[0])
    assert v.returncode == 0, v.stdout + v.stderr
    assert "did = " + DID in v.stdout and "agent = alice" in v.stdout, v.stdout
    assert "caller_number = (personal data" in v.stdout, v.stdout  # not printed by default
    out = os.path.join(tb.dir, "call.wav")
    e = export(tb, files[0], out)
    assert e.returncode == 0, e.stdout + e.stderr
    left, right = channels(out)
    sent = spoken(pcap_payloads(PCAP))
    assert len(sent) >= 200
    # Caller left, agent right (the echo): every spoken packet's audio exact
    # and in order. (Silence can precede the answer, when recording begins.)
    assert packets_found(left, sent) >= len(sent) - 2, (packets_found(left, sent), len(sent))
    assert packets_found(right, sent) >= len(sent) - 4, (packets_found(right, sent), len(sent))
    # sox reads the file as a standard stereo WAV of about the call's length.
    sox = subprocess.run(["soxi", "-D", out], capture_output=True, text=True)
    assert sox.returncode == 0 and 7.0 <= float(sox.stdout) <= 12.0, sox.stdout + sox.stderr

    # Compliance finds it by number, exports it by ID (verified first), and
    # every search and export is in the hash-chained audit log.
    found = cli(tb, "recordings", "search", "--tenant", "acme", "--did", DID, "--json",
                "--actor", "auditor-1")
    assert found.returncode == 0, found.stdout + found.stderr
    assert rec_id in found.stdout and "published" in found.stdout, found.stdout
    again = os.path.join(tb.dir, "again.wav")
    ex = cli(tb, "recordings", "export", rec_id, "--tenant", "acme", "--out", again)
    assert ex.returncode == 0, ex.stdout + ex.stderr
    assert open(again, "rb").read() == open(out, "rb").read()
    audit = cli(tb, "audit", "verify")
    assert audit.returncode == 0, audit.stdout + audit.stderr

    # A compliance officer finds the call over HTTPS and downloads the same WAV.
    c = Client(tb)
    assert wait_for_api(tb, c), tb.log()[-2000:]
    tid = int(tenant_id(tb))
    pw = user_add(tb, "--tenant", "acme", "--name", "officer-1", "--role", "compliance_officer")
    token, _ = c.first_login(tid, "officer-1", pw, mfa=True)
    code, found = c.json("GET", "/api/v1/tenants/%d/recordings?did=%s" % (tid, DID.replace("+", "%2B")),
                         token)
    assert code == 200 and rec_id in json.dumps(found), found
    downloaded = os.path.join(tb.dir, "downloaded.wav")
    code, _ = c.call("GET", "/api/v1/tenants/%d/recordings/%s/audio" % (tid, rec_id), token,
                     extra=("-o", downloaded))
    assert code == 200
    assert open(downloaded, "rb").read() == open(out, "rb").read()
    # The download is in the audit log under the officer's name, started then ok.
    with closing(sqlite3.connect(tb.store_path)) as db:
        rows = db.execute("SELECT result FROM audit_log WHERE actor = 'officer-1' AND "
                          "action = 'recordings.export' AND target LIKE ? ORDER BY seq",
                          ("%" + rec_id + "%",)).fetchall()
    assert [r[0] for r in rows] == ["started", "ok"], rows


def test_sigkill_during_a_recorded_call_loses_at_most_about_a_second(rec):
    tb = rec
    done_before = set(recordings(tb))
    carrier, agent = place_call(tb, 5064, 6010)
    answer = wait_for(lambda: tb.tshark("sip.Status-Code == 200 && ip.dst == %s && "
                                        "udp.dstport == 5064 && sdp" % CARRIER,
                                        ["frame.time_epoch"]), 15)
    assert answer, tb.log()[-3000:]
    answered_at = float(answer[0][0])
    time.sleep(max(0.0, answered_at + 4.0 - time.time()))
    killed_at = time.time()
    tb.kill9()
    for p in (carrier, agent):
        p.kill()
        p.communicate(timeout=30)
    assert not (set(recordings(tb)) - done_before), "nothing sealed before the restart"
    assert glob.glob(os.path.join(tb.spool, tenant_id(tb), "*.part")), os.listdir(tb.spool)

    tb.start()
    s = tb.stats()
    assert s["recorder_recovered_at_start"] == 1, tb.log()[-3000:]
    assert s["recorder_recovery_failed_at_start"] == 0
    assert "event=recording_recovered" in tb.log()
    # Recovered, then published from the spool like any other recording.
    assert wait_for(lambda: set(recordings(tb)) - done_before, 15), tb.log()[-3000:]
    new = sorted(set(recordings(tb)) - done_before)
    assert len(new) == 1, new
    v = verify(tb, new[0])
    assert v.returncode == 0, v.stdout + v.stderr
    out = os.path.join(tb.dir, "recovered.wav")
    e = export(tb, new[0], out)
    assert e.returncode == 0, e.stdout + e.stderr
    left, _ = channels(out)
    kept = len(left) / 8000.0
    elapsed = killed_at - answered_at
    print("recovered %.2f s of %.2f s answered before SIGKILL" % (kept, elapsed))
    assert kept <= elapsed + 0.3, (kept, elapsed)
    assert elapsed - kept <= 1.0, ("lost %.2f s of %.2f s" % (elapsed - kept, elapsed), v.stdout)
    # What was kept is the caller's audio, exact.
    sent = spoken(pcap_payloads(PCAP))
    assert packets_found(left, sent) >= 0.9 * (kept / 7.05) * len(sent) - 10
