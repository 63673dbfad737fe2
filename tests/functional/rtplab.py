"""Shared by the lab checkers: PASS/FAIL lines with a failure count, and
tshark's RTP stream analysis of a capture as rows."""
import subprocess


class Checks:
    """check(cond, msg) prints PASS/FAIL and counts failures."""

    def __init__(self):
        self.fails = 0

    def __call__(self, cond, msg):
        print(("PASS: " if cond else "FAIL: ") + msg)
        if not cond:
            self.fails += 1


def rtp_streams(path):
    """tshark -z rtp,streams as dicts: src, sport, dst, dport, pkts, lost
    (expected - every packet, duplicates included) and mean_jitter (ms)."""
    out = subprocess.run(
        ["tshark", "-n", "-r", path, "-q", "-o", "rtp.heuristic_rtp:TRUE",
         "-z", "rtp,streams"], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        f = line.split()
        # start end src sport dst dport ssrc payload pkts lost(+pct) ...
        if len(f) < 12 or not f[6].startswith("0x"):
            continue
        rest = f[10:] if not f[10].startswith("(") else f[11:]
        rows.append({"src": f[2], "sport": int(f[3]), "dst": f[4], "dport": int(f[5]),
                     "pkts": int(f[8]), "lost": int(f[9]), "mean_jitter": float(rest[4])})
    return rows
