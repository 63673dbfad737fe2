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
#  - in the other direction, no loss injected: B's view of A says 0.
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
bg ip netns exec "$B" dumpcap -q -n -i vb -s 128 -w "$cap" -f "udp portrange 20000-29999"
cpid=$LAST_PID
sleep 2
common="--set port.profile=net_af_packet --set media.streams=$STREAMS --set run.console=false \
 --set media.rtcp_interval_ms=1000 --set verdict.jitter_ms_max=1000"
bg ip netns exec "$A" "$MBL" --no-huge -m 256 -l 0-1 --file-prefix "$A" -- $common \
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
sys.exit(1 if bad else 0)
PY
	FAILS=$((FAILS + 1))
finish
