#!/bin/sh
# SIP calls with SDES-SRTP media between a UAC and a UAS instance in two
# namespaces joined by a veth pair: signaling on kernel sockets
# (198.18.0.1 / .2), media on DPDK net_af_packet (198.18.1.1 / .2, the
# data plane answers ARP for them). CALLS calls over UDP, then TCP, then
# TLS (a CA and a server certificate for 198.18.0.2 made here). Both
# reports must count every call attempted and succeeded with media both
# ways; tshark must see every dialog complete (INVITE 200, ACK, BYE 200)
# and each call's SRTP (a fresh SSRC per call) in both directions, never
# the plaintext probe payload.
. tests/functional/lib.sh
: "${CALLS:=2000}" "${RATE:=250}" "${HOLD:=2000}"
lab_init
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
ip netns exec "$A" ip addr add 198.18.0.1/24 dev va
ip netns exec "$B" ip addr add 198.18.0.2/24 dev vb
PKI=$OUT/pki-$TAG
mkdir -p "$PKI"

make_pki() {
	sh scripts/lab_pki.sh "$PKI" uas DNS:uas.test,IP:198.18.0.2
}

# run TRANSPORT: one UAS + one UAC run, captured on vb
run() {
	tp=$1 cap=$OUT/sip-$tp-$TAG.pcap mcap=$OUT/med-$tp-$TAG.pcap
	port=5060
	[ "$tp" = tls ] && port=5061
	tls_uas="" tls_uac="" extra=""
	# UDP run: users from a SIPp CSV file, and the SRTP key log
	if [ "$tp" = udp ]; then
		printf 'SEQUENTIAL\n# user;domain\n' > "$OUT/users-$TAG.csv"
		for u in 0 1 2 3 4 5 6 7 8 9; do printf 'user%s;x\n' "$u"; done >> "$OUT/users-$TAG.csv"
		extra="--set sip.inject_file=$OUT/users-$TAG.csv --set sip.to_user=[field0]
		 --set run.key_log=$OUT/keys-$TAG.log"
	fi
	if [ "$tp" = tls ]; then
		tls_uas="--set sip.tls.cert_file=$PKI/uas.pem --set sip.tls.key_file=$PKI/uas.key"
		tls_uac="--set sip.tls.ca_file=$PKI/ca.pem"
	fi
	[ -n "${KEEP:-}" ] || rm -f "$cap" "$mcap"
	bg ip netns exec "$B" dumpcap -q -n -i vb -B 16 -w "$cap" -f "port $port"
	cpid=$LAST_PID
	bg ip netns exec "$B" dumpcap -q -n -i vb -s 96 -B 64 -w "$mcap" \
		-f "udp portrange 20000-29999"
	mpid=$LAST_PID
	sleep 2
	common="--set port.profile=net_af_packet --set run.console=false \
	 --set media.payload=probe --set media.encryption=sdes --set media.srtp_engine=cryptodev \
	 --set media.crypto_suites=AES_CM_128_HMAC_SHA1_80,AEAD_AES_128_GCM \
	 --set sip.transport=$tp --set call.limit=1500"
	dur=$((CALLS / RATE + HOLD / 1000 + 6))
	# shellcheck disable=SC2086
	bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
		$common --role uas --set port.iface=vb --set media.local_ip=198.18.1.2 \
		--set media.remote_ip=198.18.1.1 --set sip.listen=198.18.0.2:$port $tls_uas \
		--duration $((dur + 4)) --report "$OUT/sip-$tp-uas.json" > "$OUT/sip-$tp-uas.log" 2>&1
	pb=$LAST_PID
	sleep 2
	# shellcheck disable=SC2086
	bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $common \
		--role uac --set port.iface=va --set media.local_ip=198.18.1.1 \
		--set media.remote_ip=198.18.1.2 --set sip.listen=198.18.0.1:$port \
		--set sip.target=198.18.0.2:$port $tls_uac --set call.rate=$RATE \
		--set call.total=$CALLS --set call.hold=fixed:$HOLD --duration $dur $extra \
		--report "$OUT/sip-$tp-uac.json" > "$OUT/sip-$tp-uac.log" 2>&1
	pa=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	sleep 1
	kill -INT "$cpid" "$mpid"; wait "$cpid" "$mpid" 2>/dev/null
	[ "$ea" -eq 0 ] && [ "$eb" -eq 0 ] || fail "$tp: exit codes uac $ea uas $eb"
	python3 tests/functional/sip_check.py "$cap" "$mcap" "$OUT/sip-$tp-uac.json" \
		"$OUT/sip-$tp-uas.json" "$tp" "$CALLS" "$port" || FAILS=$((FAILS + 1))
	if [ "$tp" = udp ]; then
		keys=$OUT/keys-$TAG.log
		n=$(grep -c '^SRTP \(tx\|rx\) 198.18.1.1:' "$keys" 2>/dev/null)
		mode=$(stat -c %a "$keys" 2>/dev/null)
		[ "$n" = $((CALLS * 2)) ] && [ "$mode" = 600 ] &&
			ok "udp: key log: $n lines (tx + rx per call), mode $mode" ||
			fail "udp: key log: $n lines, mode $mode (want $((CALLS * 2)), 600)"
		k=$(awk 'NR == 1 { sub(/.*inline:/, ""); print substr($0, 1, 20) }' "$keys")
		if [ -n "$k" ] && grep -qF "$k" "$OUT"/sip-udp-ua[cs].json "$OUT"/sip-udp-ua[cs].log; then
			fail "udp: key material in a report or log"
		else
			ok "udp: keys only in the key log"
		fi
		rm -f "$keys" "$OUT/users-$TAG.csv"
	fi
	[ -n "${KEEP:-}" ] || rm -f "$cap" "$mcap"
}

make_pki
for tp in ${TRANSPORTS:-udp tcp tls}; do
	run "$tp"
done
rm -rf "$PKI"
finish
