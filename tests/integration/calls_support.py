"""Helpers shared by the call tests: sipp command lines in the peer
namespace, sipp's result counts, the CDRs of a tenant, and polling."""

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
