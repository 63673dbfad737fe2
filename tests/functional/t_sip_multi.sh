#!/bin/sh
# SIP from many local addresses: the UAC owns 198.18.6.10-198.18.6.17 on its
# veth and runs with sip.listen=198.18.6.10-198.18.6.17:5060, the UAS listens
# on 198.18.6.2:5060; media is plain RTP on DPDK net_af_packet (198.18.7.1 /
# .2). CALLS calls over UDP, then over TCP. tshark must see the calls spread
# evenly over the 8 source IPs, every dialog (INVITE, ACK, BYE) from one
# address that its Via sent-by and Contact name, and over TCP exactly one
# connection per local address, reused by all its calls. Both reports count
# every call succeeded with media both ways.
. tests/functional/lib.sh
: "${CALLS:=400}" "${RATE:=100}" "${HOLD:=1000}"
lab_init
A=$TAG-ma B=$TAG-mb
ns_pair "$A" "$B" va6 vb6
for i in 10 11 12 13 14 15 16 17; do
	ip netns exec "$A" ip addr add 198.18.6.$i/24 dev va6
done
ip netns exec "$B" ip addr add 198.18.6.2/24 dev vb6

# run TRANSPORT: one UAS + one UAC run, signaling captured on vb6
run() {
	tp=$1 cap=$OUT/multi-$tp-$TAG.pcap
	[ -n "${KEEP:-}" ] || rm -f "$cap"
	bg ip netns exec "$B" dumpcap -q -n -i vb6 -B 16 -w "$cap" -f "port 5060"
	cpid=$LAST_PID
	sleep 2
	common="--set port.profile=net_af_packet --set run.console=false \
	 --set media.encryption=none --set sip.transport=$tp --set call.limit=500"
	dur=$((CALLS / RATE + HOLD / 1000 + 6))
	# shellcheck disable=SC2086
	bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
		$common --role uas --set port.iface=vb6 --set media.local_ip=198.18.7.2 \
		--set media.remote_ip=198.18.7.1 --set sip.listen=198.18.6.2:5060 \
		--duration $((dur + 4)) --report "$OUT/multi-$tp-uas.json" > "$OUT/multi-$tp-uas.log" 2>&1
	pb=$LAST_PID
	sleep 2
	# shellcheck disable=SC2086
	bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $common \
		--role uac --set port.iface=va6 --set media.local_ip=198.18.7.1 \
		--set media.remote_ip=198.18.7.2 --set sip.listen=198.18.6.10-198.18.6.17:5060 \
		--set sip.target=198.18.6.2:5060 --set call.rate=$RATE \
		--set call.total=$CALLS --set call.hold=fixed:$HOLD --duration $dur \
		--report "$OUT/multi-$tp-uac.json" > "$OUT/multi-$tp-uac.log" 2>&1
	pa=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	sleep 1
	kill -INT "$cpid"; wait "$cpid" 2>/dev/null
	[ "$ea" -eq 0 ] && [ "$eb" -eq 0 ] || fail "$tp: exit codes uac $ea uas $eb"
	python3 tests/functional/sip_multi_check.py "$cap" "$OUT/multi-$tp-uac.json" \
		"$OUT/multi-$tp-uas.json" "$tp" "$CALLS" 8 || FAILS=$((FAILS + 1))
	[ -n "${KEEP:-}" ] || rm -f "$cap"
}

for tp in ${TRANSPORTS:-udp tcp}; do
	run "$tp"
done
finish
