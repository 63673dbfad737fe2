#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of t_sip_multi.sh: a UAC on N local addresses against one UAS.

From the capture (the SIP payloads, reassembled per TCP stream direction and
split by Content-Length): every call's INVITE, ACK and BYE come from one
address, which their Via sent-by and the INVITE's Contact name; calls spread
evenly over the N addresses; over TCP one connection per address. From the
reports: every call succeeded with media both ways, N local addresses."""
import json
import re
import subprocess
import sys
from collections import defaultdict

PORT = 5060


def payloads(cap, tp):
    """(src ip, stream key, bytes) per frame with a SIP payload, in order."""
    field = "udp.payload" if tp == "udp" else "tcp.payload"
    out = subprocess.run(["tshark", "-n", "-r", cap, "-T", "fields", "-e", "ip.src",
                          "-e", "tcp.stream", "-e", field, "-Y", field],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        src, stream, hexp = (line.split("\t") + ["", "", ""])[:3]
        if hexp:
            yield src, (stream, src), bytes.fromhex(hexp.replace(":", ""))


def messages(cap, tp):
    """(src ip, text) per SIP message."""
    if tp == "udp":
        for src, _, b in payloads(cap, tp):
            yield src, b.decode(errors="replace")
        return
    buf = defaultdict(bytes)
    for src, key, b in payloads(cap, tp):
        buf[key] += b
        while True:
            data = buf[key].lstrip(b"\r\n")
            end = data.find(b"\r\n\r\n")
            if end < 0:
                buf[key] = data
                break
            m = re.search(rb"\r\nContent-Length: *(\d+)", data[:end], re.I)
            n = end + 4 + (int(m.group(1)) if m else 0)
            if len(data) < n:
                buf[key] = data
                break
            yield src, data[:n].decode(errors="replace")
            buf[key] = data[n:]


def hdr(msg, name):
    m = re.search(r"\r\n" + name + r": *([^\r]*)", msg, re.I)
    return m.group(1) if m else ""


def main():
    cap, uac_json, uas_json, tp, calls, nloc = sys.argv[1:7]
    calls, nloc = int(calls), int(nloc)
    fails = []
    per_call = defaultdict(lambda: {"src": set(), "methods": []})
    invites_per_ip = defaultdict(int)
    for src, msg in messages(cap, tp):
        if msg.startswith("SIP/2.0") or not src.startswith("198.18.6.1"):
            continue
        method = msg.split(" ", 1)[0]
        cid = hdr(msg, "Call-ID")
        c = per_call[cid]
        c["src"].add(src)
        c["methods"].append(method)
        via = hdr(msg, "Via")
        if f" {src}:{PORT};" not in via:
            fails.append(f"{method} from {src}: Via {via}")
        if method == "INVITE" and "CSeq: 1 INVITE" in msg:
            invites_per_ip[src] += 1
            ct = hdr(msg, "Contact")
            if f"@{src}:{PORT}" not in ct:
                fails.append(f"INVITE from {src}: Contact {ct}")
    complete = sum(1 for c in per_call.values()
                   if len(c["src"]) == 1 and {"INVITE", "ACK", "BYE"} <= set(c["methods"]))
    if complete != calls or len(per_call) != calls:
        fails.append(f"{complete} of {len(per_call)} dialogs complete from one address "
                     f"(want {calls})")
    want = calls // nloc
    counts = sorted(invites_per_ip.values())
    if len(invites_per_ip) != nloc or counts[0] != want or counts[-1] != want:
        fails.append(f"INVITEs per source IP {dict(invites_per_ip)} (want {want} x {nloc})")
    if tp == "tcp":
        out = subprocess.run(["tshark", "-n", "-r", cap, "-T", "fields", "-e", "ip.src", "-Y",
                              "tcp.flags.syn == 1 && tcp.flags.ack == 0"],
                             capture_output=True, text=True, check=True).stdout.split()
        if len(out) != nloc or len(set(out)) != nloc:
            fails.append(f"TCP connections opened from {out} (want one per address)")
    for name, path in (("uac", uac_json), ("uas", uas_json)):
        r = json.load(open(path))
        c = r["calls"]
        if c["attempted"] != calls or c["succeeded"] != calls:
            fails.append(f"{name}: attempted {c['attempted']} succeeded {c['succeeded']}")
        if c["media"]["flowed_both_ways"] != calls:
            fails.append(f"{name}: media both ways {c['media']['flowed_both_ways']}")
        if name == "uac":
            s = r["sip"]
            if (s["local_addresses"], s["calls_per_local_min"], s["calls_per_local_max"]) != \
                    (nloc, want, want):
                fails.append(f"uac: local_addresses {s['local_addresses']} calls per local "
                             f"{s['calls_per_local_min']}..{s['calls_per_local_max']}")
    for f in fails[:20]:
        print(f"FAIL: {tp}: {f}")
    if fails:
        return 1
    print(f"PASS: {tp}: {calls} calls over {nloc} source addresses, {want} each, every dialog "
          f"from one address named by Via and Contact"
          + (f", {nloc} TCP connections" if tp == "tcp" else "") + ", media both ways")
    return 0


if __name__ == "__main__":
    sys.exit(main())
