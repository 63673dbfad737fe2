#!/bin/sh
# The far end's view of our streams, from its RTCP receiver reports (RFC
# 3550 6.4.1), against what went on the wire and what the far end itself
# measured. Two media instances on net_af_packet in two namespaces, routed
# through a third where the kernel forwards between them and iptables drops
# LOSS % of A's packets at random (statistic match; the machine's kernel
# has no netem, and a packet socket's traffic never meets netfilter on
# its own host, only when forwarded). B reports on A's streams every
# second; A keeps receiving until after B has ended, so every report B
# sent reached A.
# Checks (counts, no timing):
#  - A's media.peer: every stream reported on; its cumulative lost equals
#    the sum, over A's streams, of the last report block about each one in
#    tshark's decoding of the capture, exactly; the mean of the jitter they
#    carried equals A's peer jitter mean (within rounding to 1 us);
#  - B's own loss (its whole run) is at least what its last reports said,
#    and the reported share is near the injected one (netem is random:
#    the bound is wide, LOSS / 2 .. LOSS x 2);
#  - in the other direction, no loss injected: B's view of A says 0;
#  - RTCP XR (media.rtcp_xr on both): B's statistics summaries of A's
#    streams, as tshark decodes them, sum to the loss of its last report
#    blocks and to what A read; A's VoIP metrics view (R, MOS-CQ) is the
#    mean of B's last blocks; packet counts agree end to end;
#  - generic NACK (media.feedback = avpf): every SEQ B named is missing
#    from the capture at B's port, every SEQ missing there that B could
#    see before its last compound is named, none twice; early compounds
#    at most one per regular one.
. tests/functional/lib.sh
: "${STREAMS:=20}" "${LOSS:=5}"
lab_init
A=$TAG-a B=$TAG-b R=$TAG-r
ns_add "$A"
ns_add "$B"
ns_add "$R"
ns_link "$A" va "$R" ra
ns_link "$R" rb "$B" vb
ip netns exec "$R" ip addr add 198.18.0.254/24 dev ra
ip netns exec "$R" ip addr add 198.18.1.254/24 dev rb
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
# the kernel sends no ICMP redirects or unreachables of its own here
ip netns exec "$R" sysctl -qw net.ipv4.conf.all.send_redirects=0
ip netns exec "$R" iptables -A FORWARD -s 198.18.0.1 -p udp -m statistic --mode random \
	--probability "$(echo "$LOSS" | awk '{print $1 / 100}')" -j DROP ||
	{ echo "SKIP: no iptables statistic match here"; exit 77; }
ip netns exec "$R" iptables -A OUTPUT -p icmp -j DROP
cap=$OUT/rtcp-peer.pcap
lab_tmp "$cap"
bg ip netns exec "$B" dumpcap -q -n -i vb -s 300 -w "$cap" -f "udp portrange 20000-29999"
cpid=$LAST_PID
sleep 2
common="--set port.profile=net_af_packet --set media.streams=$STREAMS --set run.console=false \
 --set media.rtcp_interval_ms=1000 --set verdict.jitter_ms_max=1000 \
 --set media.rtcp_xr=true --set media.feedback=avpf"
bg ip netns exec "$A" "$MBL" --no-huge -m 256 -l 0-1 --main-lcore 1 --file-prefix "$A" -- $common \
	--set port.iface=va --set media.local_ip=198.18.0.1 --set media.remote_ip=198.18.1.2 \
	--set media.gateway=198.18.0.254 \
	--duration 14 --report "$OUT/rtcp-peer-a.json"
pa=$LAST_PID
sleep 1
bg ip netns exec "$B" "$MBL" --no-huge -m 256 -l 0-1 --file-prefix "$B" -- $common \
	--set port.iface=vb --set media.local_ip=198.18.1.2 --set media.remote_ip=198.18.0.1 \
	--set media.gateway=198.18.1.254 \
	--duration 10 --report "$OUT/rtcp-peer-b.json"
pb=$LAST_PID
wait "$pb"; rb=$?
wait "$pa"; ra=$?
kill -INT "$cpid"; wait "$cpid" 2>/dev/null
python3 - "$cap" "$OUT/rtcp-peer-a.json" "$OUT/rtcp-peer-b.json" "$STREAMS" "$LOSS" "$ra" "$rb" \
	<<'PY' ||
import json, subprocess, sys
cap, ja, jb, streams, loss = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
ra, rb = json.load(open(ja)), json.load(open(jb))
a, b = ra["media"], rb["media"]
out = subprocess.run(["tshark", "-r", cap, "-n", "-o", "rtcp.heuristic_rtcp:TRUE",
                      "-Y", "rtcp && ip.src == 198.18.1.2", "-T", "fields", "-E", "separator=;",
                      "-e", "rtcp.ssrc.identifier", "-e", "rtcp.ssrc.cum_nr",
                      "-e", "rtcp.ssrc.jitter", "-e", "rtcp.ssrc.fraction"],
                     capture_output=True, text=True, timeout=300).stdout
last = {}
for line in out.splitlines():
    f = line.split(";")
    if len(f) < 3 or not f[0]:
        continue
    # one report block per B stream here: the block about A's stream
    last[f[0].split(",")[0]] = (int(f[1].split(",")[0]), int(f[2].split(",")[0]))
bad = 0
def check(cond, what):
    global bad
    print(("PASS: " if cond else "FAIL: ") + what)
    bad += not cond
# the jitter threshold (1 s: always met) counts only when enough arrivals
# were timed (media.timing): held and exit 0, or not measured and exit 1
for side, r, st in (("A", ra, int(sys.argv[6])), ("B", rb, int(sys.argv[7]))):
    tm, rtp = r["media"]["timing"], r["media"]["rtp"]
    timed = rtp["timed_by_port"] + rtp["timed_by_poll"]
    share = 100.0 * timed / (timed + rtp["timing_skipped"])
    th = r["verdict"]["thresholds"]["jitter_ms_max"]
    check(abs(tm["timed_share_pct"] - share) < 0.01 and tm["trusted"] == (share >= tm["floor_pct"])
          and th["measured"] == tm["trusted"] and st == (0 if tm["trusted"] else 1),
          f"{side}: timed share {share:.1f} % (floor {tm['floor_pct']}), trusted {tm['trusted']}, "
          f"jitter threshold measured {th['measured']}, exit {st}")
pa = a["peer"]
wire_lost = sum(v[0] for v in last.values())
wire_jit = sum(v[1] for v in last.values()) / 8.0 / max(len(last), 1)  # PCMU: 8 kHz
check(len(last) == streams, f"tshark: reports from B on {len(last)} of {streams} of A's streams")
check(pa["streams_with_reports"] == streams,
      f"A: peer view of {pa['streams_with_reports']} of {streams} streams")
check(pa["lost"] == wire_lost, f"A: peer lost {pa['lost']} == tshark's last reports {wire_lost}")
check(abs(pa["jitter_ms"]["mean"] - wire_jit) <= 0.0015,
      f"A: peer jitter mean {pa['jitter_ms']['mean']:.4f} ms == tshark {wire_jit:.4f} ms")
check(b["rtp"]["lost"] >= pa["lost"] > 0,
      f"B's own loss {b['rtp']['lost']} >= what it last reported {pa['lost']} > 0")
check(loss / 2 <= pa["loss_pct"] <= loss * 2,
      f"A: peer loss {pa['loss_pct']:.2f} % near the {loss} % injected")
pb = b["peer"]
check(pb["streams_with_reports"] == streams and pb["lost"] == 0,
      f"B: A reports {pb['lost']} lost on {pb['streams_with_reports']} streams (none injected)")

# RTCP XR (RFC 3611, media.rtcp_xr): B's blocks about A's streams as tshark
# decodes them, against what A read and B says it sent. The summaries
# cover disjoint intervals: their sum is the cumulative loss of B's last
# report block.
out = subprocess.run(["tshark", "-r", cap, "-n", "-o", "rtcp.heuristic_rtcp:TRUE",
                      "-Y", "rtcp.xr.bt && ip.src == 198.18.1.2", "-T", "fields", "-E", "separator=;",
                      "-e", "rtcp.ssrc.identifier", "-e", "rtcp.xr.stats.lost",
                      "-e", "rtcp.xr.voipmetrics.rfactor", "-e", "rtcp.xr.voipmetrics.moscq",
                      "-e", "rtcp.xr.voipmetrics.gmin"],
                     capture_output=True, text=True, timeout=300).stdout
xr_n, xr_lost, last_voip = 0, 0, {}
for line in out.splitlines():
    f = line.split(";")
    if len(f) < 5 or not f[1]:
        continue
    xr_n += 1
    xr_lost += int(f[1])
    last_voip[f[0].split(",")[0]] = (int(f[2]), float(f[3]), int(f[4]))
px = pa["xr"]
check(xr_n == b["rtcp"]["tx_xr"] == px["rx_packets"] > 0,
      f"XR: tshark decodes {xr_n} from B, B sent {b['rtcp']['tx_xr']}, A read {px['rx_packets']}")
check(xr_lost == px["summary_lost"] == pa["lost"],
      f"XR: summaries lost {xr_lost} (tshark) == A's {px['summary_lost']} == last RR cumulative {pa['lost']}")
rf = [v[0] for v in last_voip.values()]
mos = [v[1] for v in last_voip.values()]
check(len(last_voip) == streams == px["streams_with_voip_metrics"] and all(v[2] == 16 for v in last_voip.values())
      and abs(px["r_factor"]["mean"] - sum(rf) / len(rf)) < 0.01
      and abs(px["mos_cq"]["mean"] - sum(mos) / len(mos)) < 0.01,
      f"XR: VoIP metrics on {len(last_voip)} streams, R mean {px['r_factor']['mean']} "
      f"== tshark {sum(rf) / len(rf):.2f}, MOS-CQ mean {px['mos_cq']['mean']} == {sum(mos) / len(mos):.2f}")
check(b["peer"]["xr"]["streams_with_voip_metrics"] == streams and b["peer"]["xr"]["summary_lost"] == 0,
      f"XR: A's about B's streams: {b['peer']['xr']['streams_with_voip_metrics']} with VoIP metrics, 0 lost")

# Generic NACK (RFC 4585, media.feedback = avpf): the SEQs B named, from
# the capture, against the SEQs missing from what reached B's port: none
# named that arrived, every one B saw missing before its last compound of
# that stream named, none twice; the counts agree end to end.
def rows(filt, fields, extra=()):
    o = subprocess.run(["tshark", "-r", cap, "-n", "-o", "rtcp.heuristic_rtcp:TRUE", *extra,
                        "-Y", filt, "-T", "fields", "-E", "separator=;"] +
                       [x for e in fields for x in ("-e", e)],
                       capture_output=True, text=True, timeout=300).stdout
    return [l.split(";") for l in o.splitlines()]
named, last_cp = {}, {}
for f in rows("rtcp && ip.src == 198.18.1.2",
              ["frame.time_epoch", "rtcp.ssrc.identifier", "rtcp.mediassrc", "rtcp.rtpfb.nack_pid"]):
    src = f[1].split(",")[0]
    last_cp[src] = float(f[0])
    if not f[3]:
        continue
    # tshark lists each PID and, as generated items of the same field,
    # every SEQ its BLP adds ("Frame N also lost"): the SEQs named
    named.setdefault(f[2].split(",")[-1], []).extend(int(s) for s in f[3].split(","))
b_start = min(float(f[0]) for f in rows("rtp && ip.src == 198.18.1.2", ["frame.time_epoch"],
                                         ("-o", "rtp.heuristic_rtp:TRUE")))
got = {}
for f in rows("rtp && ip.src == 198.18.0.1", ["frame.time_epoch", "rtp.ssrc", "rtp.seq"],
              ("-o", "rtp.heuristic_rtp:TRUE")):
    got.setdefault(f[1], []).append((float(f[0]), int(f[2])))
n_named = sum(len(v) for v in named.values())
false_nack = missed = dup = checked = 0
for ssrc, pk in got.items():
    seen = {s for _, s in pk}
    nm = named.get(ssrc, [])
    dup += len(nm) - len(set(nm))
    false_nack += sum(1 for s in nm if s in seen)
    for (t0, s0), (t1, s1) in zip(pk, pk[1:]):
        gap = (s1 - s0) & 0xffff
        # a SEQ B could see missing: its predecessor came while B ran, the
        # next one well before B's last compound of the stream
        if not (1 < gap < 1000) or t0 < b_start + 0.2 or t1 > last_cp.get(ssrc, 0) - 0.2:
            continue
        for k in range(1, gap):
            checked += 1
            missed += ((s0 + k) & 0xffff) not in nm
check(n_named == b["rtcp"]["tx_nack_seqs"] == a["rtcp"]["rx_nack_packets"] > 0
      and b["rtcp"]["nack_unsent"] == 0,
      f"NACK: {n_named} SEQs named on the wire, B sent {b['rtcp']['tx_nack_seqs']} in "
      f"{b['rtcp']['tx_nack']} NACKs ({b['rtcp']['tx_early']} early), A got {a['rtcp']['rx_nack_packets']}, "
      f"{b['rtcp']['nack_unsent']} unsent")
check(false_nack == 0 and dup == 0 and missed == 0 and checked > 0,
      f"NACK: of {checked} SEQs missing at B's port in its lifetime, {missed} not named; "
      f"{false_nack} named that arrived, {dup} named twice")
check(0 < b["rtcp"]["tx_early"] <= b["rtcp"]["tx_packets"] - b["rtcp"]["tx_early"] + streams,
      f"NACK: early compounds {b['rtcp']['tx_early']} at most one per regular one "
      f"({b['rtcp']['tx_packets'] - b['rtcp']['tx_early']}) and stream")
check(a["rtcp"]["tx_nack"] == 0 and b["rtcp"]["rx_nack"] == a["rtcp"]["tx_nack"],
      f"NACK: none from A (nothing lost toward it)")
sys.exit(1 if bad else 0)
PY
	FAILS=$((FAILS + 1))
finish
