#!/usr/bin/env python3
"""Check one t_sip_calls.sh run: the two reports against each other and
against the capture (SIP dialogs with tshark's SIP dissector, SRTP flows by
SSRC with its RTP heuristics). Usage:
sip_check.py SIPCAP MEDIACAP UAC UAS TP CALLS PORT [MODE]
MODE is the media security every call must have chosen: sdes (default) or
dtls (then every call's DTLS-SRTP handshake must show in both reports and on
the wire)."""
import collections
import json
import os
import subprocess
import sys

sipcap, medcap, uac_p, uas_p, tp, calls, port = sys.argv[1:8]
mode = sys.argv[8] if len(sys.argv) > 8 else "sdes"
# the media addresses of the two ends (A: the UAC's, B: the UAS's), and
# whether the UDP run took its users from t_sip_calls.sh's CSV file
MA, MB = os.environ.get("MEDIA_A", "198.18.1.1"), os.environ.get("MEDIA_B", "198.18.1.2")
csv_users = os.environ.get("CSV_USERS", "1") == "1"
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
    check(c["media"]["flowed_both_ways"] == calls and c["media"][mode] == calls,
          f"{name}: SRTP flowed both ways on {c['media']['flowed_both_ways']}/{calls} calls "
          f"({c['media'][mode]} {mode})")
    agreed = c["media"]["sdes_by_suite" if mode == "sdes" else "dtls_by_profile"]
    check(sum(agreed.values()) == calls, f"{name}: the report names what {calls} calls agreed: "
          f"{agreed}, peer fingerprints {c['media']['dtls_by_fingerprint_hash']}")
    if mode == "dtls":
        check(c["media"]["dtls_by_fingerprint_hash"] == {"sha-256": calls},
              f"{name}: every peer fingerprint was sha-256 (ours)")
        d = c["dtls"]
        check(d["handshakes"] == calls and d["completed"] == calls and d["failed"] == 0,
              f"{name}: DTLS-SRTP {d['completed']}/{d['handshakes']} handshakes done, "
              f"{d['failed']} failed, {d['retransmits']} retransmitted flights, "
              f"p50 {d['handshake_ms']['p50']} ms p99 {d['handshake_ms']['p99']} ms")

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
    if tp == "udp" and csv_users:  # users from the CSV injection file, rows in turn
        users = collections.Counter(
            r[0] for r in tshark(sipcap, "-Y", "sip.Method == INVITE", "-T", "fields",
                                 "-e", "sip.r-uri.user") if r and r[0])
        check(sorted(users) == [f"user{i}" for i in range(10)] and
              max(users.values()) - min(users.values()) <= 1,
              f"Request-URI users from the CSV file, in turn: {dict(sorted(users.items()))}")

if mode == "dtls":
    # RFC 7983: the handshake shares the media port; tshark's DTLS dissector
    # finds it there. Every call: one ClientHello from the active side and
    # a ServerHello back, before any SRTP
    hs = tshark(medcap, "-d", "udp.port==20000,dtls", "-Y", "dtls.handshake.type == 1 || "
                "dtls.handshake.type == 2", "-T", "fields", "-e", "ip.src", "-e",
                "dtls.handshake.type")
    ch = collections.Counter((r[0], r[1].split(",")[0]) for r in hs if len(r) > 1)
    hello = ch[(MA, "1")] + ch[(MB, "1")]
    shello = ch[(MA, "2")] + ch[(MB, "2")]
    check(hello >= calls and shello >= calls,
          f"tshark: {hello} DTLS ClientHello, {shello} ServerHello for {calls} calls "
          f"({dict(ch)})")

rtp = tshark(medcap, "-o", "rtp.heuristic_rtp:TRUE", "-Y", "rtp", "-T", "fields", "-e", "ip.src",
             "-e", "rtp.ssrc", "-e", "rtp.payload")
ssrc = collections.defaultdict(set)
count = collections.Counter()
plain = 0
for r in rtp:
    ssrc[r[0]].add(r[1])
    count[r[0]] += 1
    plain += len(r) > 2 and r[2].replace(":", "").startswith("4d424c50")
check(len(ssrc[MA]) == calls and len(ssrc[MB]) == calls,
      f"tshark: SRTP of {len(ssrc[MA])} calls A->B, {len(ssrc[MB])} B->A (one SSRC per call)")
check(plain == 0, f"no plaintext probe payload on the wire ({plain})")
for x, y, src in ((uac, uas, MA), (uas, uac, MB)):
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
