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


def bencode(v):
    """Bencode (the rtpengine ng protocol's encoding) of dicts, lists, str,
    bytes and ints; dict keys sorted as the format wants."""
    if isinstance(v, bool) or isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, (list, tuple)):
        return b"l" + b"".join(bencode(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"d" + b"".join(bencode(k) + bencode(v[k]) for k in sorted(v)) + b"e"
    raise TypeError(f"bencode: {type(v).__name__}")


def bdecode(b, i=0):
    """(value, next index) of the bencoded item at b[i]; strings as str
    (bytes when not UTF-8)."""
    c = b[i:i + 1]
    if c == b"i":
        j = b.index(b"e", i)
        return int(b[i + 1:j]), j + 1
    if c in (b"l", b"d"):
        out, i = [], i + 1
        while b[i:i + 1] != b"e":
            x, i = bdecode(b, i)
            out.append(x)
        return (out if c == b"l" else dict(zip(out[::2], out[1::2]))), i + 1
    j = b.index(b":", i)
    n = int(b[i:j])
    s = b[j + 1:j + 1 + n]
    try:
        s = s.decode()
    except UnicodeDecodeError:
        pass
    return s, j + 1 + n


def ng(command, addr=("127.0.0.1", 22222), timeout=2.0, **args):
    """One rtpengine ng request over UDP ("COOKIE <bencoded dict>"), its
    answer as a dict. Raises OSError on timeout."""
    import os
    import socket
    cookie = os.urandom(6).hex().encode()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(cookie + b" " + bencode(dict(args, command=command)), addr)
        while True:
            data = s.recv(1 << 20)
            c, _, body = data.partition(b" ")
            if c == cookie:
                return bdecode(body)[0]
