#!/usr/bin/env python3
"""Check one t_sip_calls.sh run: the two reports against each other and
against the capture (SIP dialogs with tshark's SIP dissector, SRTP flows by
SSRC with its RTP heuristics). Usage: sip_check.py SIPCAP MEDIACAP UAC UAS TP CALLS PORT"""
import collections
import json
import subprocess
import sys

sipcap, medcap, uac_p, uas_p, tp, calls, port = sys.argv[1:8]
calls = int(calls)
uac, uas = json.load(open(uac_p)), json.load(open(uas_p))
bad = 0


def check(cond, msg):
    global bad
    print(("PASS: " if cond else "FAIL: ") + tp + ": " + msg)
    bad += not cond


def tshark(cap, *args):
    out = subprocess.run(["tshark", "-n", "-r", cap, *args], capture_output=True, text=True,
                         check=True).stdout
    return [line.split("\t") for line in out.split("\n") if line]


for name, r in (("uac", uac), ("uas", uas)):
    c = r["calls"]
    check(c["attempted"] == calls and c["succeeded"] == calls and c["failed"] == 0,
          f"{name}: {c['attempted']} attempted, {c['succeeded']} succeeded, {c['failed']} failed "
          f"{c['failed_by_reason']}")
    check(c["media"]["flowed_both_ways"] == calls and c["media"]["sdes"] == calls,
          f"{name}: SRTP flowed both ways on {c['media']['flowed_both_ways']}/{calls} calls "
          f"({c['media']['sdes']} SDES)")
check(uac["sip"]["setup_ms"]["count"] == calls,
      f"uac: setup time measured for every call (p50 {uac['sip']['setup_ms']['p50']} ms, "
      f"p99 {uac['sip']['setup_ms']['p99']} ms)")

if tp == "tls":
    hello = tshark(sipcap, "-Y", "tls.handshake.type == 1", "-T", "fields", "-e", "ip.src")
    clear = tshark(sipcap, "-Y", "sip", "-T", "fields", "-e", "sip.Method")
    check(len(hello) >= 1 and not clear,
          f"TLS on the wire ({len(hello)} ClientHello), no cleartext SIP ({len(clear)})")
else:
    rows = tshark(sipcap, "-d", f"{tp}.port=={port},sip", "-Y", "sip", "-T", "fields",
                  "-e", "sip.Call-ID", "-e", "sip.Method", "-e", "sip.Status-Code",
                  "-e", "sip.CSeq.method")
    seen = collections.defaultdict(set)
    for r in rows:
        # several messages in one TCP segment come as comma lists; one side
        # sends only requests (UAC) and the other only responses (UAS)
        r += [""] * (4 - len(r))
        cids, meths, stats, cseqs = (f.split(",") if f else [] for f in r[:4])
        if meths:
            for cid, meth in zip(cids, meths):
                seen[cid].add(meth)
        else:
            for cid, st, cs in zip(cids, stats, cseqs):
                seen[cid].add(f"{st}/{cs}")
    done = sum(1 for s in seen.values() if {"INVITE", "200/INVITE", "ACK", "BYE", "200/BYE"} <= s)
    check(len(seen) == calls and done == calls,
          f"tshark: {len(seen)} dialogs, {done} complete (INVITE 200 ACK BYE 200)")
    if tp == "udp":  # users from the CSV injection file, rows in turn
        users = collections.Counter(
            r[0] for r in tshark(sipcap, "-Y", "sip.Method == INVITE", "-T", "fields",
                                 "-e", "sip.r-uri.user") if r and r[0])
        check(sorted(users) == [f"user{i}" for i in range(10)] and
              max(users.values()) - min(users.values()) <= 1,
              f"Request-URI users from the CSV file, in turn: {dict(sorted(users.items()))}")

rtp = tshark(medcap, "-o", "rtp.heuristic_rtp:TRUE", "-Y", "rtp", "-T", "fields", "-e", "ip.src",
             "-e", "rtp.ssrc", "-e", "rtp.payload")
ssrc = collections.defaultdict(set)
count = collections.Counter()
plain = 0
for r in rtp:
    ssrc[r[0]].add(r[1])
    count[r[0]] += 1
    plain += len(r) > 2 and r[2].replace(":", "").startswith("4d424c50")
check(len(ssrc["198.18.1.1"]) == calls and len(ssrc["198.18.1.2"]) == calls,
      f"tshark: SRTP of {len(ssrc['198.18.1.1'])} calls A->B, {len(ssrc['198.18.1.2'])} B->A "
      "(one SSRC per call)")
check(plain == 0, f"no plaintext probe payload on the wire ({plain})")
for x, y, src in ((uac, uas, "198.18.1.1"), (uas, uac, "198.18.1.2")):
    sent, got = x["media"]["rtp"]["tx_packets"], y["media"]["rtp"]["rx_packets"]
    check(sent == count[src], f"{x['calls']['role']} sent {sent} RTP, tshark saw {count[src]}")
    # the receiver's slot stops at BYE: packets still in flight then are
    # counted as stream_idle, not lost
    # counted as stream_idle, not lost. This VM's vCPUs stall for ms: an
    # af_packet ring the kernel overruns meanwhile loses packets nobody
    # counts, so a little loss is allowed here and shown.
    d = y["media"]["dropped"]
    idle, missing = d["stream_idle"], sent - got - d["stream_idle"]
    check(missing <= sent * 0.005 and d["srtp_auth_fail"] == 0 and d["probe_corrupt"] == 0,
          f"{y['calls']['role']} accepted {got} + {idle} after hang-up of {sent} "
          f"({missing} missing), auth failures {d['srtp_auth_fail']}, "
          f"corrupt probes {d['probe_corrupt']}")
    check(d["bad_udp_csum"] == 0, f"{y['calls']['role']}: no bad checksums ({d['bad_udp_csum']})")
sys.exit(1 if bad else 0)
