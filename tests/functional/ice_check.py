#!/usr/bin/env python3
"""Check one t_sip_ice.sh run: the two reports and the media capture.
Usage: ice_check.py NAME CALLS MEDIACAP UAC UAS
NAME full (both agents full), lite (UAS lite) or noice (UAS without ICE)."""
import collections
import json
import subprocess
import sys

from rtplab import Checks

name, calls, cap, uac_p, uas_p = sys.argv[1], int(sys.argv[2]), *sys.argv[3:6]
uac, uas = json.load(open(uac_p)), json.load(open(uas_p))
checks = Checks()


class Ck:
    @staticmethod
    def check(cond, msg):
        checks(cond, f"ice {name}: {msg}")


ck = Ck()


def tshark_rows(path, *args):
    out = subprocess.run(["tshark", "-n", "-r", path, *args], capture_output=True, text=True,
                         check=True).stdout
    return [line.split("\t") for line in out.split("\n") if line]


for side, r in (("uac", uac), ("uas", uas)):
    c = r["calls"]
    ck.check(c["attempted"] == calls == c["succeeded"] and c["failed"] == 0,
             f"{side}: {c['succeeded']}/{c['attempted']} calls, failed {c['failed_by_reason']}")
    ck.check(c["media"]["flowed_both_ways"] == calls and c["media"]["dtls"] == calls,
             f"{side}: DTLS-SRTP media both ways on {c['media']['flowed_both_ways']}/{calls}")
    ck.check(c["dtls"]["completed"] == calls,
             f"{side}: {c['dtls']['completed']}/{calls} handshakes")
    d = r["media"]["dropped"]
    ck.check(d["srtp_auth_fail"] == 0 and d["probe_corrupt"] == 0,
             f"{side}: no auth failure ({d['srtp_auth_fail']}), no corrupt probe "
             f"({d['probe_corrupt']})")
    ice = c.get("ice")
    if name == "noice":
        ck.check(ice is None or ice["agents"] == 0,
                 f"{side}: no ICE agent ({ice and ice['agents']}): the answer had no ICE")
        continue
    ck.check(ice is not None and ice["agents"] == calls and ice["selected"] == calls and
             ice["calls_failed"] == 0,
             f"{side}: ICE {ice and ice['selected']}/{calls} pairs selected "
             f"(agents {ice and ice['agents']}, failed {ice and ice['failed_by_reason']})")
    ck.check(ice["bad_integrity"] == 0 and ice["bad_fingerprint"] == 0 and
             ice["malformed"] == 0 and ice["role_conflicts"] == 0,
             f"{side}: no bad check (integrity {ice['bad_integrity']}, fingerprint "
             f"{ice['bad_fingerprint']}, malformed {ice['malformed']}, role conflicts "
             f"{ice['role_conflicts']})")
    # a lite peer sends no checks: nothing for the UAC to answer then
    ck.check(ice["checks_answered"] >= (0 if (side == "uac" and name == "lite") else calls),
             f"{side}: answered {ice['checks_answered']} checks, sent {ice['checks_sent']}; "
             f"select p50 {ice['select_ms']['p50']} ms p99 {ice['select_ms']['p99']} ms")
    sent_min = 0 if (side == "uas" and name == "lite") else calls
    ck.check(ice["checks_sent"] >= sent_min and
             (ice["checks_sent"] == 0) == (side == "uas" and name == "lite"),
             f"{side}: {ice['checks_sent']} checks sent (a lite agent sends none)")

# the wire: STUN per call port, and the first DTLS after a success response
rows = tshark_rows(cap, "-o", "rtp.heuristic_rtp:TRUE", "-Y", "stun || dtls",
                   "-T", "fields", "-e", "frame.number", "-e", "ip.src", "-e", "udp.srcport",
                   "-e", "udp.dstport", "-e", "stun.type", "-e", "stun.att.type",
                   "-e", "dtls.record.content_type")
first_ok, first_dtls, req = {}, {}, collections.Counter()
use_cand = 0
for r in rows:
    r += [""] * (7 - len(r))
    num, src, sp, dp, stype, atts, dtls = int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]
    flow = tuple(sorted((sp, dp)))
    if stype:
        t = int(stype, 16) if stype.startswith("0x") else int(stype)
        if t == 0x0001:
            req[src] += 1
            use_cand += "0x0025" in atts.split(",") or "37" in atts.split(",")
        elif t == 0x0101:
            first_ok.setdefault(flow, num)
    elif dtls:
        first_dtls.setdefault(flow, num)
if name == "noice":
    ck.check(not req and not first_ok, f"no STUN on the wire ({sum(req.values())} requests)")
else:
    ck.check(req["198.18.5.1"] >= calls, f"tshark: {req['198.18.5.1']} binding requests "
             f"from the UAC, {req['198.18.5.2']} from the UAS")
    if name == "lite":
        ck.check(req["198.18.5.2"] == 0, "tshark: the lite UAS sent no binding request")
    else:
        ck.check(req["198.18.5.2"] >= calls, "tshark: the full UAS checked too")
    ck.check(use_cand >= calls, f"tshark: {use_cand} requests nominate (USE-CANDIDATE)")
    early = [f for f, n in first_dtls.items() if f not in first_ok or n < first_ok[f]]
    ck.check(len(first_dtls) == calls and not early,
             f"tshark: DTLS on {len(first_dtls)}/{calls} flows, none before its first STUN "
             f"success ({len(early)} early)")
sys.exit(1 if checks.fails else 0)
