"""SRTP on the agent leg, plain RTP on the trunk leg, with real peers: sipp
as the carrier plays g711a.pcap in plain RTP; the agent is baresip with
mandatory SRTP (SDES), registered with digest authentication and
auto-answering. tshark sees SRTP (with its 10-byte tag) only between the
appliance and the phone, and plain RTP on the trunk; what baresip decrypts
and plays is, sample for sample, the carrier's audio."""

import os

import pytest

from audio_support import PCAP, channels, packets_found, pcap_payloads, spoken
from calls_support import SIPP, baresip_config, baresip_running, counts, sipp_cmd, wait_for
from conftest import build_dir
from testbed import Testbed

CARRIER = "198.51.100.10"
PHONE = CARRIER  # baresip binds the host's first address
DID = "+81377777777"

PROVISION = """
[[tenants]]
name = "acme"
sip_domain = "acme.example"
  [[tenants.trunks]]
  name = "carrier-a"
  allow = ["%(carrier)s"]
  [[tenants.agents]]
  name = "dave"
  password = "dave-pw-12"
  srtp = true
  [[tenants.dids]]
  number = "%(did)s"
  agents = ["dave"]
""" % {"carrier": CARRIER, "did": DID}


@pytest.fixture(scope="module")
def srtp_bed():
    # baresip 1.0 gives up on SHA-256 challenges: MD5 only, as in test_calls.
    with Testbed(build_dir(), name="tls%d" % (os.getpid() % 10000), capture=True,
                 sip={"test_responder": False}, provision=PROVISION,
                 extra_config='[registrar]\ndigest_algorithms = ["MD5"]\n') as tb:
        yield tb


def rtp_lengths(tb, flt):
    """UDP lengths of the RTP (even ports at both ends) the filter matches."""
    rows = tb.tshark("udp && !icmp && " + flt, ["udp.srcport", "udp.dstport", "udp.length"])
    return [int(n) for s, d, n in rows if int(s) % 2 == 0 and int(d) % 2 == 0]


def test_srtp_phone_decrypts_the_carriers_plain_audio(srtp_bed):
    tb = srtp_bed
    conf = os.path.join(tb.dir, "baresip")
    os.makedirs(conf, exist_ok=True)
    heard = os.path.join(tb.dir, "heard")
    os.makedirs(heard, exist_ok=True)
    with open(os.path.join(conf, "config"), "w") as f:
        f.write(baresip_config(PHONE, record_dir=heard, play_srate=8000, play_channels=1,
                               modules=["srtp.so"]))
    with open(os.path.join(conf, "accounts"), "w") as f:
        f.write('<sip:dave@acme.example>;auth_pass=dave-pw-12;outbound="sip:%s:5060";'
                'regint=300;answermode=auto;audio_codecs=PCMA;mediaenc=srtp-mand\n' % tb.APP4)
    before = tb.stats()
    with baresip_running(tb, conf):
        assert wait_for(lambda: tb.stats()["registrar_registrations"]
                        > before["registrar_registrations"], 20), tb.log()[-2000:]
        r = tb.peer(sipp_cmd(tb, CARRIER, 5069, {"-sf": os.path.join(SIPP, "carrier_call.xml"),
                                                 "-s": DID, "-mp": 6030, "-m": 1,
                                                 tb.APP4 + ":5060": True}), timeout=90)
        out = r.stdout + r.stderr
    phone_log = open(os.path.join(tb.dir, "baresip.log")).read()
    assert counts(out) == (1, 0), out[-3000:] + phone_log[-3000:] + tb.log()[-3000:]

    # The phone was offered RTP/SAVP with our key, and answered with its own.
    offer = tb.tshark("sip.Method == INVITE && ip.dst == %s && udp.dstport == 5072" % PHONE,
                      ["sdp.media.proto"])
    assert offer and offer[0][0] == "RTP/SAVP", offer
    # On the wire: the carrier's 252-byte RTP (12 + 240 A-law) arrives plain
    # and leaves towards the phone 10 bytes longer (the SRTP tag); the phone's
    # 20 ms packets (12 + 160) arrive with the tag and reach the carrier without.
    from_carrier = rtp_lengths(tb, "ip.src == %s && udp.srcport == 6030" % CARRIER)
    to_phone = rtp_lengths(tb, "ip.src == %s && ip.dst == %s && udp.dstport >= 7000 && "
                               "udp.dstport < 7020" % (tb.APP4, PHONE))
    from_phone = rtp_lengths(tb, "ip.dst == %s && udp.srcport >= 7000 && udp.srcport < 7020"
                             % tb.APP4)
    to_carrier = rtp_lengths(tb, "ip.src == %s && ip.dst == %s && udp.dstport == 6030"
                             % (tb.APP4, CARRIER))
    assert len(from_carrier) >= 200 and set(from_carrier) == {8 + 252}, set(from_carrier)
    assert len(to_phone) >= 0.95 * len(from_carrier), (len(to_phone), len(from_carrier))
    assert set(to_phone) == {8 + 252 + 10}, set(to_phone)
    assert len(from_phone) >= 100 and set(from_phone) == {8 + 172 + 10}, set(from_phone)
    assert len(to_carrier) >= 0.95 * len(from_phone) and set(to_carrier) == {8 + 172}
    after = tb.stats()
    # A phone sends as soon as it answers; its first packets can beat its
    # answer's key to the lcore and are dropped (counted), nothing later is.
    failed = (after["dataplane_media_srtp_unprotect_failed"]
              - before["dataplane_media_srtp_unprotect_failed"])
    assert failed <= 5, failed
    assert after["dataplane_media_srtp_refused"] == 0

    # What baresip decrypted and played is the carrier's audio, exact.
    decoded = [f for f in os.listdir(heard) if f.endswith("-dec.wav")]
    assert len(decoded) == 1, os.listdir(heard)
    (played,) = channels(os.path.join(heard, decoded[0]), 1)
    sent = spoken(pcap_payloads(PCAP))
    assert packets_found(played, sent) >= 0.95 * len(sent), (packets_found(played, sent),
                                                              len(sent), phone_log[-2000:])
