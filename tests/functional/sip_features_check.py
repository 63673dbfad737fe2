#!/usr/bin/env python3
"""Check one phase of t_sip_features.sh against its captures and reports.
Usage: sip_features_check.py hold SIPCAP MEDIACAP UAC UAS CALLS HOLD_FOR_MS
       sip_features_check.py auth-right|auth-wrong SIPCAP UAC UAS CALLS
       sip_features_check.py register SIPCAP UAC UAS CALLS USER..."""
import collections
import json
import subprocess
import sys

bad = 0
PHASE = sys.argv[1]


def check(cond, msg):
    global bad
    print(("PASS: " if cond else "FAIL: ") + PHASE + ": " + msg)
    bad += not cond


def tshark(cap, *args):
    out = subprocess.run(["tshark", "-n", "-r", cap, *args], capture_output=True, text=True,
                         check=True).stdout
    return [line.split("\t") for line in out.split("\n") if line]


def sip_rows(cap, *fields):
    """One row per SIP message: Call-ID, method, status, CSeq method, extra fields."""
    rows = tshark(cap, "-d", "udp.port==5060,sip", "-Y", "sip", "-T", "fields",
                  "-e", "sip.Call-ID", "-e", "sip.Method", "-e", "sip.Status-Code",
                  "-e", "sip.CSeq.method", *[x for f in fields for x in ("-e", f)])
    return [r + [""] * (4 + len(fields) - len(r)) for r in rows]


def calls_ok(name, r, calls):
    c = r["calls"]
    check(c["attempted"] == calls and c["succeeded"] == calls and c["failed"] == 0,
          f"{name}: {c['attempted']} attempted, {c['succeeded']} succeeded, {c['failed']} "
          f"failed {c['failed_by_reason']}")


def hold(sipcap, medcap, uac, uas, calls, hold_for_ms):
    for name, r in (("uac", uac), ("uas", uas)):
        calls_ok(name, r, calls)
        check(r["calls"]["media"]["flowed_both_ways"] == calls and
              r["calls"]["media"]["sdes"] == calls,
              f"{name}: SRTP both ways on {r['calls']['media']['flowed_both_ways']} calls")
    ru, rs = uac["sip"]["reinvites"], uas["sip"]["reinvites"]
    check(ru["sent"] == 2 * calls and ru["answered_ok"] == 2 * calls and ru["failed"] == 0 and
          ru["held_by_us"] == calls,
          f"uac: re-INVITEs sent {ru['sent']}, answered {ru['answered_ok']}, failed "
          f"{ru['failed']}, holds {ru['held_by_us']} (want {2 * calls}, {2 * calls}, 0, {calls})")
    check(rs["received"] == 2 * calls and rs["accepted"] == 2 * calls and
          rs["refused_488"] == 0 and rs["held_by_peer"] == calls,
          f"uas: re-INVITEs received {rs['received']}, accepted {rs['accepted']}, refused "
          f"{rs['refused_488']}, held {rs['held_by_peer']}")

    # each dialog: INVITE sendrecv, 200; re-INVITE sendonly, 200 recvonly;
    # re-INVITE sendrecv, 200 sendrecv - in that order. A retransmission
    # (same CSeq number, same message: the VM stalls now and then) is one
    # message, as the transaction layer sees it.
    seq = collections.defaultdict(list)
    seen = set()
    for cid, meth, st, cs, attr, num in sip_rows(sipcap, "sdp.media_attr", "sip.CSeq.seq"):
        dirs = [a for a in attr.split(",") if a in ("sendrecv", "sendonly", "recvonly",
                                                      "inactive")]
        if (cid, num, meth, st) in seen:
            continue
        seen.add((cid, num, meth, st))
        if meth == "INVITE" or (st == "200" and cs == "INVITE"):
            seq[cid].append((meth or st, dirs[0] if dirs else ""))
    want = [("INVITE", "sendrecv"), ("200", "sendrecv"), ("INVITE", "sendonly"),
            ("200", "recvonly"), ("INVITE", "sendrecv"), ("200", "sendrecv")]
    good = sum(1 for s in seq.values() if s == want)
    odd = [s for s in seq.values() if s != want][:2]
    check(len(seq) == calls and good == calls,
          f"tshark: {good}/{len(seq)} dialogs held (sendonly -> recvonly) and resumed "
          f"(sendrecv) {odd if odd else ''}")

    # RTP timing per SSRC: the held side (UAS, 198.18.5.2) pauses for about
    # hold_for_ms, the holder (UAC) sends on
    rtp = tshark(medcap, "-o", "rtp.heuristic_rtp:TRUE", "-Y", "rtp", "-T", "fields",
                 "-e", "frame.time_epoch", "-e", "ip.src", "-e", "rtp.ssrc", "-e", "rtp.seq")
    times = collections.defaultdict(list)
    count = collections.Counter()
    for t, src, ssrc, _ in rtp:
        times[(src, ssrc)].append(float(t))
        count[src] += 1
    gaps = {"198.18.5.1": [], "198.18.5.2": []}
    for (src, _), ts in times.items():
        ts.sort()
        gaps.setdefault(src, []).append(max((b - a for a, b in zip(ts, ts[1:])), default=0))
    held, holder = sorted(gaps["198.18.5.2"]), sorted(gaps["198.18.5.1"])
    lo = hold_for_ms / 1000 * 0.6
    check(len(held) == calls and held and held[0] >= lo,
          f"held side (uas): {len(held)} SSRCs, each paused; shortest pause "
          f"{held[0] if held else 0:.3f} s, longest {held[-1] if held else 0:.3f} s "
          f"(hold_for {hold_for_ms} ms)")
    check(len(holder) == calls and holder and holder[-1] < lo,
          f"holder (uac): {len(holder)} SSRCs, none paused (longest gap "
          f"{holder[-1] if holder else 0:.3f} s)")
    uas_held = uas["calls"]["media"]["held_packet_times"]
    check(uac["calls"]["media"]["held_packet_times"] == 0 and uas_held > 0,
          f"packet times withheld: uas {uas_held}, uac "
          f"{uac['calls']['media']['held_packet_times']}")
    for x, y, src in ((uac, uas, "198.18.5.1"), (uas, uac, "198.18.5.2")):
        sent, got = x["media"]["rtp"]["tx_packets"], y["media"]["rtp"]["rx_packets"]
        lost = y["media"]["rtp"]["lost"]
        check(sent == count[src], f"{x['calls']['role']} sent {sent} RTP, tshark saw {count[src]}")
        # the held time is no loss: the sequence goes on where it stopped
        check(lost <= sent * 0.005, f"{y['calls']['role']} counted {lost} lost of {sent} "
              f"(withheld on hold: {x['calls']['media']['held_packet_times']})")


def auth(sipcap, uac, uas, calls, right):
    ua, us = uac["calls"], uas["calls"]
    a = uas["sip"]["auth"]
    rows = sip_rows(sipcap, "sip.WWW-Authenticate")
    per = collections.defaultdict(collections.Counter)
    algs = collections.Counter()
    for cid, meth, st, cs, www in rows:
        if meth:
            per[cid][meth] += 1
        elif cs == "INVITE":
            per[cid][st] += 1
            if st == "401":
                algs[tuple(x.split("algorithm=")[1].split(",")[0]
                           for x in www.split("Digest ")[1:])] += 1
    check(len(per) == calls and all(c["401"] == 1 and c["INVITE"] == 2 for c in per.values()),
          f"tshark: {len(per)} calls, each INVITE 401 INVITE: "
          f"{sum(1 for c in per.values() if c['401'] == 1 and c['INVITE'] == 2)}")
    check(algs == {("SHA-256", "MD5"): calls},
          f"tshark: 401s offer SHA-256 then MD5 (RFC 8760 2.4): {dict(algs)}")
    check(a["challenged"] == calls and a["stale"] == 0,
          f"uas: {a['challenged']} challenged (want {calls})")
    if right:
        calls_ok("uac", uac, calls)
        calls_ok("uas", uas, calls)
        ok200 = sum(1 for c in per.values() if c["200"] == 1)
        check(ok200 == calls and a["accepted"] == calls and a["refused"] == 0,
              f"every call 200 after its one 401: {ok200}; uas accepted {a['accepted']}, "
              f"refused {a['refused']}")
    else:
        f403 = sum(1 for c in per.values() if c["403"] == 1)
        check(ua["attempted"] == calls and ua["failed"] == calls and
              ua["failed_by_status"] == {"403": calls} and
              ua["failed_by_reason"] == {"Forbidden": calls},
              f"uac: {ua['failed']}/{ua['attempted']} failed, by status "
              f"{ua['failed_by_status']}, by reason {ua['failed_by_reason']}")
        check(f403 == calls and a["refused"] == calls and a["accepted"] == 0 and
              us["failed_by_reason"] == {"digest credentials refused (403)": calls},
              f"tshark: {f403} calls answered 403; uas refused {a['refused']}, "
              f"by reason {us['failed_by_reason']}")


def register(sipcap, uac, uas, calls, users):
    """Per user: REGISTER 401 REGISTER 200 before the first INVITE; at the end
    REGISTER Expires: 0, 401, REGISTER Expires: 0, 200."""
    rows = tshark(sipcap, "-d", "udp.port==5060,sip", "-Y", "sip", "-T", "fields",
                  "-e", "frame.time_epoch", "-e", "sip.to.user", "-e", "sip.Method",
                  "-e", "sip.Status-Code", "-e", "sip.CSeq.method", "-e", "sip.Expires",
                  "-e", "sip.Authorization", "-e", "sip.Contact")
    rows = [r + [""] * (8 - len(r)) for r in rows]
    first_invite = min((float(r[0]) for r in rows if r[2] == "INVITE"), default=0)
    seq = collections.defaultdict(list)
    bound = collections.Counter()
    for t, user, meth, st, cs, exp, authz, contact in rows:
        if meth == "REGISTER":
            seq[user].append((float(t), "REGISTER" + ("+auth" if authz else ""), exp))
        elif cs == "REGISTER":
            seq[user].append((float(t), st, ""))
            # RFC 3261 10.3 step 8: the 200 lists the binding with its expiry
            bound[user] += st == "200" and contact.endswith(";expires=3600")
    first = [("REGISTER", "3600"), ("401", ""), ("REGISTER+auth", "3600"), ("200", "")]
    last = [("REGISTER", "0"), ("401", ""), ("REGISTER+auth", "0"), ("200", "")]
    for u in users:
        s = seq.get(u, [])
        got = [(m, e) for _, m, e in s]
        check(got == first + last,
              f"tshark: {u}: REGISTER 401 REGISTER 200, then Expires: 0 the same way: {got}")
        check(len(s) >= 4 and 0 < s[3][0] < first_invite,
              f"tshark: {u} registered before the first INVITE")
        check(bound[u] == 1, f"tshark: {u}: the registrar's 200 lists the binding with "
              f";expires=3600 once (and none after Expires: 0): {bound[u]}")
    ru, rs = uac["sip"]["register"], uas["sip"]["register"]
    n = len(users)
    check(ru["attempted"] == n and ru["succeeded"] == n and ru["failed"] == 0 and
          ru["unregistered"] == n and ru["challenged"] == 2 * n and ru["refreshed"] == 0,
          f"uac: register {ru}")
    check(rs["received"] == 4 * n and rs["accepted"] == 2 * n,
          f"uas: REGISTERs received {rs['received']} (want {4 * n}), accepted "
          f"{rs['accepted']} (want {2 * n})")
    calls_ok("uac", uac, calls)
    calls_ok("uas", uas, calls)


if PHASE == "register":
    sipcap, uac_p, uas_p, calls = sys.argv[2:6]
    register(sipcap, json.load(open(uac_p)), json.load(open(uas_p)), int(calls), sys.argv[6:])
elif PHASE.startswith("auth-"):
    sipcap, uac_p, uas_p, calls = sys.argv[2:6]
    auth(sipcap, json.load(open(uac_p)), json.load(open(uas_p)), int(calls),
         PHASE == "auth-right")
elif PHASE == "hold":
    sipcap, medcap, uac_p, uas_p, calls, hold_for = sys.argv[2:8]
    hold(sipcap, medcap, json.load(open(uac_p)), json.load(open(uas_p)), int(calls),
         int(hold_for))
sys.exit(1 if bad else 0)
