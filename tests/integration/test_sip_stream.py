"""SIP over TCP and TLS (RFC 3261 §18.3) with real peers: the appliance's
kernel sockets reached through the exception path (kernel_interface), the
same shards and B2BUA above as UDP. sipp speaks TCP (`-t t1`), baresip
registers over TCP; this sipp has no TLS, so Python's ssl module is the TLS
peer, and it checks that the certificate presented is the configured one.
Certificates are made here."""

import hashlib
import os
import signal
import subprocess
import tempfile
import time

import pytest

from calls_support import SIPP, baresip_config, baresip_running, counts, sipp_cmd, wait_for
from conftest import build_dir
from testbed import Testbed

PY = "/usr/bin/python3"
CARRIER = "198.51.100.10"   # the trunk's allowed address (Testbed.PEER4)
ALICE = "198.51.100.20"     # alice's phone over UDP (static contact)
DID = "+81312345678"        # rings alice
DID_OUT = "+81322222222"    # rings dave, who is only reachable at his alternate number
TRUNK_OUT_PORT = 5080       # the carrier's TCP listener for calls we send it
CARRIER_TLS = "198.51.100.11"  # a second carrier, whose trunk is TLS
DID_TLS = "+81333333333"    # rings erin, who is only reachable at her alternate number
TRUNK_TLS_PORT = 5081
FRANK = "198.51.100.10"     # frank's baresip, over TCP (baresip binds the host's first address)
DID_FRANK = "+81344444444"  # rings frank
MEDIA = (20000, 20999)

PROVISION = """
[[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.trunks]]
  name = "carrier-tcp"
  allow = ["%(carrier)s"]
  transport = "tcp"
  outbound = "%(carrier)s:%(out_port)d"
  [[tenants.trunks]]
  name = "carrier-tls"
  allow = ["%(carrier_tls)s"]
  transport = "tls"
  outbound = "%(carrier_tls)s:%(tls_port)d"
  [[tenants.agents]]
  name = "alice"
  display = "Alice"
  sip_user = "alice"
  password = "alice-pw-1"
  static_contact = "%(alice)s:5070"
  [[tenants.agents]]
  name = "dave"
  display = "Dave"
  sip_user = "dave"
  password = "dave-pw-12"
  alternate_number = "0399998888"
  [[tenants.agents]]
  name = "erin"
  display = "Erin"
  sip_user = "erin"
  password = "erin-pw-12"
  alternate_number = "0399997777"
  [[tenants.agents]]
  name = "frank"
  display = "Frank"
  sip_user = "frank"
  password = "frank-pw-1"
  [[tenants.dids]]
  number = "%(did_frank)s"
  line_skill = "sales"
  agents = ["frank"]
  [[tenants.dids]]
  number = "%(did_tls)s"
  line_skill = "sales"
  agents = ["erin"]
  [[tenants.dids]]
  number = "%(did)s"
  line_skill = "sales"
  agents = ["alice"]
  [[tenants.dids]]
  number = "%(did_out)s"
  line_skill = "sales"
  agents = ["dave"]
""" % {"carrier": CARRIER, "alice": ALICE, "did": DID, "did_out": DID_OUT,
       "out_port": TRUNK_OUT_PORT, "carrier_tls": CARRIER_TLS, "tls_port": TRUNK_TLS_PORT,
       "did_tls": DID_TLS, "did_frank": DID_FRANK}


def make_certificate(directory, address=Testbed.APP4, name="sip"):
    """A self-signed certificate for `address`; (cert, key)."""
    cert, key = os.path.join(directory, name + ".crt"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=trunkline-sip-test",
                    "-addext", "subjectAltName=IP:" + address],
                   check=True, capture_output=True)
    os.chmod(key, 0o600)
    return cert, key


@pytest.fixture(scope="module")
def stream():
    certs = tempfile.mkdtemp(prefix="trunkline-sip-certs-")
    cert, key = make_certificate(certs)
    # The TLS trunk's own certificate, which the appliance is told to trust.
    far_cert, far_key = make_certificate(certs, CARRIER_TLS, "far")
    with Testbed(build_dir(), name="tls%d" % (os.getpid() % 10000), capture=True,
                 sip={"test_responder": False, "tcp_port": 5060, "tls_port": 5061,
                      "tls_certificate": cert, "tls_private_key": key, "tls_ca_file": far_cert},
                 extra_peer4=[ALICE, CARRIER_TLS], provision=PROVISION,
                 media={"port_min": MEDIA[0], "port_max": MEDIA[1]},
                 # baresip 1.0 answers MD5 challenges only (see test_calls.py).
                 extra_config='[registrar]\ndigest_algorithms = ["MD5"]\n') as tb:
        tb.cert = cert
        tb.far_cert, tb.far_key = far_cert, far_key
        yield tb


# A peer written in Python (plain TCP, or TLS verifying the appliance against
# the test certificate): sends argv[3] as one write, prints what comes back
# until the connection closes or 3 s of silence, then the SHA-256 of the
# certificate the server presented (TLS).
CLIENT = r"""
import hashlib, socket, ssl, sys
host, port, payload, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
source = (sys.argv[5], 0) if len(sys.argv) > 5 and sys.argv[5] else None
raw = socket.create_connection((host, port), timeout=10, source_address=source)
s = raw
if cafile:
    ctx = ssl.create_default_context(cafile=cafile)
    if len(sys.argv) > 7:  # a client certificate and key
        ctx.load_cert_chain(sys.argv[6], sys.argv[7])
    s = ctx.wrap_socket(raw, server_hostname=host)
s.sendall(payload.encode().decode('unicode_escape').encode())
s.settimeout(3)
got = b''
try:
    while True:
        b = s.recv(4096)
        if not b:
            got += b'<closed>'
            break
        got += b
except socket.timeout:
    pass
sys.stdout.write(got.decode(errors='replace'))
if cafile:
    sys.stdout.write('\ncert-sha256=' + hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest())
"""

OPTIONS = ("OPTIONS sip:trunkline@%(app)s SIP/2.0\\r\\n"
           "Via: SIP/2.0/%(proto)s %(me)s:5099;branch=z9hG4bK%(branch)s\\r\\n"
           "From: <sip:probe@%(me)s>;tag=p1\\r\\nTo: <sip:trunkline@%(app)s>\\r\\n"
           "Call-ID: %(branch)s@probe\\r\\nCSeq: 1 OPTIONS\\r\\nMax-Forwards: 70\\r\\n"
           "%(length)s\\r\\n")


def options(proto, branch, length="Content-Length: 0\\r\\n"):
    return OPTIONS % {"app": Testbed.APP4, "proto": proto, "me": CARRIER, "branch": branch,
                      "length": length}


def client(tb, port, payload, cafile="", host=None, client_cert=None):
    """`client_cert`: (cert, key) shown to the appliance (mutual TLS)."""
    r = tb.peer([PY, "-c", CLIENT, host or tb.APP4, str(port), payload, cafile, ""] +
                list(client_cert or ()), timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_options_over_tcp_from_sipp(stream):
    tb = stream
    before = tb.stats()
    r = tb.peer(sipp_cmd(tb, CARRIER, 5062, {"-t": "t1", "-sf": os.path.join(SIPP, "options.xml"),
                                             "-m": 1, tb.APP4 + ":5060": True}), timeout=90)
    out = r.stdout + r.stderr
    assert counts(out) == (1, 0), out[-3000:] + tb.log()[-3000:]
    after = tb.stats()
    assert after["sip_stream_connections_accepted"] > before["sip_stream_connections_accepted"]
    assert after["sip_stream_messages_in"] - before["sip_stream_messages_in"] >= 1
    assert after["sip_stream_messages_out"] - before["sip_stream_messages_out"] >= 1
    assert after["sip_options_answered"] - before["sip_options_answered"] == 1
    # The 200 went back on the carrier's TCP connection, from port 5060.
    assert wait_for(lambda: tb.tshark("tcp.srcport == 5060 && sip.Status-Code == 200 && "
                                      "sip.CSeq.method == OPTIONS", ["frame.number"]), 10)


def test_call_from_tcp_trunk_to_udp_agent(stream):
    tb = stream
    before = tb.stats()
    agent = tb.peer_popen(sipp_cmd(tb, ALICE, 5070, {"-sn": "uas", "-rtp_echo": True, "-mp": 6100,
                                                     "-m": 1}),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.5)
    carrier = tb.peer_popen(sipp_cmd(tb, CARRIER, 5063, {"-t": "t1",
                                                         "-sf": os.path.join(SIPP, "carrier_call.xml"),
                                                         "-s": DID, "-mp": 6000, "-m": 1,
                                                         tb.APP4 + ":5060": True}),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    c_out = carrier.communicate(timeout=90)[0]
    a_out = agent.communicate(timeout=90)[0]
    assert counts(c_out) == (1, 0), c_out[-3000:] + tb.log()[-3000:]
    assert counts(a_out) == (1, 0), a_out[-3000:]
    after = tb.stats()
    assert after["calls_calls_answered"] - before["calls_calls_answered"] == 1
    # The agent's leg is UDP whatever the carrier's is; the carrier's 200
    # names TCP in our Contact and went over its connection.
    invites = tb.tshark("sip.Method == INVITE && ip.dst == %s" % ALICE, ["sip.Via"])
    assert invites and invites[-1][0].startswith("SIP/2.0/UDP"), invites
    ok = tb.tshark("tcp && sip.Status-Code == 200 && ip.dst == %s && sip.CSeq.method == INVITE"
                   % CARRIER, ["sip.Contact"])
    assert ok and "transport=tcp" in ok[-1][0], ok


def test_call_to_agent_alternate_goes_out_over_tcp_trunk(stream):
    """dave has no phone: his alternate number is called through the trunk,
    whose transport is tcp, so the appliance opens a TCP connection to it."""
    tb = stream
    before = tb.stats()
    far = tb.peer_popen(sipp_cmd(tb, CARRIER, TRUNK_OUT_PORT, {"-sn": "uas", "-t": "t1",
                                                               "-mp": 6300, "-m": 1}),
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    time.sleep(0.5)
    carrier = tb.peer_popen(sipp_cmd(tb, CARRIER, 5064, {"-sf": os.path.join(SIPP, "carrier_call.xml"),
                                                         "-s": DID_OUT, "-mp": 6200, "-m": 1,
                                                         tb.APP4 + ":5060": True}),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    c_out = carrier.communicate(timeout=90)[0]
    f_out = far.communicate(timeout=90)[0]
    assert counts(c_out) == (1, 0), c_out[-3000:] + tb.log()[-3000:]
    assert counts(f_out) == (1, 0), f_out[-3000:] + tb.log()[-3000:]
    after = tb.stats()
    assert after["sip_stream_connections_opened"] > before["sip_stream_connections_opened"]
    invites = tb.tshark("tcp && sip.Method == INVITE && ip.dst == %s && tcp.dstport == %d"
                        % (CARRIER, TRUNK_OUT_PORT), ["sip.Via", "sip.Contact"])
    assert invites, tb.log()[-3000:]
    assert invites[0][0].startswith("SIP/2.0/TCP %s:5060" % tb.APP4), invites
    assert "transport=tcp" in invites[0][1], invites


def test_options_over_tls_shows_the_configured_certificate(stream):
    tb = stream
    before = tb.stats()
    out = client(tb, 5061, options("TLS", "tls1"), cafile=tb.cert)
    assert out.startswith("SIP/2.0 200"), out + tb.log()[-2000:]
    assert "Via: SIP/2.0/TLS %s:5099;branch=z9hG4bKtls1" % CARRIER in out
    der = subprocess.run(["openssl", "x509", "-in", tb.cert, "-outform", "DER"],
                         capture_output=True, check=True).stdout
    assert out.rstrip().endswith("cert-sha256=" + hashlib.sha256(der).hexdigest()), out
    after = tb.stats()
    assert after["sip_stream_tls_handshake_failures"] == before["sip_stream_tls_handshake_failures"]


def test_tls_handshake_with_a_plain_tcp_peer_fails_and_is_counted(stream):
    tb = stream
    before = tb.stats()
    out = client(tb, 5061, options("TCP", "plain-on-tls"))
    assert "SIP/2.0" not in out
    assert wait_for(lambda: tb.stats()["sip_stream_tls_handshake_failures"] >
                    before["sip_stream_tls_handshake_failures"], 5)
    assert "sip_tls_handshake_failed" in tb.log()


def test_keepalive_ping_gets_a_pong_and_messages_can_share_a_write(stream):
    tb = stream
    before = tb.stats()
    out = client(tb, 5060, "\\r\\n\\r\\n" + options("TCP", "ka1") + options("TCP", "ka2"))
    # The pong (one CRLF; the peer's output is read with universal newlines)
    # comes before the answers.
    assert out.startswith("\nSIP/2.0 200 OK"), repr(out[:40])
    after = tb.stats()
    assert after["sip_stream_keepalive_pings"] - before["sip_stream_keepalive_pings"] == 1
    assert out.count("SIP/2.0 200 OK") == 2, out
    assert "z9hG4bKka1" in out and "z9hG4bKka2" in out


def test_missing_content_length_gets_400_and_the_connection_closes(stream):
    tb = stream
    before = tb.stats()
    out = client(tb, 5060, options("TCP", "nolen", length=""))
    assert out.startswith("SIP/2.0 400"), out
    assert out.endswith("<closed>"), out
    after = tb.stats()
    assert after["sip_stream_framing_errors"] - before["sip_stream_framing_errors"] == 1
    assert after["sip_stream_framing_refusals_sent"] - before["sip_stream_framing_refusals_sent"] == 1
    assert "sip_stream_framing_error" in tb.log()


# The TLS trunk's far end: requires the appliance's certificate (mutual TLS),
# takes one connection, prints the INVITE's request line and Via, answers 486
# and prints the first line of what follows (ACK).
FAR_TLS = r"""
import socket, ssl, sys
cert, key, host, port, ours = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
ctx.verify_mode = ssl.CERT_REQUIRED  # mutual TLS: the appliance must show its certificate
ctx.load_verify_locations(ours)
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((host, port)); ls.listen(1); ls.settimeout(30)
print('listening', flush=True)
c, _ = ls.accept()
s = ctx.wrap_socket(c, server_side=True)
buf = b''
while b'\r\n\r\n' not in buf:
    buf += s.recv(4096)
lines = buf.split(b'\r\n\r\n')[0].decode().split('\r\n')
def h(name):
    return [l for l in lines[1:] if l.split(':')[0].strip().lower() == name.lower()][0]
print(lines[0]); print(h('Via')); print(h('Contact'), flush=True)
s.sendall(('SIP/2.0 486 Busy Here\r\n' + h('Via') + '\r\n' + h('From') + '\r\n' + h('To') +
           ';tag=far\r\n' + h('Call-ID') + '\r\n' + h('CSeq') + '\r\nContent-Length: 0\r\n\r\n').encode())
s.settimeout(5)
try:
    print(s.recv(4096).decode().split('\r\n')[0], flush=True)
except Exception as e:
    print('no ACK: %s' % e, flush=True)
"""


# The TLS trunk's carrier side: an INVITE over TLS (verifying the appliance's
# certificate) from the trunk's address; prints each response's status line
# until a final one, which it acknowledges (RFC 3261 §17.1.1.3).
CARRIER_OVER_TLS = r"""
import socket, ssl, sys
app, port, cafile, source, did = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context(cafile=cafile)
s = ctx.wrap_socket(socket.create_connection((app, port), timeout=10, source_address=(source, 0)),
                    server_hostname=app)
sdp = ('v=0\r\no=carrier 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n'
       'm=audio 6400 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n') % (source, source)
common = ('Via: SIP/2.0/TLS %s:5061;branch=z9hG4bKtlscarrier\r\nFrom: <sip:0312340000@%s>;tag=tc1\r\n'
          % (source, source))
s.sendall(('INVITE sip:%s@%s:%d SIP/2.0\r\n%sTo: <sip:%s@%s>\r\nCall-ID: tls-carrier-1\r\n'
           'CSeq: 1 INVITE\r\nContact: <sip:carrier@%s:5061;transport=tls>\r\nMax-Forwards: 70\r\n'
           'Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s'
           % (did, app, port, common, did, app, source, len(sdp), sdp)).encode())
s.settimeout(20)
buf, final = b'', None
while final is None:
    data = s.recv(4096)
    if not data:
        print('closed', flush=True)
        break
    buf += data
    while final is None and b'\r\n\r\n' in buf:
        head, rest = buf.split(b'\r\n\r\n', 1)
        lines = head.decode().split('\r\n')
        length = [int(l.split(':')[1]) for l in lines if l.lower().startswith('content-length')]
        if length and len(rest) < length[0]:
            break
        buf = rest[length[0] if length else 0:]
        print(lines[0], flush=True)
        if int(lines[0].split()[1]) >= 200:
            final = lines
if final:
    to = [l for l in final if l.lower().startswith('to:')][0]
    s.sendall(('ACK sip:%s@%s:%d SIP/2.0\r\n%s%s\r\nCall-ID: tls-carrier-1\r\nCSeq: 1 ACK\r\n'
               'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n' % (did, app, port, common, to)).encode())
"""


def test_call_over_tls_trunk_both_ways_verified(stream):
    """A carrier whose trunk is TLS calls in over TLS; erin's alternate number
    is called back out through that trunk: the appliance connects, verifies
    the trunk's certificate against [sip] tls_ca_file, and sends the INVITE
    over TLS; the trunk's 486 comes back to the carrier over its connection."""
    tb = stream
    before = tb.stats()
    far = tb.peer_popen([PY, "-c", FAR_TLS, tb.far_cert, tb.far_key, CARRIER_TLS,
                         str(TRUNK_TLS_PORT), tb.cert], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
    assert far.stdout.readline().strip() == "listening"
    r = tb.peer([PY, "-c", CARRIER_OVER_TLS, tb.APP4, "5061", tb.cert, CARRIER_TLS, DID_TLS],
                timeout=60)
    out = far.communicate(timeout=30)[0]
    assert r.returncode == 0, r.stderr + tb.log()[-3000:]
    carrier_lines = r.stdout.splitlines()
    assert carrier_lines and carrier_lines[-1] == "SIP/2.0 486 Busy Here", \
        r.stdout + out + tb.log()[-3000:]
    lines = out.splitlines()
    assert lines[0].startswith("INVITE sip:0399997777@%s:%d;transport=tls SIP/2.0"
                               % (CARRIER_TLS, TRUNK_TLS_PORT)), out
    assert lines[1].startswith("Via: SIP/2.0/TLS %s:5061;branch=" % tb.APP4), out
    assert "transport=tls" in lines[2], out
    assert lines[3].startswith("ACK "), out
    after = tb.stats()
    assert after["sip_stream_connections_opened"] > before["sip_stream_connections_opened"]
    assert after["sip_stream_tls_handshake_failures"] == before["sip_stream_tls_handshake_failures"]
    assert after["calls_refused_transport"] == before["calls_refused_transport"]


def test_tls_trunk_calling_over_udp_is_refused_403(stream):
    """The TLS trunk's address sending its INVITE in clear (UDP) is refused,
    not downgraded, and counted."""
    tb = stream
    before = tb.stats()
    xml = open(os.path.join(SIPP, "carrier_refused.xml")).read().replace("EXPECTED_CODE", "403")
    path = os.path.join(tb.dir, "refused-403.xml")
    with open(path, "w") as f:
        f.write(xml)
    r = tb.peer(sipp_cmd(tb, CARRIER_TLS, 5066, {"-sf": path, "-s": DID_TLS, "-m": 1,
                                                 tb.APP4 + ":5060": True}), timeout=90)
    assert counts(r.stdout + r.stderr) == (1, 0), r.stdout[-2000:] + tb.log()[-3000:]
    after = tb.stats()
    assert after["calls_refused_transport"] - before["calls_refused_transport"] == 1
    assert after["calls_refused_trunk"] == before["calls_refused_trunk"]
    assert wait_for(lambda: tb.tshark("sip.Status-Code == 403 && ip.dst == %s" % CARRIER_TLS,
                                      ["sip.Status-Line"]), 10)
    assert 'reason="TLS Required"' in tb.log()


def test_options_over_tcp_on_ipv6(stream):
    """The stream listeners serve the port's IPv6 address too."""
    tb = stream
    before = tb.stats()
    r = tb.peer(sipp_cmd(tb, tb.PEER6, 5067, {"-t": "t1", "-sf": os.path.join(SIPP, "options.xml"),
                                              "-m": 1, "[%s]:5060" % tb.APP6: True}), timeout=90)
    out = r.stdout + r.stderr
    assert counts(out) == (1, 0), out[-3000:] + tb.log()[-3000:]
    after = tb.stats()
    assert after["sip_options_answered"] - before["sip_options_answered"] == 1
    assert wait_for(lambda: tb.tshark("ipv6.src == %s && tcp.srcport == 5060 && "
                                      "sip.Status-Code == 200" % tb.APP6, ["frame.number"]), 10)


def test_phone_registered_over_tcp_is_called_on_its_connection(stream):
    """baresip registers over TCP (digest, MD5 for this phone); the call to its
    agent goes over the connection the phone registered on (the phone is
    behind whatever NAT that connection crossed), and audio flows."""
    tb = stream
    conf = os.path.join(tb.dir, "baresip-tcp")
    os.makedirs(conf, exist_ok=True)
    with open(os.path.join(conf, "config"), "w") as f:
        f.write(baresip_config(FRANK, sip_port=5074, rtp_ports=(7100, 7119)))
    with open(os.path.join(conf, "accounts"), "w") as f:
        f.write('<sip:frank@acme.example;transport=tcp>;auth_pass=frank-pw-1;'
                'outbound="sip:%s:5060;transport=tcp";regint=300;answermode=auto;'
                'audio_codecs=PCMA,PCMU\n' % tb.APP4)
    before = tb.stats()
    registered, sipp_out = False, ""
    with baresip_running(tb, conf):
        registered = wait_for(lambda: tb.stats()["registrar_registrations"]
                              > before["registrar_registrations"], 20)
        if registered:
            r = tb.peer(sipp_cmd(tb, CARRIER, 5068, {"-sf": os.path.join(SIPP, "carrier_call.xml"),
                                                     "-s": DID_FRANK, "-mp": 6500, "-m": 1,
                                                     tb.APP4 + ":5060": True}), timeout=90)
            sipp_out = r.stdout + r.stderr
    out = open(os.path.join(tb.dir, "baresip.log")).read()
    assert registered, out[-3000:] + tb.log()[-2000:]
    assert counts(sipp_out) == (1, 0), sipp_out[-3000:] + out[-3000:] + tb.log()[-3000:]
    after = tb.stats()
    assert after["calls_calls_answered"] - before["calls_calls_answered"] == 1
    registers = tb.tshark("tcp && sip.Method == REGISTER && ip.src == %s" % FRANK, ["tcp.srcport"])
    invites = tb.tshark("tcp && sip.Method == INVITE && ip.dst == %s && tcp.srcport == 5060"
                        % FRANK, ["tcp.dstport", "sip.Via"])
    assert registers and invites, (registers, invites)
    # The INVITE went to the port the phone registered from, over TCP.
    assert invites[-1][0] in {p[0] for p in registers}, (registers, invites)
    assert invites[-1][1].startswith("SIP/2.0/TCP"), invites
    to_phone = tb.tshark("udp && !icmp && ip.src == %s && ip.dst == %s && udp.dstport >= 7100 && "
                         "udp.dstport < 7120" % (tb.APP4, FRANK), ["udp.srcport"])
    from_phone = tb.tshark("udp && !icmp && ip.src == %s && udp.srcport >= 7100 && "
                           "udp.srcport < 7120 && ip.dst == %s" % (FRANK, tb.APP4), ["udp.dstport"])
    assert len(to_phone) >= 100 and len(from_phone) >= 100, (len(to_phone), len(from_phone))


def test_certificate_is_reloaded_on_sighup(stream):
    """Certificate rotation: a SIGHUP with an unreadable certificate keeps the
    one in use (and says so); with a new one, new handshakes present it."""
    tb = stream
    der = lambda path: subprocess.run(["openssl", "x509", "-in", path, "-outform", "DER"],
                                      capture_output=True, check=True).stdout
    old = hashlib.sha256(der(tb.cert)).hexdigest()
    old_pem = open(tb.cert).read()
    before = tb.stats()
    with open(tb.cert, "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    refusals = tb.log().count("event=sip_tls_reload_refused")
    os.kill(tb.daemon.pid, signal.SIGHUP)
    assert wait_for(lambda: tb.log().count("event=sip_tls_reload_refused") > refusals, 10), \
        tb.log()[-2000:]
    keep = os.path.join(tb.dir, "old.crt")
    with open(keep, "w") as f:
        f.write(old_pem)
    out = client(tb, 5061, options("TLS", "tlsold"), cafile=keep)
    assert out.rstrip().endswith("cert-sha256=" + old), out

    make_certificate(os.path.dirname(tb.cert))  # a new key and certificate, same files
    new = hashlib.sha256(der(tb.cert)).hexdigest()
    assert new != old
    os.kill(tb.daemon.pid, signal.SIGHUP)
    assert wait_for(lambda: tb.stats()["sip_stream_tls_reloads"] > before["sip_stream_tls_reloads"],
                    10), tb.log()[-2000:]
    out = client(tb, 5061, options("TLS", "tlsnew"), cafile=tb.cert)
    assert out.startswith("SIP/2.0 200"), out
    assert out.rstrip().endswith("cert-sha256=" + new), out


@pytest.fixture(scope="module")
def mutual():
    """An appliance that asks every TLS peer for a certificate its
    tls_ca_file trusts ([sip] tls_verify_clients)."""
    certs = tempfile.mkdtemp(prefix="trunkline-sip-mtls-")
    cert, key = make_certificate(certs)
    peer_cert, peer_key = make_certificate(certs, CARRIER, "carrier")
    stranger_cert, stranger_key = make_certificate(certs, CARRIER, "stranger")
    with Testbed(build_dir(), name="mtl%d" % (os.getpid() % 10000),
                 sip={"test_responder": False, "tcp_port": 5060, "tls_port": 5061,
                      "tls_certificate": cert, "tls_private_key": key, "tls_ca_file": peer_cert,
                      "tls_verify_clients": True},
                 provision=PROVISION, media={"port_min": MEDIA[0], "port_max": MEDIA[1]}) as tb:
        tb.cert = cert
        tb.peer_cert, tb.peer_key = peer_cert, peer_key
        tb.stranger = (stranger_cert, stranger_key)
        yield tb


def test_mutual_tls_admits_only_trusted_client_certificates(mutual):
    tb = mutual
    before = tb.stats()
    out = client(tb, 5061, options("TLS", "mtls1"), cafile=tb.cert,
                 client_cert=(tb.peer_cert, tb.peer_key))
    assert out.startswith("SIP/2.0 200"), out + tb.log()[-2000:]
    assert tb.stats()["sip_stream_tls_handshake_failures"] == \
        before["sip_stream_tls_handshake_failures"]
    # No certificate, or one the appliance does not trust: no handshake, no answer.
    for cert, alert in ((None, "CERTIFICATE_REQUIRED"), (tb.stranger, "UNKNOWN_CA")):
        r = tb.peer([PY, "-c", CLIENT, tb.APP4, "5061", options("TLS", "mtls-bad"), tb.cert, ""] +
                    list(cert or ()), timeout=30)
        assert "SIP/2.0" not in r.stdout, r.stdout
        assert r.returncode != 0 and alert in r.stderr, r.stderr
    assert wait_for(lambda: tb.stats()["sip_stream_tls_handshake_failures"] -
                    before["sip_stream_tls_handshake_failures"] == 2, 5), tb.log()[-2000:]
    assert tb.stats()["sip_options_answered"] - before["sip_options_answered"] == 1
