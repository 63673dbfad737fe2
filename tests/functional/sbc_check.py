#!/usr/bin/env python3
"""rtpengine's side of t_sbc_rtpengine.sh, and the check of one case.

sbc_check.py ping                  wait (10 s at most) for rtpengine's ng pong
sbc_check.py stats                 print its list and total statistics (JSON)
sbc_check.py watch OUT             until SIGTERM: poll list, query every call
                                   it holds; then (once the deleted calls
                                   are gone, 10 s at most) write what it
                                   saw and its statistics to OUT
sbc_check.py check CASE CALLS UAC_ENC UAS_ENC UAC.json UAS.json SIPCAP
                   RTPE_BEFORE.json RTPE_WATCH.json RTPE_LOG LOG_OFFSET
                   UAC.csv UAS.csv
                                   check one case (PASS/FAIL lines); the
                                   case's part of rtpengine's log starts at
                                   byte LOG_OFFSET; the CSVs are the two
                                   sides' per-call records (--cdr)
The ng commands talk to 127.0.0.1:22222: run them inside namespace B."""
import collections
import csv
import json
import math
import re
import signal
import subprocess
import sys
import time

import rtplab


def stats():
    return {"list": rtplab.ng("list", limit=100000)["calls"],
            "total": rtplab.ng("statistics")["statistics"]["totalstatistics"]}


def streams(q):
    """Per SIP tag of one query answer: the endpoint rtpengine learnt for it
    (the address of the first stream of its first media) and the packets it
    received from there (the stream stats of that media, RTP component)."""
    out = {}
    for tag, t in q.get("tags", {}).items():
        n, e, addr = 0, 0, ""
        for m in t.get("medias", [])[:1]:
            for s in m.get("streams", [])[:1]:
                n += s.get("stats", {}).get("packets", 0)
                e += s.get("stats", {}).get("errors", 0)
                addr = s.get("endpoint", {}).get("address", "")
        out[tag] = {"addr": addr, "packets": n, "errors": e}
    return out


def watch(path):
    """Every call rtpengine lists is queried every cycle until a query says
    it is gone (it refuses queries once kamailio deleted it, though the
    call relays on for --delete-delay): the last answer is rtpengine's view
    of the call while up, a little short of its final counts (those are in
    its log at delete: rtpe_final)."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    calls, most, gone = {}, 0, set()

    def cycle():
        nonlocal most
        try:
            ids = rtplab.ng("list", limit=100000)["calls"]
        except OSError:
            ids = []
        most = max(most, len(ids))
        for cid in ids:
            calls.setdefault(cid, {"tags": {}, "queries": 0})
        for cid, c in calls.items():
            if cid in gone:
                continue
            try:
                q = rtplab.ng("query", **{"call-id": cid})
            except OSError:
                continue
            if q.get("result") != "ok":
                gone.add(cid)
                continue
            c["queries"] += 1
            for tag, v in streams(q).items():
                old = c["tags"].get(tag, {"packets": -1})
                if v["packets"] >= old["packets"]:
                    c["tags"][tag] = v
    while not stop:
        cycle()
        time.sleep(0.3)
    # deleted calls linger for rtpengine's --delete-delay: query them until
    # they are gone (10 s at most)
    for _ in range(50):
        cycle()
        if len(gone) == len(calls):
            break
        time.sleep(0.2)
    json.dump({"calls": calls, "most_at_once": most, "after": stats()}, open(path, "w"))


# Addresses of t_sbc_rtpengine.sh: the UAC's SIP, rtpengine's interfaces
# a (toward the UAC) and c (toward the UAS), the UAS's SIP
UAC, SBC_A, SBC_C, UAS = "198.18.0.1", "198.18.0.2", "198.18.2.2", "198.18.2.1"

# What the SDP on each leg must show for the case to test what it says:
# proto of the m= line, a=crypto lines (an int, or "many": more than one,
# some with unpadded base64 keys as rtpengine writes them), a=setup role.
# offer_a: the UAC's offer; offer_c: rtpengine's offer to the UAS;
# answer_a: rtpengine's answer to the UAC.
SDP = {
    "plain": {"offer_a": ("RTP/AVP", 0, None), "offer_c": ("RTP/AVP", 0, None),
              "answer_a": ("RTP/AVP", 0, None)},
    "sdes": {"offer_a": ("RTP/SAVP", 1, None), "offer_c": ("RTP/SAVP", "many", None),
             "answer_a": ("RTP/SAVP", 1, None)},
    "sdes-suites": {"offer_a": ("RTP/SAVP", 1, None), "offer_c": ("RTP/SAVP", 1, None),
                    "answer_a": ("RTP/SAVP", 1, None)},
    "sdes-plain": {"offer_a": ("RTP/SAVP", 1, None), "offer_c": ("RTP/AVP", 0, None),
                   "answer_a": ("RTP/SAVP", 1, None)},
    "dtls-sdes": {"offer_a": ("UDP/TLS/RTP/SAVP", 0, "actpass"),
                  "offer_c": ("RTP/SAVP", 1, None),
                  "answer_a": ("UDP/TLS/RTP/SAVP", 0, "active")},
    "dtls-passive": {"offer_a": ("UDP/TLS/RTP/SAVP", 0, "actpass"),
                     "offer_c": ("RTP/SAVP", 1, None),
                     "answer_a": ("UDP/TLS/RTP/SAVP", 0, "passive")},
    "dual": {"offer_a": (None, 1, "actpass"), "offer_c": ("RTP/SAVP", 1, None),
             "answer_a": (None, None, None)},
    "webrtc-plain": {"offer_a": ("UDP/TLS/RTP/SAVPF", 0, "actpass"),
                     "offer_c": ("RTP/AVP", 0, None),
                     "answer_a": ("UDP/TLS/RTP/SAVPF", 0, "active")},
    # rtpengine offers its SDES lines beside DTLS: our UAS picks DTLS
    "plain-webrtc-lite": {"offer_a": ("RTP/AVP", 0, None),
                          "offer_c": ("UDP/TLS/RTP/SAVPF", "many", "actpass"),
                          "answer_a": ("RTP/AVP", 0, None)},
}
SDP["plain-webrtc-full"] = SDP["plain-webrtc-lite"]
# Cases whose UAC sends its SIP over WSS (TLS to kamailio's port 4443):
# tshark cannot read that leg's SDP, so the case is checked on the UAS leg
# only (calls keyed by offer_c, answer_c there), and that the UAC leg was
# WSS from the UAC's report and the TLS on the wire
WSS = {"wss-webrtc-plain": 4443}
SDP["wss-webrtc-plain"] = {"offer_c": ("RTP/AVP", 0, None)}
# Cases with an ICE leg: the side that runs an agent, and its mode
ICE = {"webrtc-plain": ("uac", "full"), "wss-webrtc-plain": ("uac", "full"),
       "plain-webrtc-lite": ("uas", "lite"), "plain-webrtc-full": ("uas", "full")}
# Media addresses of the two data planes
MEDIA_UAC, MEDIA_UAS = "198.18.1.1", "198.18.3.1"
# rtpengine can forward the UAS's media only once kamailio passed it the
# 200's answer: before, it has no key for the UAS's SRTP (the answer's
# a=crypto) nor any toward the UAC (its own answer), logs "SRTP output
# wanted, but no crypto suite was negotiated" or fails to decrypt, and
# counts an error on the call. The UAS may send as soon as it answered
# (RFC 3264 6), the UAC only after the answer passed rtpengine, so these
# are UAS->UAC packets: normally 1 a call (20 ms). And on a DTLS leg with
# rtpengine passive, it takes its SRTP keys a moment after its last flight:
# the first UAC->UAS packet of a call is sometimes refused (48 of 50 calls
# in one run). Which packets were refused is known per call and end (sent
# per our record less relayed per rtpengine's final stats); up to this
# many per call and end count as that early media, any more as loss.
EARLY_MAX = 3
# With an ICE + DTLS leg, rtpengine can forward into it only once the
# checks and the handshake on that leg are done; what the other end sends
# before is dropped (counted as errors or not: rtpengine 10.5 counts the
# plain side's, not the SRTP side's). Measured 3 to 8 packets a call. So in
# the direction toward the ICE side, a call may miss the packets of its
# first (ICE select + DTLS handshake) p99 of that side's report plus 3
# packet times, and only at its start: the receiver's sequence gaps (loss
# inside the stream, RFC 3550) stay under the 0.5 % bound.
ICE_SLACK_PKTS = 3

MODE = {"none": ("plain",), "sdes": ("sdes",), "dtls": ("dtls",), "dual": ("sdes", "dtls")}


def sip_legs(cap):
    """Per Call-ID, the SDP of each leg as seen on B's veths (the first of
    any retransmissions), and the UAS's failure answers by status line."""
    out = subprocess.run(
        ["tshark", "-n", "-r", cap, "-Y", "sip", "-T", "fields", "-E", "aggregator=|",
         "-e", "ip.src", "-e", "ip.dst", "-e", "sip.Call-ID", "-e", "sip.Method",
         "-e", "sip.Status-Line", "-e", "sip.CSeq.method", "-e", "sdp.connection_info",
         "-e", "sdp.media", "-e", "sdp.media_attr"],
        capture_output=True, text=True, check=True).stdout
    legs, refused = collections.defaultdict(dict), collections.Counter()
    for line in out.splitlines():
        f = line.split("\t") + [""] * 9
        src, dst, cid, meth, status, cseq, conn, media, attrs = f[:9]
        code = status.split(" ")[1] if status.startswith("SIP/2.0 ") else ""
        kind = None
        if meth == "INVITE":
            kind = {(UAC, SBC_A): "offer_a", (SBC_C, UAS): "offer_c"}.get((src, dst))
        elif cseq == "INVITE" and code.startswith("2"):
            kind = {(UAS, SBC_C): "answer_c", (SBC_A, UAC): "answer_a"}.get((src, dst))
        elif cseq == "INVITE" and code[:1] in "3456" and code and (src, dst) == (UAS, SBC_C):
            refused[status[8:]] += 1
        if kind and kind not in legs[cid] and media:
            a = attrs.split("|") if attrs else []
            legs[cid][kind] = {
                "c": conn.split(" ")[-1], "proto": media.split(" ")[2],
                "crypto": [x for x in a if x.startswith("crypto:")],
                "setup": next((x[6:] for x in a if x.startswith("setup:")), None),
                "fingerprint": any(x.startswith("fingerprint:") for x in a)}
    return legs, refused


def tls_leg(cap, port):
    """The TLS on B's port PORT in the capture: ClientHellos, ServerHellos
    and application data records (frames holding one or more)."""
    def frames(flt):
        return len(subprocess.run(
            ["tshark", "-n", "-r", cap, "-d", f"tcp.port=={port},tls", "-Y",
             f"tcp.port == {port} && {flt}", "-T", "fields", "-e", "frame.number"],
            capture_output=True, text=True, check=True).stdout.split())
    return (frames("tls.handshake.type == 1"), frames("tls.handshake.type == 2"),
            frames("tls.app_data"))


FINAL = re.compile(r"\[([^\]]+)\]: \[core\] -+ Port +\S+ <> +([0-9.]+):\d+( \(RTCP\))?, "
                   r"SSRC \S+, (\d+) p, \d+ b, (\d+) e")


def rtpe_final(path, offset):
    """Per call, the RTP packets and errors rtpengine counted from each end
    (its "Final packet stats", logged when the call is deleted), from the
    case's part of its log: {call-id: {"uac": [p, e], "uas": [p, e]}}."""
    out = collections.defaultdict(lambda: {"uac": [0, 0], "uas": [0, 0]})
    with open(path, "rb") as f:
        f.seek(offset)
        for line in f.read().decode(errors="replace").splitlines():
            m = FINAL.search(line)
            if m and not m.group(3):
                side = {MEDIA_UAC: "uac", MEDIA_UAS: "uas"}.get(m.group(2))
                if side:
                    out[m.group(1)][side][0] += int(m.group(4))
                    out[m.group(1)][side][1] += int(m.group(5))
    return out


def unpadded(crypto):
    """a=crypto lines whose inline key||salt is base64 without its padding"""
    n = 0
    for c in crypto:
        key = c.partition("inline:")[2].split("|")[0]
        n += len(key) % 4 != 0
    return n


def check(argv):
    name, calls, uenc, senc = argv[0], int(argv[1]), argv[2], argv[3]
    uac_p, uas_p, cap, rtpe0_p, rtpe_p, rtpe_log, log_at, uac_cdr, uas_cdr = argv[4:13]
    chk = rtplab.Checks()

    def c(cond, msg):
        chk(cond, f"sbc {name}: {msg}")
    try:
        uac, uas = json.load(open(uac_p)), json.load(open(uas_p))
    except (OSError, ValueError) as e:
        c(False, f"no report: {e}")
        return 1
    # 1. calls: every call answered and succeeded on both sides, media both
    # ways with the security the side asked for
    for side, r, enc in (("uac", uac, uenc), ("uas", uas, senc)):
        k, m = r["calls"], r["calls"]["media"]
        c(k["attempted"] == calls and k["succeeded"] == calls and k["failed"] == 0,
          f"{side}: {k['attempted']} attempted, {k['succeeded']} succeeded, {k['failed']} "
          f"failed {k['failed_by_reason']} {k.get('failed_by_status', {})}")
        got = {x: m[x] for x in MODE[enc]}
        c(m["flowed_both_ways"] == calls and sum(got.values()) == calls,
          f"{side}: media both ways on {m['flowed_both_ways']}/{calls} calls, "
          f"security {got} (asked {enc}), missing {m['missing']}")
        if enc == "dtls" or (enc == "dual" and m["dtls"]):
            d = k["dtls"]
            c(d["completed"] == d["handshakes"] == m["dtls"] and d["failed"] == 0,
              f"{side}: DTLS-SRTP {d['completed']}/{d['handshakes']} handshakes done, "
              f"{d['failed']} failed {d['failed_by_reason']}, {d['retransmits']} "
              f"retransmitted flights, p50 {d['handshake_ms']['p50']} ms "
              f"p99 {d['handshake_ms']['p99']} ms")
    # the UAC's SIP over WSS: one WebSocket handshake for the run, none
    # refused, no protocol error (those two: counts by reason), no
    # connection failure
    if name in WSS:
        ts = uac["sip"].get("transport_stats", {})
        w = ts.get("websocket", {})
        c(uac["sip"].get("transport") == "WSS" and w.get("handshakes") == 1 and
          "handshakes_refused" in w and not w["handshakes_refused"] and
          "protocol_errors" in w and not w["protocol_errors"],
          f"uac: SIP transport {uac['sip'].get('transport')}, {w.get('handshakes')} WebSocket "
          f"handshake(s), refused {w.get('handshakes_refused')}, protocol errors "
          f"{w.get('protocol_errors')}, frames out {w.get('frames_out')} in {w.get('frames_in')}")
        fails = {k: v for k, v in ts.items() if k.startswith("ws_") or k in ("closed", "reset")}
        c(not fails, f"uac: no WSS connection failures ({fails})")
    # ICE against rtpengine's agent: a pair selected on every call, no bad
    # check; a lite agent sends none, a full one checks every call
    if name in ICE:
        side, mode = ICE[name]
        ice = (uac if side == "uac" else uas)["calls"].get("ice") or {}
        c(ice.get("agents") == calls == ice.get("selected") and ice.get("calls_failed") == 0,
          f"{side}: ICE ({mode}) pairs selected on {ice.get('selected')}/{calls} calls, "
          f"failed {ice.get('failed_by_reason')}, select p50 "
          f"{ice.get('select_ms', {}).get('p50')} ms p99 {ice.get('select_ms', {}).get('p99')} ms")
        c(ice.get("bad_integrity") == 0 and ice.get("bad_fingerprint") == 0 and
          ice.get("malformed") == 0 and ice.get("checks_answered", 0) >= calls and
          (ice.get("checks_sent", 0) >= calls) == (mode == "full"),
          f"{side}: checks sent {ice.get('checks_sent')}, received {ice.get('checks_received')},"
          f" answered {ice.get('checks_answered')}, role conflicts {ice.get('role_conflicts')}, "
          f"bad integrity {ice.get('bad_integrity')}, malformed {ice.get('malformed')}")
    # rtpengine's per-call counts, logged as it deleted each call
    try:
        final = rtpe_final(rtpe_log, int(log_at))
    except OSError as e:
        c(False, f"rtpengine: no log: {e}")
        final = {}
    # 2. media each way: sent vs received. The receiver's slot stops at BYE:
    # packets still in flight then count as stream_idle, not lost; media
    # rtpengine refused at a call's start (up to EARLY_MAX a call and end)
    # neither
    emax = 10 ** 9 if name in ICE else EARLY_MAX
    errs = [v["uac"][1] + v["uas"][1] for v in final.values()]
    cdr = load_cdr(c, uac_cdr, uas_cdr)
    # per call, the media of each sender that rtpengine did not deliver:
    # refused on input (what the sender's record says it sent less what
    # rtpengine took: SRTP before it had the key) and on output (its errors
    # on the receiver's stream beyond that receiver's own refused input:
    # "SRTP output wanted, but no crypto suite was negotiated"; on a DTLS
    # leg these errors also hold handshake datagrams, bounded by EARLY_MAX)
    rtpe_refused = {"uac": [], "uas": []}
    for cid, v in final.items():
        rows = {x: cdr.get(x, {}).get(cid) for x in rtpe_refused}
        if None in rows.values():
            continue
        n_in = {x: max(0, sent_of(name, x, rows[x]) - v[x][0]) for x in rows}
        for x, y in (("uac", "uas"), ("uas", "uac")):
            rtpe_refused[x].append(n_in[x] + max(0, v[y][1] - n_in[y]))
    over = sum(1 for side in rtpe_refused for n in rtpe_refused[side] if n > emax)
    early = sum(min(n, emax) for side in rtpe_refused for n in rtpe_refused[side])
    for x, y in ((uac, uas), (uas, uac)):
        role = x["calls"]["role"]
        way = f"{role}->{y['calls']['role']}"
        sent, rx = x["media"]["rtp"]["tx_packets"], y["media"]["rtp"]
        d = y["media"]["dropped"]
        got, idle = rx["rx_packets"], d["stream_idle"]
        if name in ICE and y["calls"]["role"] == ICE[name][0]:
            k = y["calls"]
            t = k["ice"]["select_ms"]["p99"] + k["dtls"]["handshake_ms"]["p99"]
            allow = calls * (math.ceil(t / 20.0) + ICE_SLACK_PKTS)
            e = max(0, min(sent - got - idle, allow))
            c(rx["lost"] <= sent * 0.005,
              f"{way}: {rx['lost']} lost inside the streams (receiver's sequence gaps); "
              f"up to {allow} at call starts allowed ({t:.0f} ms of ICE + DTLS p99 on the "
              f"ICE leg, + {ICE_SLACK_PKTS} packets, x {calls} calls)")
            what = "before the ICE leg was up"
        else:
            e = sum(min(n, emax) for n in rtpe_refused[role])
            what = "refused by rtpengine at call start"
        missing = sent - got - idle - e
        pct = 100.0 * missing / sent if sent else 100.0
        c(sent > 0 and missing <= sent * 0.005,
          f"{way}: {sent} RTP sent, {got} received + {idle} after hang-up"
          + (f" + {e} early ({what})" if e or role == "uas" else "")
          + f", {missing} missing ({pct:.2f} %, bound 0.5 %), receiver's sequence gaps "
          f"{rx['lost']}")
        late = y["media"].get("srtp", {}).get("late_starts", 0)
        c(d["srtp_auth_fail"] == 0 and d["probe_corrupt"] == 0 and d["bad_udp_csum"] == 0,
          f"{way}: SRTP auth failures {d['srtp_auth_fail']}, corrupt probes "
          f"{d['probe_corrupt']}, bad UDP checksums {d['bad_udp_csum']}; probes intact "
          f"{rx['probe_ok']}; streams the relay started at ROC 1 (late starts) {late}")
        owd = y["media"]["one_way_delay_us"]
        c(owd["count"] > 0 and owd["p50"] > 0,
          f"{way}: one-way delay measured on {owd['count']} packets ({rx['timing_skipped']} "
          f"skipped): p50 {owd['p50']:.0f} us, p99 {owd['p99']:.0f} us, max {owd['max']:.0f} us")
    # 3. the SDP on each leg (tshark on B's veths): the media anchored in
    # rtpengine, and what the case means
    try:
        legs, refused = sip_legs(cap)
    except (OSError, subprocess.CalledProcessError) as e:
        c(False, f"no SIP capture: {e}")
        legs, refused = {}, collections.Counter()
    want = SDP[name]
    if name in WSS:
        # the UAC leg is TLS: no SDP of it here; the calls are the INVITEs
        # rtpengine's SDP went out in to the UAS, their answers the UAS's
        port = WSS[name]
        offers = [v for v in legs.values() if "offer_c" in v]
        plain = sum("offer_a" in v or "answer_a" in v for v in legs.values())
        c(len(offers) == calls and plain == 0,
          f"SIP: {len(offers)} INVITEs relayed to the UAS with rtpengine's SDP, {plain} calls "
          f"with plain SIP on the UAC leg (its SIP is WSS); the UAS refused "
          f"{sum(refused.values())} {dict(refused)}")
        try:
            hello, server, data = tls_leg(cap, port)
        except (OSError, subprocess.CalledProcessError) as e:
            c(False, f"no TLS in the capture: {e}")
            hello = server = data = 0
        # INVITE, ACK, BYE out and 100, 200, 200 back, some of them sharing
        # a frame: 3 frames a call at least
        c(hello == 1 and server == 1 and data >= 3 * calls,
          f"TLS on the UAC leg (port {port}): {hello} ClientHello, {server} ServerHello (one "
          f"connection), {data} frames of application data for {calls} calls")
        anchored = sum(v["offer_c"]["c"] == SBC_C and v.get("answer_c", {}).get("c") ==
                       MEDIA_UAS for v in offers)
        answered = sum("answer_c" in v for v in offers)
        c(answered == calls and anchored == calls,
          f"SIP: {answered} answers from the UAS, {anchored} calls with rtpengine's address "
          f"in its offer (c={SBC_C}) and the UAS's in its answer (c={MEDIA_UAS}); the UAC "
          f"leg is WSS: its SDP (offer_a, answer_a) is not visible, checked on the UAS leg "
          f"only")
    else:
        offers = [v for v in legs.values() if "offer_a" in v]
        c(len(offers) == calls and all("offer_c" in v for v in offers),
          f"SIP: {len(offers)} INVITEs from the UAC, "
          f"{sum('offer_c' in v for v in offers)} relayed to the UAS with rtpengine's SDP; "
          f"the UAS refused {sum(refused.values())} {dict(refused)}")
        anchored = sum(v.get("offer_c", {}).get("c") == SBC_C and
                       v.get("answer_a", {}).get("c") == SBC_A for v in offers)
        answered = sum("answer_a" in v for v in offers)
        c(answered == calls and anchored == calls,
          f"SIP: {answered} answers to the UAC, {anchored} calls with rtpengine's addresses "
          f"in both SDPs (c={SBC_C} to the UAS, c={SBC_A} to the UAC)")
    for leg, (proto, ncrypto, setup) in want.items():
        seen = [v[leg] for v in offers if leg in v]
        protos = collections.Counter(s["proto"] for s in seen)
        ncr = collections.Counter(len(s["crypto"]) for s in seen)
        setups = collections.Counter(s["setup"] for s in seen)
        unp = sum(unpadded(s["crypto"]) for s in seen)
        ok = bool(seen)
        for s in seen:
            ok &= proto is None or s["proto"] == proto
            if ncrypto == "many":
                ok &= len(s["crypto"]) > 1 and unpadded(s["crypto"]) > 0
            elif ncrypto is not None:
                ok &= len(s["crypto"]) == ncrypto
            ok &= setup is None or s["setup"] == setup
        c(ok, f"SDP {leg}: m= {dict(protos)}, a=crypto lines per SDP {dict(ncr)} ({unp} "
          f"unpadded keys), a=setup {dict(setups)} (want {proto or 'any'}, "
          f"{ncrypto if ncrypto is not None else 'any'} a=crypto, setup {setup or 'any'})")
    # 4. rtpengine's view (ng): every call listed while up with media from
    # both ends (query), none left after, all ended by delete, no errors
    try:
        before, w = json.load(open(rtpe0_p)), json.load(open(rtpe_p))
    except (OSError, ValueError) as e:
        c(False, f"rtpengine: no ng view: {e}")
        return 1
    t0, t1 = before["total"], w["after"]["total"]
    dt = {k: int(t1[k]) - int(t0[k]) for k in t1 if k.startswith(("managed", "regular",
                                                                     "relayed", "oneway",
                                                                     "zeroway", "timeout",
                                                                     "forced"))}
    queried = sum(1 for v in w["calls"].values()
                  if len(v["tags"]) >= 2 and min(t["packets"] for t in v["tags"].values()) > 0)
    c(len(w["calls"]) == calls,
      f"rtpengine: {len(w['calls'])} calls listed while up (up to {w['most_at_once']} at "
      f"once), {queried} queried with RTP from both ends already (ng list, query)")
    both = sum(1 for v in final.values() if v["uac"][0] > 0 and v["uas"][0] > 0)
    c(len(final) == calls and both == calls and over == 0,
      f"rtpengine: final stats of {len(final)}/{calls} calls (its log at delete): RTP from "
      f"both ends on {both}, {sum(v['uac'][0] for v in final.values())} from the UAC, "
      f"{sum(v['uas'][0] for v in final.values())} from the UAS; {sum(errs)} errors on "
      f"{sum(1 for e in errs if e)} calls, media refused {sum(rtpe_refused['uac'])} from the "
      f"UAC and {sum(rtpe_refused['uas'])} from the UAS, {over} call ends with more than {emax} "
      f"refused (most {max(rtpe_refused['uac'] + rtpe_refused['uas'], default=0)})")
    c(not w["after"]["list"] and dt["managedsessions"] == calls and
      dt["regularterminatedsessions"] == calls,
      f"rtpengine: {len(w['after']['list'])} calls left, {dt['managedsessions']} sessions "
      f"ended, {dt['regularterminatedsessions']} by delete, {dt['forcedterminatedsessions']} "
      f"forced, {dt['timeoutsessions']} timed out")
    sent = sum(r["media"]["rtp"]["tx_packets"] + r["media"]["rtcp"]["tx_packets"]
               for r in (uac, uas))
    c(dt["relayedpackets"] + early >= sent * 0.995 and dt["onewaystreams"] == 0 and
      dt["zerowaystreams"] == 0,
      f"rtpengine: relayed {dt['relayedpackets']} + {early} early of the {sent} RTP + RTCP "
      f"packets the ends sent, {dt['relayedpacketerrors']} errors in all, one-way streams "
      f"{dt['onewaystreams']}, zero-way {dt['zerowaystreams']}")
    per_call(c, name, calls, uac, uas, cdr, w, final)
    return 1 if chk.fails else 0


# Legs that carry RTCP on the RTP port (rtcp-mux, RFC 5761): there
# rtpengine's stream counts hold the end's RTCP too
MUX = {"uac": {"dtls-sdes", "dtls-passive", "dual", "webrtc-plain", "wss-webrtc-plain"},
       "uas": {"plain-webrtc-lite", "plain-webrtc-full"}}


def load_cdr(c, uac_cdr, uas_cdr):
    """{side: {call-id: row}} of the two sides' per-call records"""
    cdr = {}
    try:
        for side, p in (("uac", uac_cdr), ("uas", uas_cdr)):
            with open(p, newline="") as f:
                cdr[side] = {r["call_id"]: r for r in csv.DictReader(f)}
    except OSError as e:
        c(False, f"per-call records (--cdr): {e}")
    return cdr


def sent_of(name, side, row):
    """Media packets an end's record says it sent, as rtpengine counts them
    on that leg: RTP, and RTCP too where it shares the RTP port"""
    n = int(row["tx_packets"] or 0)
    return n + int(row["tx_rtcp"] or 0) if name in MUX[side] else n


def bye_slack(uac, row):
    """Packets the UAS may have sent after rtpengine took a call's final
    counts: kamailio deletes the call as the UAC's BYE passes, and the UAS
    sends until that BYE reaches it. The window is at most the BYE's round
    trip as the UAC saw it (sent at answer + hold, answered at end_ms): its
    packet times, plus one (an RTCP on a muxed leg)."""
    hold = uac["config"]["call"].get("hold", "")
    if not hold.startswith("fixed:") or not row["end_ms"] or not row["answer_ms"]:
        return 0
    window = float(row["end_ms"]) - float(row["answer_ms"]) - float(hold.split(":")[1])
    return max(0, math.ceil(window / uac["media"]["ptime_ms"])) + 1


def per_call(c, name, calls, uac, uas, cdr, w, final):
    """Our per-call records (--cdr) against the reports' totals and, call
    by call, against rtpengine's own per-call statistics: its final counts
    (logged as kamailio deleted the call, as the UAC's BYE passed: the UAS
    may send a few packets more until that BYE reaches it, bye_slack) and
    its ng query answers while the call was up. For each end, rtpengine
    counts what it received as packets (relayed) and errors (refused: SRTP
    before it had the keys, and on a DTLS leg the handshake's datagrams),
    so exactly: packets <= what the end sent <= packets + errors."""
    if len(cdr) != 2:
        return
    for side, r in (("uac", uac), ("uas", uas)):
        rows = cdr[side].values()
        ok = sum(x["outcome"] == "succeeded" and x["sip_status"] == "200" for x in rows)
        tx = sum(int(x["tx_packets"] or 0) for x in rows)
        rx = sum(int(x["rx_packets"] or 0) for x in rows)
        c(len(cdr[side]) == calls == ok and tx == r["media"]["rtp"]["tx_packets"] and
          rx == r["media"]["rtp"]["rx_packets"],
          f"{side} CDR: {len(cdr[side])} rows, {ok} succeeded with 200; RTP sent {tx} "
          f"(report {r['media']['rtp']['tx_packets']}), received {rx} (report "
          f"{r['media']['rtp']['rx_packets']})")
    agree, off, missing, q_ok = 0, [], 0, 0
    for cid in set(cdr["uac"]) | set(final):
        rows = (cdr["uac"].get(cid), cdr["uas"].get(cid))
        f, q = final.get(cid), w["calls"].get(cid)
        if None in rows or f is None:
            missing += 1
            continue
        good = True
        for side, row in zip(("uac", "uas"), rows):
            p, e = f[side]
            n = sent_of(name, side, row)
            k = bye_slack(uac, rows[0]) if side == "uas" else 0
            good &= p <= n <= p + e + k
            if not p <= n <= p + e + k:
                off.append(f"{cid.split('@')[0][:8]} {side} sent {n}, rtpengine {p} + {e}"
                           f" (+ {k} after the BYE)")
        agree += good
        got = {t["addr"]: t["packets"] for t in (q or {}).get("tags", {}).values()}
        q_ok += (0 < got.get(MEDIA_UAC, 0) <= f["uac"][0] and
                 0 < got.get(MEDIA_UAS, 0) <= f["uas"][0])
    c(missing == 0 and agree == calls,
      f"per call, rtpengine's own final counts vs our records: {agree}/{calls} calls where "
      f"for both ends relayed <= sent <= relayed + refused (UAS: + what it sent while the "
      f"BYE was on its way)"
      f"{' (RTP + RTCP: rtcp-mux leg)' if name in MUX['uac'] | MUX['uas'] else ''}, "
      f"{missing} not matched{'; ' + '; '.join(off[:3]) if off else ''}")
    c(q_ok == calls,
      f"per call, ng query while up: {q_ok}/{calls} calls with RTP from both ends, no more "
      f"than its final counts")


def main():
    cmd = sys.argv[1]
    if cmd == "ping":
        for _ in range(100):
            try:
                if rtplab.ng("ping", timeout=0.2).get("result") == "pong":
                    return 0
            except OSError:
                pass
            time.sleep(0.1)
        return 1
    if cmd == "stats":
        json.dump(stats(), sys.stdout)
        return 0
    if cmd == "watch":
        watch(sys.argv[2])
        return 0
    if cmd == "check":
        return check(sys.argv[2:])
    return 2


if __name__ == "__main__":
    sys.exit(main())
