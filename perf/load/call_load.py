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


def peer_udp_errors(tb):
    """The peer namespace's UDP error counters (sipp's side): a socket whose
    receive buffer overflowed counts RcvbufErrors."""
    out = subprocess.run(["ip", "netns", "exec", tb.peer_ns, "cat", "/proc/net/snmp"],
                         capture_output=True, text=True).stdout
    rows = [line.split()[1:] for line in out.splitlines() if line.startswith("Udp:")]
    if len(rows) < 2:
        return {}
    return {k: int(v) for k, v in zip(rows[0], rows[1])
            if k in ("InErrors", "RcvbufErrors", "SndbufErrors")}


def peer_socket_drops(tb):
    """Datagrams each UDP socket of the peer namespace dropped (ss -m: d<N>),
    by local port: sipp's SIP sockets apart from its RTP sockets."""
    out = subprocess.run(["ip", "netns", "exec", tb.peer_ns, "ss", "-u", "-a", "-n", "-m"],
                         capture_output=True, text=True).stdout
    drops, port = {}, None
    for line in out.splitlines():
        m = re.match(r"\S+\s+\d+\s+\d+\s+\S*:(\d+)\s", line)
        if m:
            port = int(m.group(1))
            continue
        m = re.search(r"skmem:\(.*,d(\d+)\)", line)
        if m and port is not None:
            drops[port] = max(drops.get(port, 0), int(m.group(1)))
    return drops


def agent_answer_delays(path):
    """From a tshark field dump of the agent's SIP port: per INVITE the
    appliance sent, how long the agent took to send its first response, and
    how many times the appliance sent the INVITE (retransmissions: Timer A)."""
    first_invite, first_reply, invites = {}, {}, {}
    try:
        f = open(path, errors="replace")
    except FileNotFoundError:
        return {}
    with f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 5:
                continue
            t, src, call_id, method, status = parts[:5]
            if not call_id:
                continue
            if method == "INVITE" and src != AGENT:
                invites[call_id] = invites.get(call_id, 0) + 1
                first_invite.setdefault(call_id, float(t))
            elif status and src == AGENT and call_id in first_invite:
                first_reply.setdefault(call_id, float(t))
    delays = sorted((first_reply[c] - first_invite[c]) * 1000 for c in first_reply)
    if not delays:
        return {}

    def pct(p):
        return round(delays[min(len(delays) - 1, int(p * len(delays)))], 1)
    return {"invites": len(invites), "retransmitted": sum(1 for n in invites.values() if n > 1),
            "unanswered": len(invites) - len(first_reply), "first_reply_ms_p50": pct(0.5),
            "first_reply_ms_p99": pct(0.99), "first_reply_ms_max": round(delays[-1], 1)}


def kernel_rx_packets(tb):
    """Frames the kernel delivered on the appliance's veth, before net_af_packet's
    ring: the PMD does not count what its ring drops (no imissed), this does."""
    out = subprocess.run(["ip", "netns", "exec", tb.app_ns, "ip", "-s", "-j", "link", "show",
                          tb.app_if], capture_output=True, text=True).stdout
    try:
        return json.loads(out)[0]["stats64"]["rx"]["packets"]
    except (ValueError, LookupError):
        return 0


def port_rx(stats):
    return sum(v for k, v in stats.items() if k.startswith("port_") and k.endswith("_rx_packets"))


def port_drops(stats):
    """Frames the appliance's ports dropped before an lcore saw them, or could not send."""
    return sum(v for k, v in stats.items() if k.startswith("port_") and
               k.endswith(("_rx_missed", "_rx_no_mbuf", "_tx_errors"))) + \
        stats.get("dataplane_tx_dropped", 0)


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
    if step["af_packet_ring_drops"] > 0.001 * step["media_packets_relayed"]:
        return ("%d frames (the agents' SIP answers among them: sip_transaction_client_timeouts) "
                "were counted by the kernel on the appliance's veth but never reached the lcore: "
                "net_af_packet's ring overflowed. On this %d-core host the lcore shares the "
                "cores with the load generator's threads (sipp plays and echoes each call's RTP "
                "in threads of its own), so it is most likely not scheduled in time; a larger "
                "ring (--device-args ,framecnt=4096) delays it. A test-harness limit (a real "
                "port has its own RX ring and an isolated lcore), not the appliance's CPU"
                % (step["af_packet_ring_drops"], ncpu))
    if step["appliance_port_drops"] > 0:
        return ("the appliance's port dropped %d frames before an lcore saw them (RX ring full "
                "or pool empty: port_*_rx_missed / rx_no_mbuf)" % step["appliance_port_drops"])
    if step["sipp_sip_socket_drops"] > 0:
        return ("the load generator lost %d SIP datagrams in its own sockets (ss -m drops on "
                "sipp's SIP ports): sipp did not read them in time; the appliance had sent them"
                % step["sipp_sip_socket_drops"])
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
    ap.add_argument("--device-args", default="",
                    help="extra net_af_packet arguments, e.g. ',framecnt=4096'")
    ap.add_argument("--idle-sleep-us", type=int, default=200,
                    help="[dataplane] idle_sleep_us (0: the lcore busy-polls)")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("the load run needs root (network namespaces, DPDK af_packet)")
    xml = os.path.join(root, "tests", "integration", "sipp", "carrier_call.xml")
    steps = []
    with Testbed(args.build, name="tlload", sip={"test_responder": False}, extra_peer4=[AGENT],
                 provision=PROVISION, media={"port_min": 20000, "port_max": 39999},
                 extra_config="[calls]\nmax_calls = 100000\n", device_args=args.device_args,
                 dataplane={"idle_sleep_us": args.idle_sleep_us}) as tb:
        for i, rate in enumerate(int(r) for r in args.rates.split(",")):
            before = tb.stats()
            cpu0 = cpu_seconds(tb.daemon.pid)
            threads0 = thread_cpu(tb.daemon.pid)
            udp0 = peer_udp_errors(tb)
            log0 = len(tb.log())
            kernel0 = kernel_rx_packets(tb)
            host0 = host_busy_seconds()
            t0 = time.time()
            agent = tb.peer_popen(["sipp", "-nostdin", "-i", AGENT, "-p", "5070", "-sn", "uas",
                                   "-rtp_echo", "-mp", str(16000 + i * 1000), "-m", str(args.calls),
                                   "-timeout", "300s", "-timeout_error", "-max_socket", "4096",
                                   "-trace_err", "-error_file",
                                   os.path.join(tb.dir, "agent-%d.err" % rate)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # The agent's signalling on the wire: how fast it answers our INVITEs.
            sig_dump = os.path.join(tb.dir, "agent-sip-%d.tsv" % rate)
            sig = tb.peer_popen(["tshark", "-l", "-n", "-i", tb.peer_if, "-f", "udp port 5070",
                                 "-T", "fields", "-e", "frame.time_epoch", "-e", "ip.src",
                                 "-e", "sip.Call-ID", "-e", "sip.Method", "-e", "sip.Status-Code"],
                                stdout=open(sig_dump, "w"), stderr=subprocess.DEVNULL)
            time.sleep(2.0)  # tshark takes a moment to start capturing
            carrier = tb.peer_popen(["sipp", "-nostdin", "-i", CARRIER, "-p", str(5100 + i), "-sf",
                                     xml, "-s", DID, "-mp", str(6000 + i * 1000), "-m",
                                     str(args.calls), "-r", str(rate), "-l", str(rate * 12),
                                     "-timeout", "300s", "-timeout_error", "-trace_err",
                                     "-error_file", os.path.join(tb.dir, "carrier-%d.err" % rate),
                                     tb.APP4 + ":5060"],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            # Concurrent calls: the B2BUA's gauge, sampled while the step runs.
            # sipp's CPU: the last reading before each exits.
            conc, sipp_cpu, sock_drops = 0, {}, {}
            rss0 = rss_bytes(tb.daemon.pid)
            rss_at_peak = rss0
            heap0 = before.get("heap_in_use_bytes", 0)
            heap_at_peak = heap0
            while carrier.poll() is None and time.time() - t0 < 400:
                now = tb.stats()
                active = now["calls_calls_active"]
                if active > conc:
                    conc, rss_at_peak = active, rss_bytes(tb.daemon.pid)
                    heap_at_peak = now.get("heap_in_use_bytes", 0)
                for port, d in peer_socket_drops(tb).items():
                    sock_drops[port] = max(sock_drops.get(port, 0), d)
                for p in (carrier, agent):
                    sec = cpu_seconds(p.pid)
                    if sec is not None:
                        sipp_cpu[p.pid] = sec
                time.sleep(0.5)
            out = carrier.communicate(timeout=60)[0]
            agent.wait(60)
            time.sleep(0.5)
            sig.terminate()
            sig.wait(10)
            elapsed = time.time() - t0
            host1 = host_busy_seconds()
            threads1 = thread_cpu(tb.daemon.pid)
            time.sleep(1.5)
            after = tb.stats()
            kernel_rx = kernel_rx_packets(tb) - kernel0
            ok = re.search(r"Successful call\s+\|\s+\d+\s+\|\s+(\d+)", out)
            bad = re.search(r"Failed call\s+\|\s+\d+\s+\|\s+(\d+)", out)

            def d(name):
                return after[name] - before[name]
            # How the appliance ended the calls that were not answered, and why.
            causes = {}
            for m in re.finditer(r"event=call_ended .*?outcome=(\S+) code=(\d+) cause=\"([^\"]*)\"",
                                 tb.log()[log0:]):
                if m.group(1) != "answered":
                    key = "%s %s %s" % m.groups()
                    causes[key] = causes.get(key, 0) + 1
            for m in re.finditer(r"event=call_target_failed .*?code=(\d+) reason=\"([^\"]*)\"",
                                 tb.log()[log0:]):
                key = "agent leg %s %s" % m.groups()
                causes[key] = causes.get(key, 0) + 1
            # Why sipp counted calls failed, most frequent first.
            reasons = {}
            for side in ("carrier", "agent"):
                try:
                    f = open(os.path.join(tb.dir, "%s-%d.err" % (side, rate)), errors="replace")
                except FileNotFoundError:
                    continue
                with f:
                    for line in f:
                        m = re.search(r"while expecting '([^']*)' \(index \d+\), received '([^\r\n]{0,40})",
                                      line)
                        if m:
                            key = "%s: expected %s, received %s" % (side, m.group(1), m.group(2))
                        elif re.search(r"timeout|aborting|error", line, re.I):
                            key = side + ": " + re.sub(r"^[\d\-:.\s]+", "", line.strip())[:80]
                        else:
                            continue
                        reasons[key] = reasons.get(key, 0) + 1
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
                # The heap's growth per concurrent call (mallinfo2, exact): control's calls,
                # dialogs, transactions; add the flow table's bytes_per_call per lcore.
                "heap_per_call_bytes": round(max(0, heap_at_peak - heap0) / conc) if conc else None,
                "sipp_retransmissions": retransmissions(out),
                "sipp_failure_reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])[:5]),
                "appliance_unanswered": dict(sorted(causes.items(), key=lambda kv: -kv[1])[:5]),
                "agent_answering": agent_answer_delays(sig_dump),
                # Every appliance counter of a loss or refusal that moved in this step.
                "appliance_losses": {k: d(k) for k in sorted(after)
                                     if re.search(r"drop|full|missed|no_mbuf|refused|failed|limited|stray|unmatched|"
                                                  r"errors|spoofed|no_flow|timeout", k) and d(k) > 0},
                "appliance_port_drops": port_drops(after) - port_drops(before),
                # Frames the kernel had for the appliance that its af_packet ring never
                # handed to the lcore (the lcore thread was not scheduled in time).
                "af_packet_ring_drops": max(0, kernel_rx - (port_rx(after) - port_rx(before))),
                "peer_udp_errors": {k: v - udp0.get(k, 0) for k, v in peer_udp_errors(tb).items()},
                # sipp's sockets: SIP (the carrier's and the agent's port) and the rest (RTP;
                # the carrier's sipp never reads the echo relayed back to it).
                "sipp_sip_socket_drops": sum(d for p, d in sock_drops.items()
                                             if p in (5070, 5100 + i)),
                "sipp_rtp_socket_drops": sum(d for p, d in sock_drops.items()
                                             if p not in (5070, 5100 + i)),
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
