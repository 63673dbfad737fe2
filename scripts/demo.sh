#!/bin/sh
# make demo: the main job on the embedded default scenario. A UAC and a UAS
# mediablast instance in two lab namespaces joined by a veth pair
# (198.18.0.0/15): SIP on kernel sockets (198.18.0.1 -> 198.18.0.2), media on
# net_af_packet (198.18.1.1 <-> 198.18.1.2). The same load runs five times -
# plain RTP and SDES-SRTP over SIP/UDP and SIP/TLS, and DTLS-SRTP (the
# handshake on the media port, on the data plane's mbufs) over SIP/UDP - and
# the five reports are printed side by side: what encryption costs, measured.
set -u
MBL=${1:-build/mediablast}
CALLS=${CALLS:-300}
RATE=${RATE:-60}
HOLD=${HOLD:-4000}
OUT=${OUT:-build/demo}
TAG=mbldemo$$
[ "$(id -u)" -eq 0 ] || { echo "make demo needs root (network namespaces)"; exit 1; }
mkdir -p "$OUT"
cleanup() {
	[ -n "${PA:-}" ] && kill "$PA" 2>/dev/null
	[ -n "${PB:-}" ] && kill "$PB" 2>/dev/null
	ip netns del "$TAG-a" 2>/dev/null
	ip netns del "$TAG-b" 2>/dev/null
	rm -rf "$OUT/pki"
}
trap cleanup EXIT INT TERM
ip netns add "$TAG-a" && ip netns add "$TAG-b" || exit 1
ip link add va netns "$TAG-a" type veth peer name vb netns "$TAG-b" || exit 1
for x in "$TAG-a:va:198.18.0.1" "$TAG-b:vb:198.18.0.2"; do
	ns=${x%%:*} rest=${x#*:}
	ifc=${rest%%:*} ip=${rest#*:}
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" ip link set "$ifc" up
	ip netns exec "$ns" ip addr add "$ip/24" dev "$ifc"
done

# a throwaway CA and a certificate for the UAS's address, for SIP over TLS
PKI=$OUT/pki
mkdir -p "$PKI"
sh "$(dirname "$0")/lab_pki.sh" "$PKI" uas IP:198.18.0.2 ||
	{ echo "demo: cannot make the TLS certificates (openssl)"; exit 1; }

# run NAME ENCRYPTION TRANSPORT [OPTIONS FOR BOTH]
run() {
	name=$1 enc=$2 tp=$3 extra=${4:-} port=5060 uas_tls="" uac_tls="" console=false
	[ "$tp" = tls ] && port=5061 && uas_tls="--set sip.tls.cert_file=$PKI/uas.pem \
		--set sip.tls.key_file=$PKI/uas.key" && uac_tls="--set sip.tls.ca_file=$PKI/ca.pem"
	[ "$name" = plain-udp ] && console=true
	common="--set port.profile=net_af_packet --set media.payload=probe \
	 --set media.encryption=$enc --set media.srtp_engine=cryptodev --set sip.transport=$tp \
	 --set call.limit=1000 $extra"
	dur=$((CALLS / RATE + HOLD / 1000 + 3))
	echo "== $name: $CALLS calls at $RATE/s, ${HOLD} ms each, media $enc, SIP over $tp"
	# shellcheck disable=SC2086
	ip netns exec "$TAG-b" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$TAG-b" \
		--log-level=error -- $common --role uas --set port.iface=vb \
		--set media.local_ip=198.18.1.2 --set media.remote_ip=198.18.1.1 \
		--set sip.listen=198.18.0.2:$port $uas_tls --set run.console=false \
		--duration $((dur + 4)) --report "$OUT/$name-uas.json" > "$OUT/$name-uas.log" 2>&1 &
	PB=$!
	sleep 2
	# shellcheck disable=SC2086
	ip netns exec "$TAG-a" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$TAG-a" \
		--log-level=error -- $common --role uac --set port.iface=va \
		--set media.local_ip=198.18.1.1 --set media.remote_ip=198.18.1.2 \
		--set sip.listen=198.18.0.1:$port --set sip.target=198.18.0.2:$port $uac_tls \
		--set call.rate=$RATE --set call.total=$CALLS --set call.hold=fixed:$HOLD \
		--set run.console=$console --duration $dur --report "$OUT/$name-uac.json" \
		> "$OUT/$name-uac.log" 2>&1 &
	PA=$!
	[ "$console" = true ] && tail -f "$OUT/$name-uac.log" --pid=$PA 2>/dev/null | grep '^\['
	wait "$PA"; ra=$?
	wait "$PB"; rb=$?
	PA= PB=
	[ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] || { echo "demo: $name: an instance failed ($ra/$rb); see $OUT"; exit 1; }
}

run plain-udp none udp
run sdes-udp sdes udp
run plain-tls none tls
run sdes-tls sdes tls
run dtls-udp dtls udp "--set media.rtcp_mux=true"

python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
names = ["plain-udp", "sdes-udp", "plain-tls", "sdes-tls", "dtls-udp"]
uac = {n: json.load(open(f"{out}/{n}-uac.json")) for n in names}
uas = {n: json.load(open(f"{out}/{n}-uas.json")) for n in names}
rows = [
    ("calls attempted", lambda a, b: a["calls"]["attempted"]),
    ("calls succeeded", lambda a, b: a["calls"]["succeeded"]),
    ("calls failed", lambda a, b: a["calls"]["failed"]),
    ("calls/s achieved", lambda a, b: round(a["calls"]["cps_achieved"], 1)),
    ("ASR %", lambda a, b: round(a["calls"]["asr_pct"], 1)),
    ("setup p50 (ms)", lambda a, b: a["sip"]["setup_ms"]["p50"]),
    ("setup p99 (ms)", lambda a, b: a["sip"]["setup_ms"]["p99"]),
    ("SIP retransmissions", lambda a, b: a["sip"]["retransmissions"]),
    ("media: SDES/DTLS/plain", lambda a, b: f'{a["calls"]["media"]["sdes"]}/{a["calls"]["media"]["dtls"]}/{a["calls"]["media"]["plain"]}'),
    ("DTLS handshake p50 (ms)", lambda a, b: a["calls"]["dtls"]["handshake_ms"]["p50"] if "dtls" in a["calls"] else "-"),
    ("media both ways (calls)", lambda a, b: a["calls"]["media"]["flowed_both_ways"]),
    ("RTP sent (UAC)", lambda a, b: a["media"]["rtp"]["tx_packets"]),
    ("RTP received (UAS)", lambda a, b: b["media"]["rtp"]["rx_packets"]),
    ("after hang-up (UAS)", lambda a, b: b["media"]["dropped"]["stream_idle"]),
    ("lost", lambda a, b: a["media"]["rtp"]["lost"] + b["media"]["rtp"]["lost"]),
    ("SRTP auth failures", lambda a, b: a["media"]["dropped"]["srtp_auth_fail"] + b["media"]["dropped"]["srtp_auth_fail"]),
    ("jitter mean (ms)", lambda a, b: round(b["media"]["jitter_mean_ms"], 4)),
    ("one-way delay p50 (us)", lambda a, b: b["media"]["one_way_delay_us"]["p50"]),
    ("MOS (G.107)", lambda a, b: round(b["media"]["mos"], 2)),
    ("pacer lateness p99 (us)", lambda a, b: a["pacing"]["lateness_us"]["p99"]),
]
print(f"\n{'':26}" + "".join(f"{n:>12}" for n in names))
for label, f in rows:
    print(f"{label:26}" + "".join(f"{str(f(uac[n], uas[n])):>12}" for n in names))
ok = all(uac[n]["calls"]["failed"] == 0 and uac[n]["calls"]["succeeded"] == uac[n]["calls"]["attempted"]
         for n in names)
print("\nevery call succeeded in every run" if ok else "\nsome calls failed: see failed_by_reason in the reports")
PY
echo "reports: $OUT/*-uac.json $OUT/*-uas.json"
