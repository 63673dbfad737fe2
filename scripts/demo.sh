#!/bin/sh
# make demo: the main job on the embedded default scenario. A UAC and a UAS
# mediablast instance in two lab namespaces joined by a veth pair
# (198.18.0.0/15): SIP on kernel sockets (198.18.0.1 -> 198.18.0.2), media on
# net_af_packet (198.18.1.1 <-> 198.18.1.2). The UAC runs the same load once
# per media security mode (run.modes: plain RTP, SDES-SRTP, DTLS-SRTP with
# the handshake on the data plane's mbufs, and a dual offer) over SIP/UDP,
# then plain and SDES over SIP/TLS, against one UAS that accepts them all;
# the six reports are compared side by side (mediablast compare: what
# encryption costs, measured) and drawn in one HTML report.
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

# modes TRANSPORT MODES: a UAS accepting every mode, and a UAC running MODES
# (run.modes) one after the other, reports $OUT/uac-TRANSPORT-MODE.json
modes() {
	tp=$1 list=$2 port=5060 uas_tls="" uac_tls="" console=false
	[ "$tp" = tls ] && port=5061 && uas_tls="--set sip.tls.cert_file=$PKI/uas.pem \
		--set sip.tls.key_file=$PKI/uas.key" && uac_tls="--set sip.tls.ca_file=$PKI/ca.pem"
	common="--set port.profile=net_af_packet --set media.payload=probe \
	 --set media.srtp_engine=cryptodev --set sip.transport=$tp --set call.limit=1000"
	dur=$((CALLS / RATE + HOLD / 1000 + 3))
	echo "== SIP over $tp: $CALLS calls at $RATE/s, ${HOLD} ms each, media: $list"
	# the UAS answers until it is stopped (run.duration auto)
	# shellcheck disable=SC2086
	ip netns exec "$TAG-b" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$TAG-b" \
		--log-level=error -- $common --role uas --set port.iface=vb \
		--set media.encryption=dual --set media.policy=optional --set media.rtcp_mux=true \
		--set media.local_ip=198.18.1.2 --set media.remote_ip=198.18.1.1 \
		--set sip.listen=198.18.0.2:$port $uas_tls --set run.console=false \
		--report "$OUT/uas-$tp.json" > "$OUT/uas-$tp.log" 2>&1 &
	PB=$!
	sleep 2
	# shellcheck disable=SC2086
	ip netns exec "$TAG-a" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$TAG-a" \
		--log-level=error -- $common --role uac --set port.iface=va \
		--set media.local_ip=198.18.1.1 --set media.remote_ip=198.18.1.2 \
		--set sip.listen=198.18.0.1:$port --set sip.target=198.18.0.2:$port $uac_tls \
		--set call.rate=$RATE --set call.total=$CALLS --set call.hold=fixed:$HOLD \
		--set run.modes="$list" --set run.console=$console \
		--report "$OUT/uac-$tp.json" > "$OUT/uac-$tp.log" 2>&1
	ra=$?
	kill -INT "$PB"; wait "$PB"
	PB=
	grep -E '^  [a-z]+ +exit' "$OUT/uac-$tp.log"
	[ "$ra" -eq 0 ] || { echo "demo: SIP over $tp: a mode failed (exit $ra); see $OUT/uac-$tp.log"; exit 1; }
}

modes udp none,sdes,dtls,dual
modes tls none,sdes

echo
echo "== what each mode costs, against plain RTP over SIP/UDP (mediablast compare)"
R="$OUT/uac-udp-none.json $OUT/uac-udp-sdes.json $OUT/uac-udp-dtls.json $OUT/uac-udp-dual.json \
   $OUT/uac-tls-none.json $OUT/uac-tls-sdes.json"
# every run must keep every call and the setup p99 within 50 ms of plain's
# shellcheck disable=SC2086
"$MBL" compare $R --threshold asr'>='100 --threshold setup_ms.p99=+50 --junit "$OUT/compare.xml"
rc=$?
# shellcheck disable=SC2086
"$MBL" html $R > "$OUT/report.html" || { echo "demo: the HTML report failed"; exit 1; }
echo
echo "HTML report: $OUT/report.html   JUnit: $OUT/compare.xml   reports: $OUT/uac-*.json"
[ "$rc" -eq 0 ] || { echo "demo: a comparison threshold failed (above)"; exit 1; }
