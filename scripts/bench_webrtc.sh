#!/bin/sh
# WebRTC call set-up rate between two mediablast instances on this machine:
# calls set up (SIP, ICE checks to a selected pair, DTLS-SRTP handshake,
# media both ways) and torn down per second with SIP over WSS and the
# webrtc preset (ICE full, DTLS, AVPF, mux, BUNDLE), against DTLS-SRTP over
# SIP/UDP without ICE in the same run, same ladder, same machine.
# Two namespaces joined by a veth pair (198.18.6.x SIP, 198.18.7.x media on
# net_af_packet). A rate counts as sustained when every call of SECONDS x
# rate succeeded with its handshake done and media both ways, and the
# achieved rate is within 3 % of it; a failed step is run once more before
# the ladder stops (this machine is shared). The figure is the highest
# rate sustained.
#   BENCH dtls_setup_s <v> calls/s
#   BENCH webrtc_setup_s <v> calls/s vs dtls_setup_s <v> ratio <r>
# Environment: BENCH_WEBRTC_SECONDS (default 10), WEBRTC_LADDER.
set -u
BIN=${1:-build/mediablast}
SECS=${BENCH_WEBRTC_SECONDS:-10}
LADDER=${WEBRTC_LADDER:-"100 200 400 600 800 1000 1150 1300 1600"}
TAG=bwrtc$$
A=$TAG-a B=$TAG-b
PIDS=""
W=/tmp/$TAG

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf /var/run/dpdk/"$TAG"-* "$W" 2>/dev/null
}
trap 'cleanup; exit 1' INT TERM
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || { echo "bench: webrtc needs root (netns): no figure" >&2; exit 0; }
mkdir -p "$W"
ip netns add "$A" && ip netns add "$B" &&
	ip link add va netns "$A" type veth peer name vb netns "$B" || exit 1
for x in "$A:va" "$B:vb"; do
	ns=${x%%:*} ifc=${x#*:}
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$ns" ip link set lo up
	ip netns exec "$ns" ip link set "$ifc" up
done
ip netns exec "$A" ip addr add 198.18.6.1/24 dev va
ip netns exec "$B" ip addr add 198.18.6.2/24 dev vb
sh "$(dirname "$0")/lab_pki.sh" "$W" uas IP:198.18.6.2 || exit 1

# try MODE RATE: 0 when MODE (dtls or webrtc) sustained RATE calls/s
try() {
	mode=$1 r=$2 n=$(($2 * SECS))
	lim=$((r * 2 + 100))
	common="--set port.profile=net_af_packet --set run.console=false \
	 --set media.rtcp_mux=true --set media.srtp_engine=cryptodev --set call.limit=$lim \
	 --set sip.max_transactions=$((r * 70 + 1000))"
	if [ "$mode" = webrtc ]; then
		uas="--set media.preset=webrtc --set sip.transport=wss \
		 --set sip.tls.cert_file=$W/uas.pem --set sip.tls.key_file=$W/uas.key"
		uac="--set media.preset=webrtc --set sip.transport=wss --set sip.tls.ca_file=$W/ca.pem"
		port=5061
	else
		uas="--set media.encryption=dtls" uac=$uas port=5060
	fi
	# shellcheck disable=SC2086
	timeout -k 5 $((SECS + 60)) ip netns exec "$B" "$BIN" --no-huge -m 1024 -l 0-1 \
		--main-lcore 1 --file-prefix "$B" -- $common $uas --role uas --set port.iface=vb \
		--set media.local_ip=198.18.7.2 --set media.remote_ip=198.18.7.1 \
		--set sip.listen=198.18.6.2:$port --duration $((SECS + 40)) \
		--report "$W/uas.json" > "$W/uas.log" 2>&1 &
	sp=$!
	PIDS="$PIDS $sp"
	sleep 3
	# hold 500 ms: long enough for every call's media both ways
	# shellcheck disable=SC2086
	timeout -k 5 $((SECS + 50)) ip netns exec "$A" "$BIN" --no-huge -m 1024 -l 0-1 \
		--file-prefix "$A" -- $common $uac --role uac --set port.iface=va \
		--set media.local_ip=198.18.7.1 --set media.remote_ip=198.18.7.2 \
		--set sip.listen=198.18.6.1:$port --set sip.target=198.18.6.2:$port \
		--set call.rate="$r" --set call.total="$n" --set call.hold=fixed:500 \
		--duration $((SECS + 20)) --report "$W/uac.json" > "$W/uac.log" 2>&1
	kill -TERM "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
	python3 - "$W/uac.json" "$mode" "$r" "$n" <<'PY'
import json, sys
mode, r, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
try:
    c = json.load(open(sys.argv[1]))["calls"]
except Exception as e:
    print("bench: %s: no report (%s)" % (mode, e), file=sys.stderr)
    sys.exit(1)
ice = c.get("ice", {}).get("selected", n) if mode == "webrtc" else n
ok = (c["succeeded"] == n and c["failed"] == 0 and c["media"]["flowed_both_ways"] == n and
      c["dtls"]["completed"] == n and ice == n and c["cps_achieved"] >= 0.97 * r)
print("bench: %s %d calls/s: %d/%d ok, %d failed %s, ICE %d, %.0f calls/s achieved: %s"
      % (mode, r, c["succeeded"], n, c["failed"], c["failed_by_reason"], ice,
         c["cps_achieved"], "sustained" if ok else "NOT sustained"), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

ladder() {
	best=0
	for r in $LADDER; do
		try "$1" "$r" || try "$1" "$r" || break
		best=$r
	done
	echo "$best"
}

dtls=$(ladder dtls)
echo "BENCH dtls_setup_s $dtls calls/s"
if "$BIN" --no-huge --no-pci -- --help 2>/dev/null | grep -q 'wss'; then
	webrtc=$(ladder webrtc)
	ratio=$(python3 -c "print('%.3f' % ($webrtc / $dtls))" 2>/dev/null || echo nan)
	echo "BENCH webrtc_setup_s $webrtc calls/s vs dtls_setup_s $dtls ratio $ratio"
else
	echo "bench: this build has no sip.transport = wss: no webrtc_setup_s" >&2
fi
