#!/bin/sh
# make demo: the main job on the embedded default scenario. Two mediablast
# instances in two lab namespaces joined by a veth pair (198.18.0.0/15),
# each on net_af_packet, send G.711 probe media to each other both ways for
# 10 s; the live console runs, then both reports are printed side by side.
# (Later milestones turn this into the SIP call comparison with and without
# encryption.)
set -u
MBL=${1:-build/mediablast}
STREAMS=${STREAMS:-500}
DURATION=${DURATION:-10}
OUT=${OUT:-build/demo}
TAG=mbldemo$$
[ "$(id -u)" -eq 0 ] || { echo "make demo needs root (network namespaces)"; exit 1; }
mkdir -p "$OUT"
cleanup() {
	[ -n "${PA:-}" ] && kill "$PA" 2>/dev/null
	[ -n "${PB:-}" ] && kill "$PB" 2>/dev/null
	ip netns del "$TAG-a" 2>/dev/null
	ip netns del "$TAG-b" 2>/dev/null
}
trap cleanup EXIT INT TERM
ip netns add "$TAG-a" && ip netns add "$TAG-b" || exit 1
ip link add va netns "$TAG-a" type veth peer name vb netns "$TAG-b" || exit 1
for x in "$TAG-a:va" "$TAG-b:vb"; do
	ns=${x%%:*} ifc=${x#*:}
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" ip link set "$ifc" up
done
common="--set port.profile=net_af_packet --set media.streams=$STREAMS --set media.payload=probe \
 --set media.dtmf=123# --duration $DURATION"
echo "== demo: $STREAMS G.711 streams each way for $DURATION s between two namespaces"
ip netns exec "$TAG-a" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$TAG-a" --log-level=error -- \
	$common --set port.iface=va --set media.local_ip=198.18.0.1 --set media.remote_ip=198.18.0.2 \
	--set run.console=false --report "$OUT/a.json" > "$OUT/a.log" 2>&1 &
PA=$!
ip netns exec "$TAG-b" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$TAG-b" \
	--log-level=error -- $common --set port.iface=vb --set media.local_ip=198.18.0.2 \
	--set media.remote_ip=198.18.0.1 --report "$OUT/b.json" &
PB=$!
wait "$PA"; ra=$?
wait "$PB"; rb=$?
PA= PB=
[ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] || { echo "demo: an instance failed ($ra/$rb); see $OUT"; exit 1; }
python3 - "$OUT/a.json" "$OUT/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
rows = [
    ("streams receiving", lambda r: r["media"]["streams_receiving"]),
    ("RTP sent", lambda r: r["media"]["rtp"]["tx_packets"]),
    ("RTP received", lambda r: r["media"]["rtp"]["rx_packets"]),
    ("lost", lambda r: r["media"]["rtp"]["lost"]),
    ("duplicates", lambda r: r["media"]["rtp"]["duplicates"]),
    ("reordered", lambda r: r["media"]["rtp"]["reordered"]),
    ("DTMF events sent (pkts)", lambda r: r["media"]["rtp"]["tx_dtmf"]),
    ("probe payloads intact", lambda r: r["media"]["rtp"]["probe_ok"]),
    ("jitter mean (ms)", lambda r: round(r["media"]["jitter_mean_ms"], 4)),
    ("jitter p99 (ms)", lambda r: r["media"]["jitter_ms"]["p99"]),
    ("one-way delay p50 (us)", lambda r: r["media"]["one_way_delay_us"]["p50"]),
    ("one-way delay p99 (us)", lambda r: r["media"]["one_way_delay_us"]["p99"]),
    ("RTCP RTT p50 (ms)", lambda r: r["media"]["rtt_ms"]["p50"]),
    ("MOS (G.107)", lambda r: round(r["media"]["mos"], 2)),
    ("pacer lateness p50 (us)", lambda r: r["pacing"]["lateness_us"]["p50"]),
    ("pacer lateness p99 (us)", lambda r: r["pacing"]["lateness_us"]["p99"]),
    ("dropped (malformed etc.)", lambda r: r["media"]["dropped"]["total"]),
]
print(f"\n{'':28}{'A 198.18.0.1':>16}{'B 198.18.0.2':>16}")
for name, f in rows:
    print(f"{name:28}{f(a):>16}{f(b):>16}")
ok = (a["media"]["rtp"]["rx_packets"] == b["media"]["rtp"]["tx_packets"] and
      b["media"]["rtp"]["rx_packets"] == a["media"]["rtp"]["tx_packets"])
print("\nevery packet sent was received" if ok else "\npackets went missing: see lost")
PY
echo "reports: $OUT/a.json $OUT/b.json"
