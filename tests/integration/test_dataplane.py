"""The dataplane on the wire: a real appliance on net_af_packet in one network
namespace, the system's ping/arping/scapy/tshark in another."""

import os
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"  # Debian's, which has scapy


def test_ping_ipv4_is_answered_by_the_dataplane(appliance):
    before = appliance.stats()
    r = appliance.peer(["ping", "-c", "5", "-i", "0.2", "-W", "2", appliance.APP4])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "5 received" in r.stdout
    after = appliance.stats()
    assert after["dataplane_icmp_echo_reply_out"] - before["dataplane_icmp_echo_reply_out"] == 5


def test_ping_ipv6_is_answered_by_the_dataplane(appliance):
    before = appliance.stats()
    r = appliance.peer(["ping", "-6", "-c", "5", "-i", "0.2", "-W", "2", appliance.APP6])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "5 received" in r.stdout
    after = appliance.stats()
    assert after["dataplane_icmp6_echo_reply_out"] - before["dataplane_icmp6_echo_reply_out"] == 5


def test_arping_gets_the_dataplane_mac(appliance):
    r = appliance.peer(["arping", "-c", "3", "-w", "5", "-I", appliance.peer_if, appliance.APP4])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Received 3 response(s)" in r.stdout
    assert appliance.APP_MAC.upper() in r.stdout.upper()
    neigh = appliance.peer(["ip", "neigh", "show", appliance.APP4]).stdout
    assert appliance.APP_MAC in neigh.lower()
    neigh6 = appliance.peer(["ip", "-6", "neigh", "show", appliance.APP6]).stdout
    assert appliance.APP_MAC in neigh6.lower(), "the peer resolved our IPv6 address by ND"


def test_replies_on_the_wire_are_well_formed(appliance):
    appliance.peer(["ping", "-c", "2", "-i", "0.2", appliance.APP4])
    appliance.peer(["ping", "-6", "-c", "2", "-i", "0.2", appliance.APP6])
    appliance.peer(["arping", "-c", "2", "-w", "3", "-I", appliance.peer_if, appliance.APP4])
    time.sleep(0.5)
    arp = appliance.tshark(
        "arp.opcode == 2 && arp.src.proto_ipv4 == %s && !_ws.malformed" % appliance.APP4,
        ["eth.src", "arp.src.hw_mac", "arp.dst.proto_ipv4"])
    assert arp, "no well-formed ARP reply from the appliance on the wire"
    for eth_src, sha, tpa in arp:
        assert eth_src == sha == appliance.APP_MAC
        assert tpa == appliance.PEER4
    icmp = appliance.tshark(
        "icmp.type == 0 && ip.src == %s && !_ws.malformed" % appliance.APP4,
        ["ip.checksum.status", "icmp.checksum.status", "icmp.resp_to"])
    assert len(icmp) >= 2
    for ip_ok, icmp_ok, resp_to in icmp:
        assert ip_ok == "1" and icmp_ok == "1", "checksums verified good by tshark"
        assert resp_to, "tshark pairs each reply with its request"
    icmp6 = appliance.tshark(
        "icmpv6.type == 129 && ipv6.src == %s && !_ws.malformed" % appliance.APP6,
        ["icmpv6.checksum.status", "icmpv6.resp_to"])
    assert len(icmp6) >= 2
    assert all(ok == "1" and resp for ok, resp in icmp6)
    # ndisc6 sends a Neighbor Solicitation and waits for the advertisement.
    nd = appliance.peer(["ndisc6", "-r", "3", appliance.APP6, appliance.peer_if])
    assert nd.returncode == 0, nd.stdout + nd.stderr
    assert appliance.APP_MAC.upper() in nd.stdout.upper()
    time.sleep(0.3)
    na = appliance.tshark(
        "icmpv6.type == 136 && ipv6.src == %s && !_ws.malformed" % appliance.APP6,
        ["icmpv6.checksum.status", "icmpv6.nd.na.flag.s", "icmpv6.opt.linkaddr", "ipv6.hlim"])
    assert na, "the appliance answered the peer's Neighbor Solicitation"
    for ok, solicited, linkaddr, hlim in na:
        assert ok == "1" and hlim == "255" and linkaddr == appliance.APP_MAC


def test_appliance_resolves_its_next_hops_and_reprobes_after_ageing(appliance):
    # Config: resolve = [PEER4, PEER6], reachable_ms 1500: confirmed entries go
    # stale and are probed again while the daemon runs.
    s1 = appliance.stats()
    assert s1["dataplane_arp_request_out"] >= 1
    assert s1["dataplane_nd_solicit_out"] >= 1
    assert s1["dataplane_neigh_learned"] >= 2
    time.sleep(3.5)
    s2 = appliance.stats()
    assert s2["dataplane_arp_request_out"] > s1["dataplane_arp_request_out"], "re-probed when stale"
    assert s2["dataplane_nd_solicit_out"] > s1["dataplane_nd_solicit_out"]
    assert s2["dataplane_neigh_failed"] == 0, "the peer answers, so nothing fails"
    who_has = appliance.tshark(
        "arp.opcode == 1 && arp.src.hw_mac == %s && arp.dst.proto_ipv4 == %s && !_ws.malformed"
        % (appliance.APP_MAC, appliance.PEER4), ["eth.dst", "arp.src.proto_ipv4"])
    assert who_has and who_has[0] == ["ff:ff:ff:ff:ff:ff", appliance.APP4]
    ns = appliance.tshark(
        "icmpv6.type == 135 && icmpv6.nd.ns.target_address == %s && eth.src == %s"
        % (appliance.PEER6, appliance.APP_MAC), ["icmpv6.checksum.status", "ipv6.dst"])
    assert ns and ns[0] == ["1", "ff02::1:ff00:10"]


def _echo_server(appliance, family_addr, port):
    code = ("import socket,sys\n"
            "fam = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET\n"
            "s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            "s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(20)\n"
            "print('listening', flush=True)\n"
            "c, _ = s.accept(); c.sendall(b'kernel:' + c.recv(100)); c.close()\n")
    p = appliance.app_popen([PY, "-c", code, family_addr, str(port)], stdout=subprocess.PIPE,
                            text=True)
    assert p.stdout.readline().strip() == "listening"
    return p


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_exception_path_lets_the_kernel_serve_tcp_on_our_address(appliance, family):
    addr = appliance.APP4 if family == "ipv4" else appliance.APP6
    before = appliance.stats()
    server = _echo_server(appliance, addr, 8080)
    client = ("import socket,sys\n"
              "s = socket.create_connection((sys.argv[1], 8080), timeout=10)\n"
              "s.sendall(b'hello'); print(s.recv(100).decode())\n")
    r = appliance.peer([PY, "-c", client, addr])
    server.wait(10)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "kernel:hello"
    after = appliance.stats()
    assert after["dataplane_to_kernel"] > before["dataplane_to_kernel"]
    assert after["dataplane_from_kernel"] > before["dataplane_from_kernel"]


MALFORMED = [
    ("truncated", "dataplane_drop_truncated"),
    ("bad_ip_checksum", "dataplane_drop_bad_ip_checksum"),
    ("bad_l4_checksum", "dataplane_drop_bad_l4_checksum"),
    ("bad_length", "dataplane_drop_bad_length"),
    ("bad_header_length", "dataplane_drop_bad_header_length"),
    ("bad_version", "dataplane_drop_bad_version"),
    # IPv4 fragments never reach a net_af_packet port: DPDK 22.11 joins its
    # socket to a fanout group with PACKET_FANOUT_FLAG_DEFRAG, so the host
    # kernel reassembles (or holds) them first. The IPv4 fragment drop is
    # covered by the unit tests; IPv6 fragments do arrive and are checked here.
    ("fragment6", "dataplane_drop_fragment"),
    ("unknown_protocol", "dataplane_drop_unknown_protocol"),
    ("unknown_ethertype", "dataplane_drop_unknown_ethertype"),
    ("not_for_us", "dataplane_drop_not_for_us"),
    ("bad_source", "dataplane_drop_bad_source"),
    ("bad_nd", "dataplane_drop_bad_nd"),
]


@pytest.mark.parametrize("kind,counter", MALFORMED)
def test_malformed_frames_are_counted_by_reason_and_harmless(appliance, kind, counter):
    count = 7
    before = appliance.stats()
    r = appliance.peer([PY, os.path.join(HERE, "malformed_frames.py"), appliance.peer_if,
                        appliance.APP_MAC, kind, str(count)])
    assert r.returncode == 0, r.stderr
    deadline = time.time() + 5
    while time.time() < deadline:
        after = appliance.stats()
        if after[counter] - before[counter] >= count:
            break
        time.sleep(0.1)
    assert after[counter] - before[counter] == count
    assert after["dataplane_icmp_echo_reply_out"] == before["dataplane_icmp_echo_reply_out"]
    assert appliance.daemon.poll() is None, "the daemon survived"
    ping = appliance.peer(["ping", "-c", "1", "-W", "2", appliance.APP4])
    assert ping.returncode == 0, "and still answers"


def test_stats_prints_every_counter_per_lcore_and_total(appliance, binary):
    r = subprocess.run([binary, "stats", "--socket", appliance.socket], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    header = r.stdout.splitlines()[0].split()
    assert header == ["counter", "lcore1", "total"]
    names = {line.split()[0] for line in r.stdout.splitlines()[1:]}
    for expected in ["dataplane_rx_packets", "dataplane_tx_packets", "dataplane_arp_reply_out",
                     "dataplane_drop_truncated", "dataplane_drop_bad_nd", "dataplane_to_kernel",
                     "dataplane_poll_idle_sleeps", "uptime_seconds", "store_schema_version"]:
        assert expected in names
    prom = subprocess.run([binary, "stats", "--socket", appliance.socket, "--prometheus"],
                          capture_output=True, text=True).stdout
    assert 'trunkline_dataplane_rx_packets{lcore="1"}' in prom
    assert "# TYPE trunkline_dataplane_rx_packets counter" in prom
    assert appliance.stats()["dataplane_poll_idle_sleeps"] > 0, "the idle loop backs off"


def test_stats_without_a_daemon_is_a_clear_error(binary, tmp_path):
    r = subprocess.run([binary, "stats", "--socket", str(tmp_path / "none.sock")],
                       capture_output=True, text=True)
    assert r.returncode == 1
    assert "cannot reach the daemon" in r.stderr
