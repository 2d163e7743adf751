#!/usr/bin/python3
"""End-to-end call load: sipp as a carrier places calls with G.711 audio (its
g711a.pcap, 7 s) through the appliance to sipp as an agent (UAS echoing the
audio), both in a peer namespace, at rising call rates. Each step runs a fixed
number of calls; a step passes when every call succeeds. Prints JSON: per step
the rate, calls, failures, the most concurrent calls seen and the media the
dataplane relayed, then the highest rate that passed and what limited it.

    perf/load/call_load.py [BUILD_DIR] [--rates 5,10,20,40] [--calls N]

Bounded: every step stops itself (sipp -m N, -timeout); the test network is
removed at the end.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(root, "tests", "integration"))
from testbed import Testbed  # noqa: E402

CARRIER, AGENT, DID = Testbed.PEER4, "198.51.100.20", "+81312345678"
PROVISION = """
[[tenants]]
name = "load"
sip_domain = "load.example"
  [[tenants.trunks]]
  name = "carrier"
  allow = ["%s"]
  [[tenants.agents]]
  name = "agent"
  sip_user = "agent"
  password = "load-pass-1"
  static_contact = "%s:5070"
  [[tenants.dids]]
  number = "%s"
  agents = ["agent"]
""" % (CARRIER, AGENT, DID)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=os.path.join(root, "build"))
    ap.add_argument("--rates", default="5,10,20,40")
    ap.add_argument("--calls", type=int, default=100)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("the load run needs root (network namespaces, DPDK af_packet)")
    xml = os.path.join(root, "tests", "integration", "sipp", "carrier_call.xml")
    steps = []
    with Testbed(args.build, name="tlload", sip={"test_responder": False}, extra_peer4=[AGENT],
                 provision=PROVISION, media={"port_min": 20000, "port_max": 39999},
                 extra_config="[calls]\nmax_calls = 100000\n") as tb:
        for i, rate in enumerate(int(r) for r in args.rates.split(",")):
            before = tb.stats()
            cpu0 = cpu_seconds(tb.daemon.pid)
            t0 = time.time()
            agent = tb.peer_popen(["sipp", "-nostdin", "-i", AGENT, "-p", "5070", "-sn", "uas",
                                   "-rtp_echo", "-mp", str(16000 + i * 1000), "-m", str(args.calls),
                                   "-timeout", "300s", "-timeout_error", "-max_socket", "4096"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            carrier = tb.peer_popen(["sipp", "-nostdin", "-i", CARRIER, "-p", str(5100 + i), "-sf",
                                     xml, "-s", DID, "-mp", str(6000 + i * 1000), "-m",
                                     str(args.calls), "-r", str(rate), "-l", str(rate * 12),
                                     "-timeout", "300s", "-timeout_error", tb.APP4 + ":5060"],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            # Concurrent calls: the B2BUA's gauge, sampled while the step runs.
            conc = 0
            while carrier.poll() is None and time.time() - t0 < 400:
                conc = max(conc, tb.stats()["calls_calls_active"])
                time.sleep(0.5)
            out = carrier.communicate(timeout=60)[0]
            agent.wait(60)
            elapsed = time.time() - t0
            time.sleep(1.5)
            after = tb.stats()
            ok = re.search(r"Successful call\s+\|\s+\d+\s+\|\s+(\d+)", out)
            bad = re.search(r"Failed call\s+\|\s+\d+\s+\|\s+(\d+)", out)

            def d(name):
                return after[name] - before[name]
            steps.append({
                "rate_cps": rate, "calls": args.calls,
                "succeeded": int(ok.group(1)) if ok else 0,
                "failed": int(bad.group(1)) if bad else args.calls,
                "max_concurrent_calls": conc,
                "media_packets_relayed": d("dataplane_media_relayed"),
                "media_relayed_per_s": round(d("dataplane_media_relayed") / elapsed),
                "media_dropped": sum(d(k) for k in after if k.startswith("dataplane_media_")
                                     and k.endswith(("_dropped", "no_flow", "no_neighbour",
                                                     "no_destination", "spoofed"))),
                "calls_refused_overload": d("calls_refused_overload"),
                "appliance_cpu_s": round(cpu_seconds(tb.daemon.pid) - cpu0, 2),
                "elapsed_s": round(elapsed, 1),
            })
            print(json.dumps(steps[-1]), file=sys.stderr, flush=True)
            if steps[-1]["failed"] > 0:
                break
    passed = [s["rate_cps"] for s in steps if s["failed"] == 0]
    last = steps[-1]
    if last["failed"] == 0:
        limit = "every step passed; the highest rate tried is a floor, not the ceiling"
    elif last["calls_refused_overload"] > 0:
        limit = "the appliance refused calls (503): max_calls or media ports"
    else:
        limit = ("calls failed without a 503 from the appliance; see which side ran out of CPU "
                 "(appliance_cpu_s against elapsed_s) - on a 2-core host sipp's pcap playback "
                 "competes with the dataplane's busy core")
    print(json.dumps({"steps": steps, "highest_rate_passed_cps": max(passed) if passed else 0,
                      "limit": limit}, indent=2))


if __name__ == "__main__":
    main()
