#!/bin/sh
# Interop: kamailio + rtpengine (Debian) as an SBC between two mediablast
# instances, the media anchored in rtpengine (userspace forwarding, both
# legs re-encrypted by it where SRTP). Three namespaces:
#   A  the UAC: SIP on va 198.18.0.1, media on af_packet va 198.18.1.1
#   B  the SBC: kamailio (record-routing, rtpengine_offer on the INVITE,
#      rtpengine_answer on the 200, rtpengine_delete on BYE or a failure)
#      on 198.18.0.2 and 198.18.2.2; rtpengine with interface a/198.18.0.2
#      and c/198.18.2.2, driven over ng on 127.0.0.1:22222
#   C  the UAS: SIP on vc 198.18.2.1, media on af_packet vc 198.18.3.1
# B routes the two media subnets onto its veths, so rtpengine reaches the
# data planes (they answer ARP for their media addresses). Each case is one
# Request-URI user: kamailio picks that case's rtpengine flags by it.
# Cases (CALLS calls each, media.payload=probe):
#   plain         RTP/AVP both legs
#   sdes          SDES both legs, rtpengine's default offer to the UAS (a
#                 dozen a=crypto lines, some keys unpadded base64)
#   sdes-suites   SDES both legs, rtpengine offering AES_CM_128_HMAC_SHA1_80 only
#   sdes-plain    SDES toward the UAC, RTP/AVP toward the UAS
#   dtls-sdes     DTLS-SRTP toward the UAC (rtpengine active, its default),
#                 SDES toward the UAS
#   dtls-passive  the same with rtpengine passive (DTLS=passive)
#   dual          the UAC offers SDES and DTLS in one SDP, SDES toward the UAS
#   webrtc-plain  rtpengine as a WebRTC gateway: a UAC with the webrtc preset
#                 (ICE full, DTLS, AVPF, mux) bridged to a plain UAS
#   wss-webrtc-plain  the WebRTC-to-SIP gateway users deploy: the same UAC
#                 with its SIP over WSS to kamailio's websocket module (TLS
#                 on 198.18.0.2:4443, xhttp does the upgrade, Contact alias
#                 for the WS client), the UAS on SIP/UDP, rtpengine's flags
#                 as webrtc-plain. The WSS leg is encrypted: its SDP is
#                 checked on the UAS leg only. Left out (SKIP) without
#                 kamailio's tls, xhttp and websocket modules
#   plain-webrtc-lite / -full  a plain UAC bridged to a UAS that rtpengine
#                 offers ICE + DTLS + SAVPF, the UAS ICE lite / full
#   (the four WebRTC cases: WEBRTC_CALLS calls each, default 200; every
#   call selects a pair with no bad check, and media sent before that leg is
#   up may be lost at call starts only: see sbc_check.py)
# Every case: every call answered and succeeded on both sides, media both
# ways on every call with the security asked for, loss under 0.5 % each
# way (sent vs received + after hang-up + the UAS's first packets rtpengine
# refused before it had the answer, at most 3 a call: see sbc_check.py), no
# SRTP authentication failure, no corrupt probe, one-way delay measured;
# the SDP each leg carried is what the case means (tshark on B's veths);
# rtpengine listed every call while up (ng list, query), logged RTP from
# both ends on each, ended all by delete and holds none afterwards (ng
# statistics, list). RTPE_LOG_LEVEL=7 logs every packet and key: debugging only.
. tests/functional/lib.sh
: "${CALLS:=50}" "${RATE:=25}" "${HOLD:=3000}"
# the WebRTC-gateway cases (ICE + DTLS on one leg) run more calls, faster
: "${WEBRTC_CALLS:=200}" "${WEBRTC_RATE:=50}"
# CASES: the cases to run (names below), in the order given
: "${CASES:=plain sdes sdes-suites sdes-plain dtls-sdes dtls-passive dual webrtc-plain wss-webrtc-plain plain-webrtc-lite plain-webrtc-full}"
KAM=${KAMAILIO:-kamailio}
RTPE=${RTPENGINE:-rtpengine}
command -v "$KAM" >/dev/null 2>&1 || { echo "SKIP: kamailio not installed (scripts/deps.sh)"; exit 77; }
command -v "$RTPE" >/dev/null 2>&1 || { echo "SKIP: rtpengine not installed (scripts/deps.sh)"; exit 77; }
MP=$(dirname "$(find /usr/lib -path '*kamailio/modules/rtpengine.so' | head -1)")
[ -f "$MP/tm.so" ] || { echo "SKIP: kamailio's rtpengine module not installed"; exit 77; }
# the WSS case needs kamailio's TLS and WebSocket modules: without them,
# leave it out (kamailio's config has it under #!ifdef WITH_WSS)
WSS=1
for m in tls xhttp websocket nathelper; do
	[ -f "$MP/$m.so" ] || WSS=0
done
if [ "$WSS" = 0 ]; then
	case " $CASES " in *" wss-webrtc-plain "*)
		echo "SKIP: kamailio-tls-modules / kamailio-websocket-modules not installed" \
			"(scripts/deps.sh): wss-webrtc-plain"
		CASES=$(echo " $CASES " | sed 's/ wss-webrtc-plain / /g') ;;
	esac
fi
lab_init
A=$TAG-a B=$TAG-b C=$TAG-c
ns_add "$A"; ns_add "$B"; ns_add "$C"
ns_link "$A" va "$B" vb
ns_link "$C" vc "$B" vbc
ip netns exec "$A" ip addr add 198.18.0.1/24 dev va
ip netns exec "$B" ip addr add 198.18.0.2/24 dev vb
ip netns exec "$B" ip addr add 198.18.2.2/24 dev vbc
ip netns exec "$C" ip addr add 198.18.2.1/24 dev vc
ip netns exec "$B" ip route add 198.18.1.0/24 dev vb    # the UAC's media, on-link
ip netns exec "$B" ip route add 198.18.3.0/24 dev vbc   # the UAS's media, on-link
# veth leaves UDP checksums to the receiver (offload): rtpengine's packets
# would reach af_packet unfinished, so B's veths checksum in software
ip netns exec "$B" ethtool -K vb tx off > /dev/null 2>&1
ip netns exec "$B" ethtool -K vbc tx off > /dev/null 2>&1
K=$(cd "$OUT" && pwd)/sbc-$TAG  # kamailio changes directory: absolute paths
mkdir -p "$K"
lab_tmp "$K"
NG="ip netns exec $B python3 tests/functional/sbc_check.py"
# kamailio's certificate for the WSS listener, verified by the UAC
KDEF=""
if [ "$WSS" = 1 ]; then
	KDEF="-A WITH_WSS"
	sh scripts/lab_pki.sh "$K" sbc IP:198.18.0.2
	cat > "$K/tls.cfg" <<EOT
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $K/sbc.key
certificate = $K/sbc.pem
EOT
fi

# --delete-delay=1: a deleted call keeps relaying for a second, so media
# still in flight at BYE reaches the receiver (counted after hang-up there)
# instead of dying at a closed port
bg ip netns exec "$B" "$RTPE" --config-file=none --foreground --log-stderr -L "${RTPE_LOG_LEVEL:-6}" \
	--table=-1 --interface=a/198.18.0.2 --interface=c/198.18.2.2 \
	--listen-ng=127.0.0.1:22222 --port-min=30000 --port-max=40000 --delete-delay=1 \
	--num-threads=2 > "$OUT/sbc-rtpengine.log" 2>&1
RPID=$LAST_PID
$NG ping || { fail "rtpengine does not answer ng ping (see $OUT/sbc-rtpengine.log)"; finish; }

# rtpengine flags per case, toward the UAS (offer) and the UAC (answer). The
# restricted list leaves rtpengine one SDES suite, AES_CM_128_HMAC_SHA1_80
# (10.5 has SDES-no-, not SDES-only-: every other suite it knows is named).
# Our DTLS-SRTP needs rtcp-mux, the SDES UAS does not use it: rtpengine
# accepts it from the UAC and demultiplexes toward the UAS (rtcp-mux-demux).
NO=""
for s in AEAD_AES_256_GCM AEAD_AES_128_GCM AES_256_CM_HMAC_SHA1_80 AES_256_CM_HMAC_SHA1_32 \
	AES_192_CM_HMAC_SHA1_80 AES_192_CM_HMAC_SHA1_32 AES_CM_128_HMAC_SHA1_32 \
	F8_128_HMAC_SHA1_80 F8_128_HMAC_SHA1_32 NULL_HMAC_SHA1_80 NULL_HMAC_SHA1_32; do
	NO="$NO SDES-no-$s"
done
cat > "$K/kamailio.cfg" <<EOT
#!KAMAILIO
debug=1
log_stderror=yes
children=2
listen=udp:198.18.0.2:5060
listen=udp:198.18.2.2:5060
mhomed=1
mpath="$MP/"
#!ifdef WITH_WSS
# the WebRTC-to-SIP front: SIP over WSS from the WebRTC side
tcp_children=2
listen=tls:198.18.0.2:4443
enable_tls=yes
tcp_accept_no_cl=yes
#!endif
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "textopsx.so"
loadmodule "rtpengine.so"
#!ifdef WITH_WSS
loadmodule "nathelper.so"
loadmodule "tls.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"
modparam("tls", "config", "$K/tls.cfg")
modparam("nathelper", "received_avp", "\$avp(RECEIVED)")
#!endif
modparam("rr", "enable_double_rr", 1)
modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:22222")

# the case is the To user (the Request-URI user of the INVITE)
route[FLAGS] {
	\$var(offer) = "direction=a direction=c";
	\$var(answer) = "";
	switch (\$tU) {
	case "plain":
		break;
	case "sdes":
		\$var(offer) = \$var(offer) + " RTP/SAVP";
		break;
	case "sdes-suites":
		\$var(offer) = \$var(offer) + " RTP/SAVP$NO";
		break;
	case "sdes-plain":
		\$var(offer) = \$var(offer) + " RTP/AVP";
		break;
	case "dtls-sdes":
		\$var(offer) = \$var(offer) + " RTP/SAVP$NO rtcp-mux-demux";
		break;
	case "dtls-passive":
		\$var(offer) = \$var(offer) + " RTP/SAVP$NO rtcp-mux-demux DTLS=passive";
		\$var(answer) = "DTLS=passive";
		break;
	case "dual":
		\$var(offer) = \$var(offer) + " RTP/SAVP$NO rtcp-mux-demux";
		break;
	# rtpengine as the WebRTC gateway: ICE, DTLS, rtcp-mux, SAVPF on one
	# leg, plain RTP on the other
	case "webrtc-plain":
	case "wss-webrtc-plain":
		\$var(offer) = \$var(offer) + " RTP/AVP ICE=remove rtcp-mux-demux";
		break;
	case "plain-webrtc-lite":
	case "plain-webrtc-full":
		\$var(offer) = \$var(offer) + " UDP/TLS/RTP/SAVPF ICE=force rtcp-mux-require";
		\$var(answer) = "RTP/AVP ICE=remove";
		break;
	}
}

request_route {
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
#!ifdef WITH_WSS
	# a WebSocket client: its Contact gets an alias (the connection it
	# came on), so that requests toward it find that connection
	if (nat_uac_test("64")) add_contact_alias();
#!endif
	if (has_totag()) {
		if (loose_route()) {
#!ifdef WITH_WSS
			handle_ruri_alias();
#!endif
			if (is_method("BYE")) rtpengine_delete();
			t_relay();
			exit;
		}
		if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
		sl_send_reply("404", "Not here"); exit;
	}
	if (is_method("CANCEL")) {
		if (t_check_trans()) { rtpengine_delete(); t_relay(); }
		exit;
	}
	if (is_method("INVITE")) {
		record_route();
		route(FLAGS);
		if (has_body("application/sdp") && !rtpengine_offer("\$var(offer)")) {
			sl_send_reply("503", "rtpengine offer failed"); exit;
		}
		t_on_reply("ANSWER");
	}
	\$du = "sip:198.18.2.1:5060;transport=udp";
	if (!t_relay()) sl_reply_error();
}

onreply_route[ANSWER] {
	if (t_check_status("2[0-9][0-9]") && has_body("application/sdp")) {
		route(FLAGS);
		rtpengine_answer("\$var(answer)");
	} else if (t_check_status("[3-6][0-9][0-9]")) {
		rtpengine_delete();
	}
}

#!ifdef WITH_WSS
# xhttp hands the HTTP upgrade to the websocket module
event_route[xhttp:request] {
	set_reply_close();
	set_reply_no_connect();
	if (\$hdr(Upgrade) =~ "websocket" && \$hdr(Connection) =~ "Upgrade" && \$rm =~ "GET") {
		if (ws_handle_handshake()) exit;
	}
	xhttp_reply("404", "Not Found", "", "");
}
#!endif
EOT
# shellcheck disable=SC2086
ip netns exec "$B" "$KAM" $KDEF -f "$K/kamailio.cfg" -c > "$K/check.log" 2>&1 ||
	{ fail "kamailio config check: $(tail -3 "$K/check.log")"; finish; }
# shellcheck disable=SC2086
bg ip netns exec "$B" "$KAM" $KDEF -f "$K/kamailio.cfg" -DD -E -Y "$K" -P "$K/kam.pid" -m 64 \
	> "$OUT/sbc-kamailio.log" 2>&1
# until kamailio listens on its last socket (a fixed sleep is too short on
# a loaded machine), 30 s at most
want="198.18.2.2:5060"
[ "$WSS" = 0 ] || want="198.18.0.2:4443"
for _ in $(seq 1 150); do
	ip netns exec "$B" ss -ltnu 2>/dev/null | grep -qF "$want" && break
	sleep 0.2
done
ip netns exec "$B" ss -ltnu 2>/dev/null | grep -qF "$want" ||
	{ fail "kamailio does not listen on $want (see $OUT/sbc-kamailio.log)"; finish; }

# run CASE UAC_ENCRYPTION UAS_ENCRYPTION [UAC options] [UAS options]
run() {
	name=$1 cap=$OUT/sbc-$1-$TAG.pcap
	rm -f "$cap"
	[ -n "${KEEP:-}" ] || lab_tmp "$cap"
	# rtpengine's SDES offers outgrow the MTU: keep the IP fragments too;
	# and the WSS leg (TLS: tshark sees its handshake, not the SIP inside)
	f="udp port 5060 or tcp port 4443 or (ip[6:2] & 0x3fff != 0)"
	bg ip netns exec "$B" dumpcap -q -n -B 16 -w "$cap" -i vb -f "$f" -i vbc -f "$f"
	cpid=$LAST_PID
	$NG stats > "$OUT/sbc-$name-rtpe0.json"
	logat=$(stat -c %s "$OUT/sbc-rtpengine.log")
	# shellcheck disable=SC2086
	bg $NG watch "$OUT/sbc-$name-rtpe.json"
	wpid=$LAST_PID
	sleep 1
	common="--set port.profile=net_af_packet --set run.console=false --set media.payload=probe \
	 --set media.srtp_engine=cryptodev --set call.limit=500 --set sip.to_user=$name \
	 --set media.dtls_rto_ms=200"
	dur=$((CALLS / RATE + HOLD / 1000 + 6))
	# the UAC's SIP: UDP to kamailio unless the case's UAC options say
	target="--set sip.target=198.18.0.2:5060"
	case " $4 " in *" --set sip.target="*) target="" ;; esac
	# shellcheck disable=SC2086
	bg ip netns exec "$C" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$C" -- \
		$common --role uas --set port.iface=vc --set media.local_ip=198.18.3.1 \
		--set media.remote_ip=198.18.2.2 --set sip.listen=198.18.2.1:5060 \
		--set media.encryption="$3" $5 --duration $((dur + 4)) \
		--report "$OUT/sbc-$name-uas.json" --cdr "$OUT/sbc-$name-uas.csv" \
		> "$OUT/sbc-$name-uas.log" 2>&1
	pc=$LAST_PID
	sleep 2
	# shellcheck disable=SC2086
	bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $common \
		--role uac --set port.iface=va --set media.local_ip=198.18.1.1 \
		--set media.remote_ip=198.18.0.2 --set sip.listen=198.18.0.1:5060 \
		$target --set media.encryption="$2" $4 \
		--set call.rate="$RATE" --set call.total="$CALLS" --set call.hold=fixed:"$HOLD" \
		--duration $dur --report "$OUT/sbc-$name-uac.json" --cdr "$OUT/sbc-$name-uac.csv" \
		> "$OUT/sbc-$name-uac.log" 2>&1
	pa=$LAST_PID
	wait "$pa"; ea=$?
	# the UAC is done once every call ended (BYE answered): the UAS has
	# nothing left but its run time, so end it (it reports on SIGTERM)
	sleep 1
	kill -TERM "$pc" 2>/dev/null
	wait "$pc"; ec=$?
	kill -TERM "$wpid" "$cpid"; wait "$wpid" "$cpid" 2>/dev/null
	# the UAS ends by SIGTERM: interrupted, exit status 3 (report written)
	[ "$ea" -eq 0 ] && [ "$ec" -eq 3 ] || fail "$name: exit codes uac $ea uas $ec (want 0, 3)"
	python3 tests/functional/sbc_check.py check "$name" "$CALLS" "$2" "$3" \
		"$OUT/sbc-$name-uac.json" "$OUT/sbc-$name-uas.json" "$cap" \
		"$OUT/sbc-$name-rtpe0.json" "$OUT/sbc-$name-rtpe.json" \
		"$OUT/sbc-rtpengine.log" "$logat" "$OUT/sbc-$name-uac.csv" "$OUT/sbc-$name-uas.csv" ||
		FAILS=$((FAILS + 1))
	[ -n "${KEEP:-}" ] || rm -f "$cap"
}

# webrtc CMD...: CMD with the WebRTC cases' call count and rate
webrtc() {
	save_c=$CALLS save_r=$RATE
	CALLS=$WEBRTC_CALLS RATE=$WEBRTC_RATE
	"$@"
	CALLS=$save_c RATE=$save_r
}

for c in $CASES; do
	case $c in
	plain) run plain none none ;;
	sdes) run sdes sdes sdes ;;
	sdes-suites) run sdes-suites sdes sdes ;;
	sdes-plain) run sdes-plain sdes none ;;
	# our DTLS-SRTP runs one handshake per call on the RTP port: rtcp-mux
	dtls-sdes) run dtls-sdes dtls sdes "--set media.rtcp_mux=true" ;;
	dtls-passive) run dtls-passive dtls sdes "--set media.rtcp_mux=true" ;;
	dual) run dual dual sdes "--set media.rtcp_mux=true" ;;
	# the WebRTC side is ours: a UAC with the webrtc preset (full ICE,
	# DTLS, AVPF, mux, BUNDLE) to a plain UAS; a plain UAC to a UAS that
	# rtpengine offers ICE + DTLS, as a lite and as a full agent
	webrtc-plain) webrtc run webrtc-plain dtls none "--set media.preset=webrtc" ;;
	# the same UAC with its SIP over WSS to kamailio's websocket module
	wss-webrtc-plain) webrtc run wss-webrtc-plain dtls none "--set media.preset=webrtc \
 --set sip.transport=wss --set sip.target=198.18.0.2:4443 --set sip.tls.ca_file=$K/ca.pem" ;;
	plain-webrtc-lite) webrtc run plain-webrtc-lite none dtls "" \
		"--set media.feedback=avpf --set media.rtcp_mux=true --set media.ice=lite" ;;
	plain-webrtc-full) webrtc run plain-webrtc-full none dtls "" \
		"--set media.feedback=avpf --set media.rtcp_mux=true --set media.ice=full" ;;
	*) fail "unknown case $c" ;;
	esac
done
kill -TERM "$RPID"; wait "$RPID" 2>/dev/null
finish
