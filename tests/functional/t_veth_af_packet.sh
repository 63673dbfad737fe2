#!/bin/sh
# Two mediablast instances in two namespaces joined by a veth pair, each on
# net_af_packet, STREAMS streams both ways for DURATION s. tshark captures
# B's side of the wire; its RTP stream analysis must agree with both
# reports: packet counts and loss exactly, mean jitter within 5 %.
. tests/functional/lib.sh
: "${STREAMS:=1000}" "${DURATION:=10}"
lab_init
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
CAP=$OUT/veth.pcap
rm -f "$CAP" "$OUT"/veth-a.json "$OUT"/veth-b.json

# capture only RTP/RTCP to our ports: ARP and the rest are not media
# real-time priority: the capture must never wait behind a poll loop
bg ip netns exec "$B" chrt -f 10 dumpcap -q -n -i vb -s 128 -B 64 -w "$CAP" -f "udp portrange 20000-29999"
CAP_PID=$LAST_PID
sleep 2

common="--set port.profile=net_af_packet --set media.streams=$STREAMS \
 --set run.console=false --set media.payload=probe --duration $DURATION"
# A's worker on core 1, B's on core 0: the two poll loops never share a core
bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $common \
	--set port.iface=va --set media.local_ip=198.18.0.1 --set media.remote_ip=198.18.0.2 \
	--report "$OUT/veth-a.json"
PA=$LAST_PID
bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
	$common --set port.iface=vb --set media.local_ip=198.18.0.2 \
	--set media.remote_ip=198.18.0.1 --report "$OUT/veth-b.json"
PB=$LAST_PID

# live telemetry while running
sleep $((DURATION / 2 + 2))
if echo /mediablast/stats | dpdk-telemetry.py -f "$A" 2>/dev/null | grep -q '"tx_packets"'; then
	ok "telemetry /mediablast/stats answers"
else
	fail "telemetry /mediablast/stats did not answer"
fi
wait "$PA"; ra=$?
wait "$PB"; rb=$?
sleep 1
kill -INT "$CAP_PID"; wait "$CAP_PID" 2>/dev/null
[ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] && ok "both instances exited 0" || fail "exit codes $ra $rb"

python3 tests/functional/rtp_compare.py "$CAP" "$OUT/veth-a.json" "$OUT/veth-b.json" \
	198.18.0.1 198.18.0.2 "$STREAMS" || FAILS=$((FAILS + 1))
finish
