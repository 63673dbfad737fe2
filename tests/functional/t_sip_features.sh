#!/bin/sh
# SIP features between a UAC and a UAS instance in two namespaces joined by
# a veth pair (signaling on kernel sockets 198.18.4.1 / .2, media on DPDK
# net_af_packet 198.18.5.1 / .2; t_sip_calls.sh uses 198.18.0/1.x).
#  hold:  CALLS SDES-SRTP calls; the UAC puts each on hold (re-INVITE
#         a=sendonly) HOLD_AFTER ms after the answer and resumes it
#         (a=sendrecv) HOLD_FOR ms later. tshark must see every call's hold
#         answered a=recvonly and its resume, the held side's SSRC must
#         pause for about HOLD_FOR while the holder's does not, and both
#         reports must count the re-INVITEs with every call succeeded and
#         no loss counted for the held time.
#  auth:  the UAS challenges (sip.auth_realm): a UAC with the right password
#         gets every call after exactly one 401 (SHA-256 and MD5 offered), a
#         UAC with a wrong one sees every call fail 403, counted by reason.
#  register: a UAC with sip.register=true and a 3-user CSV (passwords per
#         row) against a UAS challenging with the same CSV: tshark must see
#         per user REGISTER 401 REGISTER 200 before the first INVITE, and at
#         the end REGISTER Expires: 0 (challenged too) answered 200; both
#         reports count it; no password in reports or logs.
# PHASES="hold auth register" (default: all) runs a subset; KEEP=1 keeps captures.
. tests/functional/lib.sh
: "${CALLS:=50}" "${RATE:=25}" "${HOLD_AFTER:=1000}" "${HOLD_FOR:=1000}"
lab_init
A=$TAG-fa B=$TAG-fb
ns_pair "$A" "$B" fa fb
ip netns exec "$A" ip addr add 198.18.4.1/24 dev fa
ip netns exec "$B" ip addr add 198.18.4.2/24 dev fb

COMMON="--set port.profile=net_af_packet --set run.console=false \
 --set media.payload=probe --set media.encryption=sdes --set media.srtp_engine=libsrtp \
 --set sip.transport=udp --set call.limit=500"

# start_caps NAME: SIP and media captures on fb
start_caps() {
	SCAP=$OUT/feat-$1-sip-$TAG.pcap MCAP=$OUT/feat-$1-med-$TAG.pcap
	bg ip netns exec "$B" dumpcap -q -n -i fb -B 16 -w "$SCAP" -f "port 5060"
	CPID=$LAST_PID
	bg ip netns exec "$B" dumpcap -q -n -i fb -s 96 -B 64 -w "$MCAP" \
		-f "udp portrange 20000-29999"
	MPID=$LAST_PID
	sleep 2
}

stop_caps() {
	sleep 1
	kill -INT "$CPID" "$MPID"
	wait "$CPID" "$MPID" 2>/dev/null
}

# run NAME DURATION "UAS ARGS" "UAC ARGS" [UAC_EXIT UAS_EXIT]: one UAS and
# one UAC run, exiting as given (default 0 0: every call succeeded)
run() {
	name=$1 dur=$2 want_a=${5:-0} want_b=${6:-0}
	# shellcheck disable=SC2086
	bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
		$COMMON --role uas --set port.iface=fb --set media.local_ip=198.18.5.2 \
		--set media.remote_ip=198.18.5.1 --set sip.listen=198.18.4.2:5060 $3 \
		--duration $((dur + 4)) --report "$OUT/feat-$name-uas.json" \
		> "$OUT/feat-$name-uas.log" 2>&1
	pb=$LAST_PID
	sleep 2
	# shellcheck disable=SC2086
	bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $COMMON \
		--role uac --set port.iface=fa --set media.local_ip=198.18.5.1 \
		--set media.remote_ip=198.18.5.2 --set sip.listen=198.18.4.1:5060 \
		--set sip.target=198.18.4.2:5060 --set call.rate=$RATE --set call.total=$CALLS \
		--duration "$dur" $4 --report "$OUT/feat-$name-uac.json" \
		> "$OUT/feat-$name-uac.log" 2>&1
	pa=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	[ "$ea" -eq "$want_a" ] && [ "$eb" -eq "$want_b" ] ||
		fail "$name: exit codes uac $ea uas $eb, want $want_a $want_b"
}

phase_hold() {
	hold=$((HOLD_AFTER + HOLD_FOR + 2000))
	start_caps hold
	run hold $((CALLS / RATE + hold / 1000 + 6)) "" \
		"--set call.hold=fixed:$hold --set call.hold_after_ms=$HOLD_AFTER \
		 --set call.hold_for_ms=$HOLD_FOR"
	stop_caps
	python3 tests/functional/sip_features_check.py hold "$SCAP" "$MCAP" \
		"$OUT/feat-hold-uac.json" "$OUT/feat-hold-uas.json" "$CALLS" "$HOLD_FOR" ||
		FAILS=$((FAILS + 1))
	[ -n "${KEEP:-}" ] || rm -f "$SCAP" "$MCAP"
}

phase_auth() {
	for pw in right wrong; do
		start_caps "auth-$pw"
		run "auth-$pw" $((CALLS / RATE + 6)) \
			"--set sip.auth_realm=lab.test --set sip.auth_user=alice \
			 --set sip.auth_password=s3cret-pw --set call.media=false" \
			"--set sip.auth_user=alice --set sip.auth_password=$( [ $pw = right ] &&
			 echo s3cret-pw || echo not-it) --set call.hold=fixed:500 --set call.media=false" \
			"$( [ $pw = right ] && echo 0 || echo 1)" "$( [ $pw = right ] && echo 0 || echo 1)"
		stop_caps
		python3 tests/functional/sip_features_check.py "auth-$pw" "$SCAP" \
			"$OUT/feat-auth-$pw-uac.json" "$OUT/feat-auth-$pw-uas.json" "$CALLS" ||
			FAILS=$((FAILS + 1))
		if grep -q 's3cret-pw\|not-it' "$OUT"/feat-auth-$pw-ua[cs].json \
			"$OUT"/feat-auth-$pw-ua[cs].log; then
			fail "auth-$pw: a password in a report or log"
		else
			ok "auth-$pw: no password in reports or logs"
		fi
		[ -n "${KEEP:-}" ] || rm -f "$SCAP" "$MCAP"
	done
}

phase_register() {
	csv=$OUT/feat-reg-$TAG.csv
	printf 'SEQUENTIAL\nu1;pw-one-9\nu2;pw-two-9\nu3;pw-three-9\n' > "$csv"
	users="--set sip.inject_file=$csv --set sip.auth_user=[field0] \
	 --set sip.auth_password=[field1] --set call.media=false"
	start_caps register
	calls0=$CALLS CALLS=6
	run register 8 "--set sip.auth_realm=lab.test $users" \
		"$users --set sip.from_user=[field0] --set sip.register=true \
		 --set sip.register_rate=10 --set call.hold=fixed:300"
	CALLS=$calls0
	stop_caps
	python3 tests/functional/sip_features_check.py register "$SCAP" \
		"$OUT/feat-register-uac.json" "$OUT/feat-register-uas.json" 6 u1 u2 u3 ||
		FAILS=$((FAILS + 1))
	if grep -q 'pw-one-9\|pw-two-9\|pw-three-9' "$OUT"/feat-register-ua[cs].json \
		"$OUT"/feat-register-ua[cs].log; then
		fail "register: a password in a report or log"
	else
		ok "register: no password in reports or logs"
	fi
	rm -f "$csv"
	[ -n "${KEEP:-}" ] || rm -f "$SCAP" "$MCAP"
}

for ph in ${PHASES:-hold auth register}; do
	"phase_$ph"
done
finish
