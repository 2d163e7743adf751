#!/usr/bin/python3
"""End-to-end call load: sipp as a carrier places calls with G.711 audio (its
g711a.pcap, 7 s) through the appliance to sipp as an agent (UAS echoing the
audio), both in a peer namespace, at rising call rates. Each step runs a fixed
number of calls; a step passes when every call succeeds. Prints JSON: per step
the rate, calls, failures, the most concurrent calls seen, the media the
dataplane relayed, where the CPU went (the appliance per named thread, sipp,
the whole host) and sipp's INVITE-to-200 time; then the highest rate that
passed, the first that failed, and what limited it.

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


def cpu_seconds(pid, tid=None):
    path = "/proc/%d/stat" % pid if tid is None else "/proc/%d/task/%s/stat" % (pid, tid)
    try:
        with open(path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu(pid):
    """CPU seconds per thread name of the appliance (tl-sip0, lcore-worker-1, ...)."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                name = f.read().strip()
        except FileNotFoundError:
            continue
        sec = cpu_seconds(pid, tid)
        if sec is not None:
            out[name] = out.get(name, 0.0) + sec
    return out


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def host_busy_seconds():
    """(busy, total) CPU seconds of the whole host, every core."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return (sum(v) - idle) / os.sysconf("SC_CLK_TCK"), sum(v) / os.sysconf("SC_CLK_TCK")


def sipp_figure(out, row):
    m = re.search(row + r"\s+\|[^|]*\|\s+([0-9:.]+)", out)
    if not m:
        return None
    h, mi, sec, us = m.group(1).split(":")
    return round((int(h) * 3600 + int(mi) * 60 + int(sec)) * 1000 + int(us) / 1000, 1)


def retransmissions(out):
    """Retransmissions sipp counted, sent and received (its Retrans column)."""
    total = 0
    for line in out.splitlines():
        m = re.match(r"\s+(\S+)\s+(?:---------->|<----------)\s+(?:[BE]-RTD\d+\s+)?(\d+)\s+(\d+)",
                     line)
        if m:
            total += int(m.group(3))
    return total


def verdict(step, ncpu):
    """Why a step failed: the appliance's refusal, a saturated host, or neither."""
    if step["calls_refused_overload"] > 0:
        return "the appliance refused calls with 503 (max_calls or media ports exhausted)"
    busiest = max(step["appliance_threads_cpu"].items(), key=lambda kv: kv[1], default=("-", 0))
    if step["host_cpu_busy"] >= 0.9 * ncpu:
        side = ("the load generator (sipp: %.2f cores)" % step["sipp_cpu_cores"]
                if step["sipp_cpu_cores"] > step["appliance_cpu_cores"]
                else "the appliance (%.2f cores, busiest thread %s at %.0f%%)"
                % (step["appliance_cpu_cores"], busiest[0], 100 * busiest[1]))
        return ("the host's %d cores were saturated (%.2f busy); the larger share was %s"
                % (ncpu, step["host_cpu_busy"], side))
    if busiest[1] >= 0.9:
        return "the appliance thread %s was saturated (%.0f%% of a core)" % (busiest[0], 100 * busiest[1])
    return ("calls failed with CPU to spare (host %.2f of %d cores busy): see sipp's timeouts and "
            "retransmissions (%d) for a lost-packet cause" % (step["host_cpu_busy"], ncpu,
                                                              step["sipp_retransmissions"]))


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
            threads0 = thread_cpu(tb.daemon.pid)
            host0 = host_busy_seconds()
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
            # sipp's CPU: the last reading before each exits.
            conc, sipp_cpu = 0, {}
            rss0 = rss_bytes(tb.daemon.pid)
            rss_at_peak = rss0
            while carrier.poll() is None and time.time() - t0 < 400:
                active = tb.stats()["calls_calls_active"]
                if active > conc:
                    conc, rss_at_peak = active, rss_bytes(tb.daemon.pid)
                for p in (carrier, agent):
                    sec = cpu_seconds(p.pid)
                    if sec is not None:
                        sipp_cpu[p.pid] = sec
                time.sleep(0.5)
            out = carrier.communicate(timeout=60)[0]
            agent.wait(60)
            elapsed = time.time() - t0
            host1 = host_busy_seconds()
            threads1 = thread_cpu(tb.daemon.pid)
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
                # Averages over the step, in cores (1.0 = one core busy all along).
                "appliance_cpu_cores": round((cpu_seconds(tb.daemon.pid) - cpu0) / elapsed, 2),
                "appliance_threads_cpu": {k: round((v - threads0.get(k, 0.0)) / elapsed, 2)
                                          for k, v in sorted(threads1.items())
                                          if v - threads0.get(k, 0.0) >= 0.01 * elapsed},
                "sipp_cpu_cores": round(sum(sipp_cpu.values()) / elapsed, 2),
                "host_cpu_busy": round((host1[0] - host0[0]) / elapsed, 2),
                "invite_to_200_ms_mean": sipp_figure(out, "Response Time 1"),
                # The daemon's resident memory grown per concurrent call (heap of
                # calls, dialogs, transactions; the flow table is preallocated and
                # counted apart: media_flow_table in the log, ~310 B per session).
                "rss_growth_per_call_bytes": round(max(0, rss_at_peak - rss0) / conc) if conc else None,
                "sipp_retransmissions": retransmissions(out),
            })
            print(json.dumps(steps[-1]), file=sys.stderr, flush=True)
            if steps[-1]["failed"] > 0:
                break
    passed = [s["rate_cps"] for s in steps if s["failed"] == 0]
    last = steps[-1]
    if last["failed"] == 0:
        limit = "every step passed; the highest rate tried is a floor, not the ceiling"
    else:
        limit = verdict(last, os.cpu_count())
    print(json.dumps({"host_cores": os.cpu_count(), "steps": steps,
                      "highest_rate_passed_cps": max(passed) if passed else 0,
                      "saturated_at_cps": last["rate_cps"] if last["failed"] else None,
                      "limit": limit}, indent=2))


if __name__ == "__main__":
    main()
