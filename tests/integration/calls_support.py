"""Helpers shared by the call tests: sipp command lines in the peer
namespace, sipp's result counts, the CDRs of a tenant, and polling."""

import contextlib
import json
import os
import re
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SIPP = os.path.join(HERE, "sipp")


def sipp_cmd(tb, local, port, args):
    stats = os.path.join(tb.dir, "sipp-%s-%d.csv" % (local, port))
    cmd = ["sipp", "-nostdin", "-i", local, "-p", str(port), "-timeout", "60s",
           "-timeout_error", "-trace_stat", "-stf", stats]
    for k, v in args.items():
        cmd += [k] if v is True else [k, str(v)]
    return cmd


def counts(out):
    """(successful, failed) calls from sipp's final screen; -1 when absent."""
    ok = re.search(r"Successful call\s+\|\s+\d+\s+\|\s+(\d+)", out)
    bad = re.search(r"Failed call\s+\|\s+\d+\s+\|\s+(\d+)", out)
    return int(ok.group(1)) if ok else -1, int(bad.group(1)) if bad else -1


def cdrs(tb, tenant="acme"):
    r = subprocess.run([tb.binary, "show", "cdrs", "--tenant", tenant, "--json",
                        "--store", tb.store_path], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def wait_for(cond, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.2)
    return cond()


BARESIP_CONFIG = """
poll_method epoll
sip_listen %(ip)s:%(sip_port)d
rtp_ports %(rtp_first)d-%(rtp_last)d
audio_source ausine,440
ausrc_srate 48000
auplay_srate %(play_srate)d
ausrc_channels 2
auplay_channels %(play_channels)d
%(player)s
module_path /usr/lib/baresip/modules
# Every address here is literal; baresip still wants a resolver configured.
dns_server 127.0.0.1:53
module g711.so
module ausine.so
module aufile.so
%(modules)s
module_app account.so
module_app menu.so
"""


def baresip_config(ip, sip_port=5072, rtp_ports=(7000, 7019), record_dir=None,
                   play_srate=48000, play_channels=2, modules=()):
    """A baresip config: a 440 Hz tone as its microphone. With `record_dir`,
    the sndfile module writes what it decodes there (dump-*-dec.wav)."""
    modules = list(modules)
    extra = ""
    if record_dir is not None:
        modules.append("sndfile.so")
        extra = "snd_path %s" % record_dir
    return BARESIP_CONFIG % {"ip": ip, "sip_port": sip_port, "rtp_first": rtp_ports[0],
                             "rtp_last": rtp_ports[1], "player": extra,
                             "play_srate": play_srate, "play_channels": play_channels,
                             "modules": "\n".join("module %s" % m for m in modules)}


@contextlib.contextmanager
def baresip_running(tb, conf):
    """baresip with config directory `conf` in the peer namespace, its output
    in TESTBED_DIR/baresip.log; stopped (SIGTERM, then SIGKILL) on leaving."""
    with open(os.path.join(tb.dir, "baresip.log"), "w") as log:
        phone = tb.peer_popen(["baresip", "-4", "-f", conf, "-t", "60"],
                              stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield phone
        finally:
            phone.terminate()
            try:
                phone.wait(timeout=10)
            except subprocess.TimeoutExpired:
                phone.kill()
                phone.wait()
