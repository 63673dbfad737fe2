#!/bin/sh
# ICE (RFC 8445) with STUN on the data plane, between a UAC and a UAS
# instance in two namespaces joined by a veth pair: SIP/UDP on kernel
# sockets (198.18.4.1 / .2), media, STUN and DTLS on DPDK net_af_packet
# (198.18.5.1 / .2). The UAC uses media.preset = webrtc (DTLS, AVPF, mux,
# full ICE, BUNDLE). Three runs:
#  full   the UAS is a full agent too: both send checks, the UAC (offerer)
#         controls and nominates (USE-CANDIDATE); every call selects a pair
#         before any DTLS or RTP (tshark: per call, the first DTLS record on
#         the wire comes after a STUN success response), then DTLS-SRTP and
#         media both ways;
#  lite   the UAS is ICE lite: it sends no checks, only answers, and the
#         UAC controls; same outcome;
#  noice  the UAS does no ICE: its answer has none, the calls go on without
#         ICE (no agent on either side, no STUN on the wire).
# tshark's STUN dissector checks every message on the wire: binding
# requests carry USERNAME, PRIORITY, ICE-CONTROLLING/-CONTROLLED,
# MESSAGE-INTEGRITY and FINGERPRINT; responses XOR-MAPPED-ADDRESS.
. tests/functional/lib.sh
: "${CALLS:=100}" "${RATE:=50}" "${HOLD:=2000}"
lab_init
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
ip netns exec "$A" ip addr add 198.18.4.1/24 dev va
ip netns exec "$B" ip addr add 198.18.4.2/24 dev vb

# run NAME "UAS options": one UAS + one UAC (preset webrtc), captured on vb
run() {
	name=$1 uas_opt=$2
	mcap=$OUT/ice-med-$name-$TAG.pcap
	rm -f "$mcap"
	bg ip netns exec "$B" dumpcap -q -n -i vb -s 256 -B 64 -w "$mcap" \
		-f "udp portrange 20000-29999"
	mpid=$LAST_PID
	sleep 2
	common="--set port.profile=net_af_packet --set run.console=false \
	 --set media.payload=probe --set media.srtp_engine=cryptodev --set media.rtcp_mux=true \
	 --set sip.transport=udp --set call.limit=500 --set media.dtls_rto_ms=200"
	dur=$((CALLS / RATE + HOLD / 1000 + 8))
	# shellcheck disable=SC2086
	bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
		$common --role uas --set port.iface=vb --set media.local_ip=198.18.5.2 \
		--set media.remote_ip=198.18.5.1 --set sip.listen=198.18.4.2:5060 $uas_opt \
		--duration $((dur + 4)) --report "$OUT/ice-$name-uas.json" \
		> "$OUT/ice-$name-uas.log" 2>&1
	pb=$LAST_PID
	sleep 2
	# shellcheck disable=SC2086
	bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $common \
		--role uac --set media.preset=webrtc --set port.iface=va \
		--set media.local_ip=198.18.5.1 --set media.remote_ip=198.18.5.2 \
		--set sip.listen=198.18.4.1:5060 --set sip.target=198.18.4.2:5060 \
		--set call.rate=$RATE --set call.total="$CALLS" --set call.hold=fixed:$HOLD \
		--duration $dur --report "$OUT/ice-$name-uac.json" > "$OUT/ice-$name-uac.log" 2>&1
	pa=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	sleep 1
	kill -INT "$mpid"; wait "$mpid" 2>/dev/null
	[ "$ea" -eq 0 ] && [ "$eb" -eq 0 ] || fail "$name: exit codes uac $ea uas $eb"
	python3 tests/functional/ice_check.py "$name" "$CALLS" "$mcap" "$OUT/ice-$name-uac.json" \
		"$OUT/ice-$name-uas.json" || FAILS=$((FAILS + 1))
	[ -n "${KEEP:-}" ] || rm -f "$mcap"
}

uas_dtls="--set media.encryption=dtls --set media.feedback=avpf"
run full "$uas_dtls --set media.ice=full"
run lite "$uas_dtls --set media.ice=lite"
run noice "$uas_dtls"
finish
