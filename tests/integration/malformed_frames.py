"""Malformed frames, sent from the peer with scapy (run inside the peer's
namespace): `python3 malformed_frames.py IFACE DST_MAC KIND COUNT`."""

import sys

from scapy.all import (ICMP, IP, Ether, ICMPv6EchoRequest, ICMPv6ND_NS, IPv6, IPv6ExtHdrFragment,
                       Raw, conf, sendp)

APP4, PEER4 = "198.51.100.1", "198.51.100.10"
APP6, PEER6 = "2001:db8:100::1", "2001:db8:100::10"


def frame(kind, dst):
    e = Ether(dst=dst, type=0x0800)
    ip = IP(src=PEER4, dst=APP4)
    if kind == "truncated":          # an IPv4 ethertype with 6 bytes of header
        return bytes(e) + b"\x45\x00\x00\x54\x00\x00"
    if kind == "bad_ip_checksum":
        return bytes(e / IP(src=PEER4, dst=APP4, chksum=0x1234) / ICMP())
    if kind == "bad_l4_checksum":
        return bytes(e / ip / ICMP(chksum=0x1234) / Raw(b"x" * 32))
    if kind == "bad_length":         # total length far past the frame
        return bytes(e / IP(src=PEER4, dst=APP4, len=1400) / ICMP())
    if kind == "bad_header_length":  # IHL 4 (16 bytes)
        b = bytearray(bytes(e / ip / ICMP()))
        b[14] = 0x44
        return bytes(b)
    if kind == "bad_version":
        b = bytearray(bytes(e / ip / ICMP()))
        b[14] = 0x65
        return bytes(b)
    if kind == "fragment":
        return bytes(e / IP(src=PEER4, dst=APP4, flags="MF", frag=0) / ICMP() / Raw(b"y" * 64))
    if kind == "fragment6":
        return bytes(Ether(dst=dst) / IPv6(src=PEER6, dst=APP6) / IPv6ExtHdrFragment(m=1) /
                     ICMPv6EchoRequest() / Raw(b"z" * 64))
    if kind == "unknown_protocol":
        return bytes(e / IP(src=PEER4, dst=APP4, proto=47) / Raw(b"\x00" * 8))
    if kind == "unknown_ethertype":
        return bytes(Ether(dst=dst, type=0x88b5) / Raw(b"\x00" * 46))
    if kind == "not_for_us":
        return bytes(e / IP(src=PEER4, dst="198.51.100.99") / ICMP())
    if kind == "bad_source":         # spoofing the appliance's own address
        return bytes(e / IP(src=APP4, dst=APP4) / ICMP())
    if kind == "bad_nd":             # Neighbor Solicitation with hop limit 64
        return bytes(Ether(dst=dst) / IPv6(src=PEER6, dst=APP6, hlim=64) / ICMPv6ND_NS(tgt=APP6))
    raise SystemExit("unknown kind " + kind)


if __name__ == "__main__":
    iface, dst, kind, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    conf.verb = 0
    sendp([Raw(frame(kind, dst))] * count, iface=iface, verbose=False)
