#!/bin/sh
# DTLS-SRTP calls (RFC 5763/5764) between a UAC and a UAS instance in two
# namespaces joined by a veth pair: SIP/UDP on kernel sockets (198.18.2.1
# / .2), media and the DTLS handshakes on DPDK net_af_packet (198.18.3.1 /
# .2). Four runs:
#  dtls   both ends DTLS-only: every call's handshake completes (reports and
#         tshark: ClientHello + ServerHello per call on the media ports),
#         SRTP flows both ways with the exported keys, the key log holds
#         them (0600) and nothing else does;
#  dual   the UAC offers SDES and DTLS in one SDP, a DTLS-only UAS picks
#         DTLS: every call reports dtls;
#  dual-sdes  the same offer to an SDES-only UAS: every call reports sdes;
#  noprof the two ends share no use_srtp profile: every call fails on both
#         sides with reason dtls_no_srtp_profile and no media is sent;
#  hold   DTLS calls put on hold and resumed by re-INVITEs: the re-offers keep
#         the DTLS association (same fingerprint and roles, RFC 8842 5), so
#         no second handshake happens and every re-INVITE is answered 200.
. tests/functional/lib.sh
: "${CALLS:=400}" "${RATE:=100}" "${HOLD:=2000}"
lab_init
export MEDIA_A=198.18.3.1 MEDIA_B=198.18.3.2 CSV_USERS=0
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
ip netns exec "$A" ip addr add 198.18.2.1/24 dev va
ip netns exec "$B" ip addr add 198.18.2.2/24 dev vb

# run NAME CALLS "UAC options" "UAS options" [EXIT]: one UAS + one UAC,
# captured on vb; both must exit EXIT (default 0; 1 when the case fails
# every call)
run() {
	name=$1 n=$2 uac_opt=$3 uas_opt=$4 want=${5:-0}
	cap=$OUT/dtls-sip-$name-$TAG.pcap mcap=$OUT/dtls-med-$name-$TAG.pcap
	rm -f "$cap" "$mcap"
	bg ip netns exec "$B" dumpcap -q -n -i vb -B 16 -w "$cap" -f "port 5060"
	cpid=$LAST_PID
	bg ip netns exec "$B" dumpcap -q -n -i vb -s 128 -B 64 -w "$mcap" \
		-f "udp portrange 20000-29999"
	mpid=$LAST_PID
	sleep 2
	common="--set port.profile=net_af_packet --set run.console=false \
	 --set media.payload=probe --set media.srtp_engine=cryptodev --set media.rtcp_mux=true \
	 --set sip.transport=udp --set call.limit=1000 --set media.dtls_rto_ms=200"
	dur=$((n / RATE + HOLD / 1000 + 8))
	# shellcheck disable=SC2086
	bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
		$common --role uas --set port.iface=vb --set media.local_ip=198.18.3.2 \
		--set media.remote_ip=198.18.3.1 --set sip.listen=198.18.2.2:5060 $uas_opt \
		--duration $((dur + 4)) --report "$OUT/dtls-$name-uas.json" \
		> "$OUT/dtls-$name-uas.log" 2>&1
	pb=$LAST_PID
	sleep 2
	# shellcheck disable=SC2086
	bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $common \
		--role uac --set port.iface=va --set media.local_ip=198.18.3.1 \
		--set media.remote_ip=198.18.3.2 --set sip.listen=198.18.2.1:5060 \
		--set sip.target=198.18.2.2:5060 --set call.rate=$RATE \
		--set call.total="$n" --set call.hold=fixed:$HOLD --duration $dur $uac_opt \
		--report "$OUT/dtls-$name-uac.json" > "$OUT/dtls-$name-uac.log" 2>&1
	pa=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	sleep 1
	kill -INT "$cpid" "$mpid"; wait "$cpid" "$mpid" 2>/dev/null
	[ "$ea" -eq "$want" ] && [ "$eb" -eq "$want" ] ||
		fail "$name: exit codes uac $ea uas $eb, want $want"
}

# 1. DTLS-SRTP on both ends, with the key log
keys=$OUT/dtls-keys-$TAG.log
run dtls "$CALLS" "--set media.encryption=dtls --set run.key_log=$keys \
	--set media.crypto_suites=AEAD_AES_128_GCM,AES_CM_128_HMAC_SHA1_80" \
	"--set media.encryption=dtls --set media.crypto_suites=AES_CM_128_HMAC_SHA1_80,AEAD_AES_128_GCM"
python3 tests/functional/sip_check.py "$cap" "$mcap" "$OUT/dtls-dtls-uac.json" \
	"$OUT/dtls-dtls-uas.json" udp "$CALLS" 5060 dtls || FAILS=$((FAILS + 1))
n=$(grep -c '^SRTP \(tx\|rx\) 198.18.3.1:' "$keys" 2>/dev/null)
mode=$(stat -c %a "$keys" 2>/dev/null)
[ "$n" = $((CALLS * 2)) ] && [ "$mode" = 600 ] &&
	ok "dtls: key log: $n lines (the exported tx + rx keys per call), mode $mode" ||
	fail "dtls: key log: $n lines, mode $mode (want $((CALLS * 2)), 600)"
# the client's preference (GCM first) wins: RFC 5764 4.1.2 lets the server
# pick, OpenSSL's server takes the first of the client's list it supports
g=$(grep -c 'AEAD_AES_128_GCM inline:' "$keys" 2>/dev/null)
[ "$g" = "$n" ] && ok "dtls: every call agreed on AEAD_AES_128_GCM ($g key lines)" ||
	fail "dtls: $g of $n key lines are AEAD_AES_128_GCM"
k=$(awk 'NR == 1 { sub(/.*inline:/, ""); print substr($0, 1, 20) }' "$keys")
if [ -n "$k" ] && grep -qF "$k" "$OUT"/dtls-dtls-ua[cs].json "$OUT"/dtls-dtls-ua[cs].log; then
	fail "dtls: key material in a report or log"
else
	ok "dtls: keys only in the key log"
fi
rm -f "$keys"
[ -n "${KEEP:-}" ] || rm -f "$cap" "$mcap"

# 2. dual offer, DTLS-only answerer
m=$((CALLS / 4))
run dual "$m" "--set media.encryption=dual" "--set media.encryption=dtls"
python3 tests/functional/sip_check.py "$cap" "$mcap" "$OUT/dtls-dual-uac.json" \
	"$OUT/dtls-dual-uas.json" udp "$m" 5060 dtls || FAILS=$((FAILS + 1))
[ -n "${KEEP:-}" ] || rm -f "$cap" "$mcap"

# 3. dual offer, SDES-only answerer
run dual-sdes "$m" "--set media.encryption=dual" "--set media.encryption=sdes"
python3 tests/functional/sip_check.py "$cap" "$mcap" "$OUT/dtls-dual-sdes-uac.json" \
	"$OUT/dtls-dual-sdes-uas.json" udp "$m" 5060 sdes || FAILS=$((FAILS + 1))
[ -n "${KEEP:-}" ] || rm -f "$cap" "$mcap"

# 4. no common use_srtp profile: the handshake completes without one
# (RFC 5764 4.1.3: the server leaves use_srtp out), so no keys: every call
# fails on both sides. The UAC (DTLS server) sees it first and hangs up; the
# UAS (client) may get that BYE before its own last flight: then its reason
# is dtls_unfinished - still a failed call, never a succeeded one.
f=20
run noprof "$f" "--set media.encryption=dtls --set media.crypto_suites=AEAD_AES_128_GCM" \
	"--set media.encryption=dtls --set media.crypto_suites=AES_CM_128_HMAC_SHA1_80" 1
python3 - "$OUT/dtls-noprof-uac.json" "$OUT/dtls-noprof-uas.json" "$f" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
f, bad = int(sys.argv[3]), 0
for side, path in (("uac", sys.argv[1]), ("uas", sys.argv[2])):
    r = json.load(open(path))
    c, why = r["calls"], r["calls"]["failed_by_reason"]
    dt = sum(v for k, v in why.items() if k.startswith("dtls_"))
    want = why.get("dtls_no_srtp_profile", 0) == f if side == "uac" else dt == f
    ok = (c["succeeded"] == 0 and c["failed"] == f and want and
          r["media"]["rtp"]["tx_packets"] == 0 and c["dtls"]["completed"] == 0)
    print(("PASS" if ok else "FAIL") + f": noprof: {side}: {c['failed']}/{f} calls failed "
          f"{why}, {c['succeeded']} succeeded, RTP sent {r['media']['rtp']['tx_packets']}")
    bad += not ok
sys.exit(1 if bad else 0)
PY
[ -n "${KEEP:-}" ] || rm -f "$cap" "$mcap"

# 5. hold and resume on DTLS-SRTP calls
h=20
run hold "$h" "--set media.encryption=dtls --set call.hold_after_ms=800 --set call.hold_for_ms=800" \
	"--set media.encryption=dtls"
python3 - "$OUT/dtls-hold-uac.json" "$OUT/dtls-hold-uas.json" "$h" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
h, bad = int(sys.argv[3]), 0
for side, path in (("uac", sys.argv[1]), ("uas", sys.argv[2])):
    r = json.load(open(path))
    c, d, ri = r["calls"], r["calls"]["dtls"], r["sip"]["reinvites"]
    n = ri["answered_ok"] if side == "uac" else ri["accepted"]
    ok = (c["succeeded"] == h and c["failed"] == 0 and d["handshakes"] == h and
          d["completed"] == h and n == 2 * h and c["media"]["flowed_both_ways"] == h and
          r["media"]["dropped"]["srtp_auth_fail"] == 0)
    print(("PASS" if ok else "FAIL") + f": hold: {side}: {c['succeeded']}/{h} calls, "
          f"{d['completed']}/{d['handshakes']} handshakes (one per call), re-INVITEs "
          f"{'answered 200' if side == 'uac' else 'accepted'} {n}/{2 * h} {ri}, "
          f"auth failures {r['media']['dropped']['srtp_auth_fail']}")
    bad += not ok
sys.exit(1 if bad else 0)
PY
[ -n "${KEEP:-}" ] || rm -f "$cap" "$mcap"
finish
