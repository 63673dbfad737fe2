#!/usr/bin/env python3
"""Compare tshark's RTP stream analysis of a capture with two mediablast
reports (A -> B and B -> A). Packet counts and loss must match exactly;
the mean jitter the measured receiver took must be within the live bound
of tshark's (LIVE_MIN/LIVE_MAX below; the 5 % goal is reported).

usage: rtp_compare.py CAPTURE A.json B.json A_IP B_IP STREAMS MEASURED
MEASURED (a or b) is the receiver whose jitter is checked; the other's is
printed for information.
"""
import json
import sys

from rtplab import Checks, rtp_streams

# The live jitter bound. Exact agreement is t_rtp_replay's job (a capture
# replayed with its own timestamps: within 1 %). Here af_packet gives no
# per-packet timestamp, so ours is the poll time of a burst while tshark
# has the kernel's: on this 2-core VM the two differ by +0.5 to +18 %
# idle and +16 to +23 % with another process keeping a core busy, ours
# always the higher (a late stamp only adds delay variation). The bound
# sits well outside that and still inside what a broken computation
# gives: a wrong clock rate (x2 or x0.5), the RFC 3550 A.8 gain lost (J
# not divided by 16), ms/us confusion (x1000), or jitter left at 0.
LIVE_MIN, LIVE_MAX = 0.8, 1.6
cap, ra, rb, ip_a, ip_b, streams, measured = sys.argv[1:8]
streams = int(streams)
check = Checks()


a = json.load(open(ra))
b = json.load(open(rb))
rows = rtp_streams(cap)
ab = [r for r in rows if r["src"] == ip_a and r["dst"] == ip_b]
ba = [r for r in rows if r["src"] == ip_b and r["dst"] == ip_a]
check(len(ab) == streams and len(ba) == streams,
      f"tshark sees {len(ab)} A->B and {len(ba)} B->A streams (want {streams} each)")
for name, rep, tx_rows, rx_rows in (("A", a, ab, ba), ("B", b, ba, ab)):
    m = rep["media"]
    tx = sum(r["pkts"] for r in tx_rows)
    rx = sum(r["pkts"] for r in rx_rows)
    check(m["rtp"]["tx_packets"] == tx,
          f"{name} tx_packets {m['rtp']['tx_packets']} == tshark {tx}")
    check(m["rtp"]["rx_packets"] == rx,
          f"{name} rx_packets {m['rtp']['rx_packets']} == tshark {rx}")
    lost = sum(max(r["lost"], 0) for r in rx_rows)
    check(m["rtp"]["lost"] == lost, f"{name} lost {m['rtp']['lost']} == tshark {lost}")
    check(m["rtp"]["duplicates"] == 0, f"{name} duplicates 0")
    check(m["dropped"]["total"] == 0 or m["dropped"]["non_media"] == m["dropped"]["total"],
          f"{name} nothing dropped as malformed ({m['dropped']['total']} total)")
    check(m["streams_receiving"] == streams, f"{name} all {streams} streams received")
    check(m["probe_ok"] if "probe_ok" in m else m["rtp"]["probe_ok"] == rx,
          f"{name} every probe payload arrived intact")
# jitter measured by B on A -> B (B's receive side is the capture side)
for name, rep, rx_rows in (("B", b, ab), ("A", a, ba)):
    ts = sum(r["mean_jitter"] for r in rx_rows) / max(len(rx_rows), 1)
    ours = rep["media"]["jitter_mean_ms"]
    rel = abs(ours - ts) / ts if ts > 0 else abs(ours)
    print(f"INFO: {name} mean jitter {ours:.5f} ms, tshark {ts:.5f} ms ({rel * 100:.1f} %)")
    if name == measured.upper():
        ratio = ours / ts if ts > 0 else 0.0
        print(f"INFO: {name} mean jitter {'within' if rel <= 0.05 else 'NOT within'} the 5 % goal")
        check(LIVE_MIN <= ratio <= LIVE_MAX,
              f"{name} mean jitter {ratio:.3f} x tshark's (live bound {LIVE_MIN}-{LIVE_MAX})")
sys.exit(1 if check.fails else 0)
