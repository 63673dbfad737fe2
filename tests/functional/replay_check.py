#!/usr/bin/env python3
"""Check what mediablast measured on a replayed capture against tshark's RTP
analysis of the same file and against the generator's truth.

usage: replay_check.py CAPTURE TRUTH.json STREAMS.json REPORT.json

STREAMS.json is the /mediablast/streams telemetry answer (one entry per
stream) taken once the whole capture was received. Per stream:
- tshark counts every packet (duplicates too), so its Pkts must equal our
  rx_packets + duplicates, and its Lost (expected - every packet) our lost
  minus our duplicates;
- duplicates and late packets, read from the capture's own sequence
  numbers in arrival order, must equal ours (and the generator's truth);
- our mean jitter must be within 1 % of tshark's Mean Jitter (which it
  prints to the microsecond: 0.5 us of rounding is allowed on top).
"""
import json
import subprocess
import sys

from rtplab import Checks, rtp_streams

cap, truth_path, streams_path, report_path = sys.argv[1:5]
check = Checks()


def tshark(*args):
    return subprocess.run(["tshark", "-n", "-r", cap, "-o", "rtp.heuristic_rtp:TRUE", *args],
                          capture_output=True, text=True, check=True).stdout


def capture_sequences():
    """Per destination port, duplicates and late packets in arrival order,
    from the sequence numbers tshark decodes (extended over wraps)."""
    per = {}
    for line in tshark("-Y", "rtp", "-T", "fields", "-e", "udp.dstport",
                       "-e", "rtp.seq").splitlines():
        port, seq = (int(x) for x in line.split("\t"))
        st = per.setdefault(port, {"seen": set(), "max": None, "dup": 0, "late": 0})
        if st["max"] is None:
            ext = seq
        else:
            # the extended seq nearest to the highest so far
            base = st["max"] - (st["max"] & 0xFFFF)
            ext = min((base - 65536 + seq, base + seq, base + 65536 + seq),
                      key=lambda e: abs(e - st["max"]))
        if ext in st["seen"]:
            st["dup"] += 1
            continue
        st["seen"].add(ext)
        if st["max"] is not None and ext < st["max"]:
            st["late"] += 1
        st["max"] = ext if st["max"] is None else max(st["max"], ext)
    return per


truth = json.load(open(truth_path))
ours = json.load(open(streams_path))
rep = json.load(open(report_path))
ts = {r["dport"]: r for r in rtp_streams(cap)}
seqs = capture_sequences()
n = truth["streams"]
check(len(ts) == n, f"tshark sees {len(ts)} RTP streams (want {n})")
check(len(ours) == n, f"telemetry lists {len(ours)} streams (want {n})")
worst = 0.0
for k in range(n):
    t = truth["per_stream"][str(k)]
    port = t["port"]
    o = ours.get(str(k))
    w = ts.get(port)
    c = seqs.get(port)
    if o is None or w is None or c is None:
        check(False, f"stream {k} (port {port}): missing from telemetry, tshark or the capture")
        continue
    tag = f"stream {k} (port {port}, delay spread {t['spread_us']} us)"
    dup, late = c["dup"], c["late"]
    check(dup == t["duplicates"] and late == t["reordered"],
          f"{tag}: the capture holds the generator's {t['duplicates']} duplicates and "
          f"{t['reordered']} late packets ({dup}, {late})")
    check(o["rx_packets"] + o["duplicates"] == w["pkts"],
          f"{tag}: rx_packets {o['rx_packets']} + duplicates {o['duplicates']} == tshark "
          f"Pkts {w['pkts']}")
    check(o["lost"] == t["lost"] and o["lost"] - o["duplicates"] == w["lost"],
          f"{tag}: lost {o['lost']} == truth {t['lost']}, and minus duplicates == tshark "
          f"Lost {w['lost']}")
    check(o["duplicates"] == dup, f"{tag}: duplicates {o['duplicates']} == capture {dup}")
    check(o["reordered"] == late, f"{tag}: reordered {o['reordered']} == capture {late}")
    mine, theirs = float(o["jitter_mean_ms"]), w["mean_jitter"]
    err = abs(mine - theirs)
    rel = err / theirs if theirs > 0 else 0.0
    if theirs > 0.05:
        worst = max(worst, rel)
    check(err <= 0.01 * theirs + 0.0005,
          f"{tag}: mean jitter {mine:.6f} ms vs tshark {theirs:.3f} ms "
          f"({rel * 100:.3f} %, bound 1 % + 0.5 us)")
print(f"INFO: worst mean-jitter difference {worst * 100:.3f} % over streams with jitter")
m = rep["media"]
check(rep["port"]["rx_timestamps"] == "driver" and rep["port"]["rx_timestamp_hz"] == 1000000,
      f"report: receive timestamps from the driver at 1 MHz "
      f"({rep['port']['rx_timestamps']}, {rep['port']['rx_timestamp_hz']})")
check(m["rtp"]["timed_by_port"] == truth["packets"] and m["rtp"]["timing_skipped"] == 0,
      f"report: every one of {truth['packets']} packets timed by the port "
      f"({m['rtp']['timed_by_port']}, skipped {m['rtp']['timing_skipped']})")
check(m["rtp"]["rx_packets"] == sum(o["rx_packets"] for o in ours.values()),
      "report rx_packets equals the per-stream sum")
mean = sum(float(o["jitter_mean_ms"]) for o in ours.values()) / max(len(ours), 1)
check(abs(m["jitter_mean_ms"] - mean) <= 1e-5,
      f"report jitter_mean_ms {m['jitter_mean_ms']:.6f} is the mean over streams {mean:.6f}")
sys.exit(1 if check.fails else 0)
