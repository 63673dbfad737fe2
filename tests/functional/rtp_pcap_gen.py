#!/usr/bin/env python3
"""Write a capture of RTP streams with known impairments, for replay into
the data plane (net_pcap rx_pcap) and for tshark's RTP analysis of the
same file.

usage: rtp_pcap_gen.py OUT.pcap TRUTH.json [--streams N] [--packets P]
                       [--seed S] [--src IP] [--dst IP] [--port BASE]

Stream k goes from SRC:BASE+2k to DST:BASE+2k, PCMU (PT 0, 20 ms, 160
bytes), one SSRC each, marker bit never set (Wireshark leaves marked
packets out of its mean jitter). What happens to each packet is drawn
from a seeded generator and written to TRUTH.json per stream:

- delay: a per-stream spread of network delay (uniform, a few streams with
  rare large spikes, one stream with none: zero jitter), on whole
  microseconds (the pcap file's resolution, so both tools read the same
  times);
- loss (single and bursts), duplicates (the copy 50 us - 3 ms after the
  original) and late packets (packet n arrives after n + 1);
- sequence numbers and RTP timestamps start at random, some streams just
  below the 16- and 32-bit wraps.

The first and last few packets of a stream are never impaired: tshark
counts expected packets from the first to the last packet in the file,
not to the highest sequence number.
"""
import argparse
import json
import random
import struct
import sys

PTIME_US = 20000
TS_STEP = 160
CLEAN_EDGE = 5
EPOCH_US = 1_750_000_000 * 1_000_000


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def frame(src, dst, sport, dport, rtp):
    udp_len = 8 + len(rtp)
    phdr = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + rtp
    c = csum(phdr + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0xB8, 20 + udp_len, 0, 0x4000, 64, 17, 0,
                      src, dst)
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    # dst 02:00:00:00:00:02, src 02:00:00:00:00:01, IPv4
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    return eth + iph + udp


def stream_plan(rng, k, packets):
    """Per-stream impairment parameters: a spread of profiles."""
    spread_us = [0, 300, 800, 1500, 3000, 6000, 10000, 15000][k % 8]
    return {
        "spread_us": spread_us,
        "spike_p": 0.01 if k % 5 == 3 else 0.0,
        "loss_p": [0.0, 0.01, 0.03, 0.0, 0.05][k % 5],
        "burst_p": 0.003 if k % 4 == 1 else 0.0,
        "dup_p": [0.0, 0.01, 0.0, 0.02][k % 4],
        "late_p": [0.0, 0.0, 0.01, 0.02, 0.005][k % 5],
        "seq0": 65535 - 100 if k % 6 == 2 else rng.randrange(65536),
        "ts0": (1 << 32) - 80 * TS_STEP if k % 6 == 4 else rng.randrange(1 << 32),
        "ssrc": rng.randrange(1, 1 << 32),
    }


def gen_stream(rng, k, packets, pl):
    """Returns (arrivals [(t_us, order, seq, ts)], truth)."""
    fate = ["ok"] * packets
    n = CLEAN_EDGE
    while n < packets - CLEAN_EDGE:
        r = rng.random()
        if r < pl["burst_p"]:
            for j in range(n, min(n + rng.randint(2, 5), packets - CLEAN_EDGE)):
                fate[j] = "lost"
            n += 6
            continue
        r = rng.random()
        if r < pl["loss_p"]:
            fate[n] = "lost"
        elif r < pl["loss_p"] + pl["dup_p"]:
            fate[n] = "dup"
        elif r < pl["loss_p"] + pl["dup_p"] + pl["late_p"] and n + 1 < packets - CLEAN_EDGE:
            # n arrives after n + 1, which itself arrives normally
            fate[n], fate[n + 1] = "late", "ok"
            n += 2
            continue
        n += 1
    out = []
    t0 = k * 137  # streams do not start on the same microsecond
    prev_arr = {}
    for i in range(packets):
        d = rng.randint(0, pl["spread_us"]) if pl["spread_us"] else 0
        edge = i < CLEAN_EDGE or i >= packets - CLEAN_EDGE
        if pl["spike_p"] and rng.random() < pl["spike_p"] and not edge:
            d += rng.randint(20000, 40000)
        prev_arr[i] = t0 + i * PTIME_US + 5000 + d
    for i in range(packets):
        seq = (pl["seq0"] + i) & 0xFFFF
        ts = (pl["ts0"] + i * TS_STEP) & 0xFFFFFFFF
        if fate[i] == "lost":
            continue
        t = prev_arr[i]
        if fate[i] == "late":
            # after the next packet: the spread of the next one plus a bit
            t = max(t, prev_arr[i + 1]) + rng.randint(100, 2000)
        out.append((t, i, seq, ts))
        if fate[i] == "dup":
            out.append((t + rng.randint(50, 3000), i, seq, ts))
    # one stream's packets in arrival order; ties keep send order
    out.sort(key=lambda x: (x[0], x[1]))
    # a spike may delay a packet past later ones: that is a late packet too
    late, highest = 0, -1
    seen = set()
    for t, i, seq, ts in out:
        if i in seen:
            continue
        seen.add(i)
        if i < highest:
            late += 1
        highest = max(highest, i)
    truth = {
        "sent": packets,
        "lost": fate.count("lost"),
        "duplicates": fate.count("dup"),
        "reordered": late,
        "arrivals": len(out),
        "ssrc": pl["ssrc"],
        "seq0": pl["seq0"],
        "ts0": pl["ts0"],
        "spread_us": pl["spread_us"],
    }
    return out, truth


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pcap")
    ap.add_argument("truth")
    ap.add_argument("--streams", type=int, default=32)
    ap.add_argument("--packets", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--src", default="198.18.0.1")
    ap.add_argument("--dst", default="198.18.0.2")
    ap.add_argument("--port", type=int, default=20000)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    src, dst = ip4(a.src), ip4(a.dst)
    allpk, truth = [], {}
    for k in range(a.streams):
        pl = stream_plan(rng, k, a.packets)
        out, tr = gen_stream(rng, k, a.packets, pl)
        port = a.port + 2 * k
        tr["port"] = port
        truth[str(k)] = tr
        for t, i, seq, ts in out:
            rtp = struct.pack("!BBHII", 0x80, 0, seq, ts, pl["ssrc"]) + \
                bytes([0xFF ^ ((i + k) & 0x7F)]) * 160
            allpk.append((t, k, i, frame(src, dst, port, port, rtp)))
    allpk.sort(key=lambda x: (x[0], x[1], x[2]))
    with open(a.pcap, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, _k, _i, fr in allpk:
            us = EPOCH_US + t
            f.write(struct.pack("<IIII", us // 1000000, us % 1000000, len(fr), len(fr)))
            f.write(fr)
    with open(a.truth, "w") as f:
        json.dump({"streams": a.streams, "packets": len(allpk), "per_stream": truth}, f,
                  indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
