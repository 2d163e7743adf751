"""Audio truth for the call tests: sipp's g711a.pcap decoded as the peers
and the appliance decode it, and a check that what was sent appears, sample
for sample and in order, in what was heard or recorded."""

import struct
import wave

PCAP = "/usr/share/sip-tester/g711a.pcap"


def alaw_to_linear(a):
    """ITU-T G.711 A-law to 16-bit linear."""
    a ^= 0x55
    t = (a & 0x0f) << 4
    seg = (a & 0x70) >> 4
    if seg == 0:
        t += 8
    elif seg == 1:
        t += 0x108
    else:
        t = (t + 0x108) << (seg - 1)
    return t if a & 0x80 else -t


def pcap_payloads(path):
    """The RTP payloads of a classic pcap of Ethernet/IPv4/UDP/RTP frames."""
    data = open(path, "rb").read()
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        ihl = (frame[14] & 0x0f) * 4
        rtp = frame[14 + ihl + 8:]
        cc = rtp[0] & 0x0f
        out.append(rtp[12 + 4 * cc:])
    return out


def channels(wav_path, count=2):
    """The 16-bit 8 kHz channels of a WAV file."""
    with wave.open(wav_path) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (count, 2, 8000)
        raw = w.readframes(w.getnframes())
    samples = struct.unpack("<%dh" % (len(raw) // 2), raw)
    return [samples[i::count] for i in range(count)]


def spoken(payloads):
    """The payloads that are not one repeated code (silence matches anywhere)."""
    return [p for p in payloads if len(set(p)) > 1]


def packets_found(channel, payloads):
    """How many payloads appear, decoded and whole, in `channel` in the order sent."""
    hay = struct.pack("<%dh" % len(channel), *channel)
    pos, found = 0, 0
    for p in payloads:
        needle = struct.pack("<%dh" % len(p), *[alaw_to_linear(b) for b in p])
        at = hay.find(needle, pos)
        while at != -1 and at % 2:
            at = hay.find(needle, at + 1)
        if at != -1:
            found += 1
            pos = at + len(needle)
    return found
