#!/bin/sh
# SIP over WebSocket (RFC 7118). Two namespaces joined by a veth pair:
# signaling on kernel sockets (198.18.10.1 / .2), media on DPDK
# net_af_packet (198.18.11.1 / .2), SDES-SRTP unless said otherwise.
#  1. mediablast UAC over WS to a mediablast UAS listening WS (port 80:
#     the Host header without a port), then the same over WSS (port 8443,
#     certificate for 198.18.10.2 made here, verified by the UAC).
#     And once WS with media.preset=webrtc (ICE, DTLS-SRTP) instead of SDES.
#  2. The WebRTC-to-SIP front users deploy: kamailio with its websocket
#     module (xhttp does the upgrade) takes SIP over WS (8080) and WSS
#     (4443) from a mediablast UAC and relays to a mediablast UAS over
#     SIP/UDP (5070).
# Every call must succeed with SRTP both ways on both sides, each UAC must
# have made exactly one WebSocket handshake, and tshark must see the
# upgrade and every dialog's SIP inside WebSocket frames on the WS leg;
# on the WSS leg, which it cannot decrypt, the TLS handshake and
# application data.
. tests/functional/lib.sh
: "${CALLS:=100}" "${RATE:=20}" "${HOLD:=2000}"
KAM=${KAMAILIO:-kamailio}
lab_init
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
ip netns exec "$A" ip addr add 198.18.10.1/24 dev va
ip netns exec "$B" ip addr add 198.18.10.2/24 dev vb
K=$(cd "$OUT" && pwd)/ws-$TAG  # kamailio changes directory: absolute paths
mkdir -p "$K"
lab_tmp "$K"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=ws test CA" -keyout "$K/ca.key" -out "$K/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=ws.test" \
	-keyout "$K/srv.key" -out "$K/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:198.18.10.2\n' > "$K/ext.cnf"
openssl x509 -req -in "$K/srv.csr" -CA "$K/ca.pem" -CAkey "$K/ca.key" -CAcreateserial \
	-days 2 -extfile "$K/ext.cnf" -out "$K/srv.pem" 2>/dev/null

COMMON="--set port.profile=net_af_packet --set run.console=false --set media.payload=probe
 --set media.encryption=sdes --set media.srtp_engine=cryptodev --set call.limit=500"
DUR=$((CALLS / RATE + HOLD / 1000 + 8))

# calls NAME UAS_ARGS UAC_ARGS: one UAS + one UAC run; reports and logs
# under $OUT/ws-NAME-ua[cs].*
calls() {
	name=$1 uas=$2 uac=$3
	# shellcheck disable=SC2086
	bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
		$COMMON --role uas --set port.iface=vb --set media.local_ip=198.18.11.2 \
		--set media.remote_ip=198.18.11.1 $uas --duration $((DUR + 4)) \
		--report "$OUT/ws-$name-uas.json" > "$OUT/ws-$name-uas.log" 2>&1
	pb=$LAST_PID
	sleep 2
	# shellcheck disable=SC2086
	bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $COMMON \
		--role uac --set port.iface=va --set media.local_ip=198.18.11.1 \
		--set media.remote_ip=198.18.11.2 --set sip.listen=198.18.10.1:5060 $uac \
		--set call.rate=$RATE --set call.total=$CALLS --set call.hold=fixed:$HOLD \
		--duration $DUR --report "$OUT/ws-$name-uac.json" > "$OUT/ws-$name-uac.log" 2>&1
	pa=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	if [ "$ea" -eq 0 ] && [ "$eb" -eq 0 ]; then
		ok "$name: exit codes 0"
	else
		fail "$name: exit codes uac $ea uas $eb (logs $OUT/ws-$name-ua[cs].log)"
	fi
}

# capture NAME PORT: start dumpcap on vb for the WS/WSS leg
capture() {
	cap=$OUT/ws-$1-$TAG.pcap
	rm -f "$cap"
	bg ip netns exec "$B" dumpcap -q -n -i vb -B 16 -w "$cap" -f "tcp port $2"
	cpid=$LAST_PID
	sleep 1
}

capture_stop() {
	sleep 1
	kill -INT "$cpid"; wait "$cpid" 2>/dev/null
}

# check NAME TRANSPORT PORT UAS_TRANSPORT [MEDIA]: reports, then the capture
check() {
	python3 - "$OUT/ws-$1-uac.json" "$OUT/ws-$1-uas.json" "$cap" "$1" "$2" "$3" "$4" \
		"$CALLS" "${5:-sdes}" <<'PY' || FAILS=$((FAILS + 1))
import collections, json, subprocess, sys
uac, uas = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
cap, name, tp, port, uas_tp = sys.argv[3:8]
calls, media = int(sys.argv[8]), sys.argv[9]
bad = 0
def check(c, m):
    global bad
    print(("PASS: " if c else "FAIL: ") + f"{name}: " + m)
    bad += not c
for n, r in (("uac", uac), ("uas", uas)):
    c = r["calls"]
    check(c["attempted"] == calls == c["succeeded"] and c["failed"] == 0 and
          c["media"]["flowed_both_ways"] == calls and c["media"][media] == calls,
          f"{n}: {c['succeeded']}/{c['attempted']} calls, SRTP ({media}) both ways on "
          f"{c['media']['flowed_both_ways']} ({c['failed_by_reason']})")
w = uac["sip"]["transport_stats"]["websocket"]
check(uac["sip"]["transport"] == tp.upper(), f"uac transport {uac['sip']['transport']}")
check(w["handshakes"] == 1 and not w["handshakes_refused"] and not w["protocol_errors"],
      f"uac: {w['handshakes']} WebSocket handshake, refused {w['handshakes_refused']}, "
      f"protocol errors {w['protocol_errors']}")
# INVITE, ACK, BYE out; 100 (proxy only), 200 INVITE, 200 BYE in: at least
check(w["frames_out"] >= 3 * calls and w["frames_in"] >= 2 * calls,
      f"uac: {w['frames_out']} frames out, {w['frames_in']} in for {calls} calls")
ts = uac["sip"]["transport_stats"]
fails = {k: v for k, v in ts.items() if k.startswith("ws_") or k in ("closed", "reset")}
check(not fails, f"uac: no connection failures ({fails})")
if uas_tp != "udp":
    v = uas["sip"]["transport_stats"]["websocket"]
    check(v["handshakes"] == 1 and not v["protocol_errors"],
          f"uas: {v['handshakes']} WebSocket handshake, protocol errors {v['protocol_errors']}")
def tshark(*args):
    return subprocess.run(["tshark", "-n", "-r", cap] + list(args), capture_output=True,
                          text=True, check=True).stdout
if tp == "ws":
    dec = ["-d", f"tcp.port=={port},http"]
    up = tshark(*dec, "-Y", "http.response.code == 101", "-T", "fields",
                "-e", "http.upgrade").split()
    req = [r for r in tshark(*dec, "-Y", "http.request.method == \"GET\"", "-T", "fields",
                             "-e", "http.sec_websocket_protocol").split("\n") if r]
    check(len(up) == 1 and up[0].lower() == "websocket",
          f"tshark: {len(up)} HTTP 101 upgrade to {up}")
    check(req == ["sip"], f"tshark: upgrade request(s) offering subprotocol {req}")
    rows = tshark(*dec, "-Y", "websocket && sip", "-T", "fields", "-e", "ip.src",
                  "-e", "websocket.mask", "-e", "sip.Call-ID", "-e", "sip.Method",
                  "-e", "sip.Status-Code", "-e", "sip.CSeq.method").split("\n")
    seen = collections.defaultdict(set)
    wrong_mask = 0
    for r in (l.split("\t") for l in rows if l):
        r += [""] * (6 - len(r))
        # RFC 6455 5.1: client frames masked, server frames not
        want = "1" if r[0] == "198.18.10.1" else "0"
        wrong_mask += any(m != want for m in r[1].split(","))
        n = len(r[2].split(","))
        for cid, m, st, cm in zip(r[2].split(","), (r[3].split(",") + [""] * n)[:n],
                                  (r[4].split(",") + [""] * n)[:n], r[5].split(",")):
            seen[cid].add(m if m else f"{st} {cm}")
    full = sum(1 for s in seen.values() if {"INVITE", "ACK", "BYE", "200 INVITE", "200 BYE"} <= s)
    check(full == calls, f"tshark: {full}/{calls} dialogs (INVITE 200, ACK, BYE 200) "
          f"in WebSocket frames")
    check(wrong_mask == 0, f"tshark: client frames masked, server frames not "
          f"({wrong_mask} wrong)")
else:
    hello = tshark("-d", f"tcp.port=={port},tls", "-Y", "tls.handshake.type == 1",
                   "-T", "fields", "-e", "frame.number").split()
    server = tshark("-d", f"tcp.port=={port},tls", "-Y", "tls.handshake.type == 2",
                    "-T", "fields", "-e", "frame.number").split()
    data = tshark("-d", f"tcp.port=={port},tls", "-Y", "tls.app_data",
                  "-T", "fields", "-e", "frame.number").split()
    check(len(hello) == 1 and len(server) == 1,
          f"tshark: {len(hello)} ClientHello, {len(server)} ServerHello (one connection)")
    check(len(data) >= 3 * calls, f"tshark: {len(data)} TLS application data frames")
sys.exit(1 if bad else 0)
PY
	[ -n "${KEEP:-}" ] || rm -f "$cap"
}

# ---- 1. mediablast to mediablast ---------------------------------------------------------
capture ws 80
calls ws "--set sip.transport=ws --set sip.listen=198.18.10.2:80" \
	"--set sip.transport=ws --set sip.target=198.18.10.2:80 --set sip.ws_path=/sip"
capture_stop
check ws ws 80 ws

capture wss 8443
calls wss "--set sip.transport=wss --set sip.listen=198.18.10.2:8443 \
 --set sip.tls.cert_file=$K/srv.pem --set sip.tls.key_file=$K/srv.key" \
	"--set sip.transport=wss --set sip.target=198.18.10.2:8443 --set sip.tls.ca_file=$K/ca.pem"
capture_stop
check wss wss 8443 wss

# the WebRTC media preset (ICE, DTLS-SRTP, BUNDLE, rtcp-mux) on the same
# WebSocket signaling (a key set explicitly wins over the preset, so
# COMMON's sdes is overridden here); WS_WEBRTC=0 leaves it out
WEBRTC="--set media.preset=webrtc --set media.encryption=dtls"
if [ "${WS_WEBRTC:-1}" != 0 ]; then
	capture webrtc 80
	calls webrtc "--set sip.transport=ws --set sip.listen=198.18.10.2:80 $WEBRTC" \
		"--set sip.transport=ws --set sip.target=198.18.10.2:80 $WEBRTC"
	capture_stop
	check webrtc ws 80 ws dtls
fi

# ---- 2. kamailio's websocket module in front of a SIP/UDP UAS ----------------------------
if ! command -v "$KAM" >/dev/null 2>&1; then
	echo "SKIP: kamailio not installed (scripts/deps.sh): part 2"
	finish
fi
MP=$(dirname "$(find /usr/lib -path '*kamailio/modules/tm.so' | head -1)")
if [ ! -f "$MP/websocket.so" ] || [ ! -f "$MP/xhttp.so" ]; then
	echo "SKIP: kamailio-websocket-modules not installed (scripts/deps.sh): part 2"
	finish
fi
cat > "$K/tls.cfg" <<EOT
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $K/srv.key
certificate = $K/srv.pem
EOT
# The usual WebRTC front: xhttp hands the HTTP upgrade to the websocket
# module; requests from a WebSocket client get a Contact alias (nathelper)
# so that requests toward it find its connection; double Record-Route
# marks the WS/UDP boundary; everything new goes to the UAS over UDP.
cat > "$K/kamailio.cfg" <<EOT
#!KAMAILIO
debug=1
log_stderror=yes
children=2
tcp_children=2
listen=udp:198.18.10.2:5060
listen=tcp:198.18.10.2:8080
listen=tls:198.18.10.2:4443
enable_tls=yes
tcp_accept_no_cl=yes
mpath="$MP/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "nathelper.so"
loadmodule "tls.so"
loadmodule "xhttp.so"
loadmodule "websocket.so"
modparam("tls", "config", "$K/tls.cfg")
modparam("rr", "enable_double_rr", 1)
modparam("nathelper", "received_avp", "\$avp(RECEIVED)")

request_route {
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
	if (nat_uac_test("64")) add_contact_alias();
	if (has_totag()) {
		if (loose_route()) { handle_ruri_alias(); t_relay(); exit; }
		if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
		sl_send_reply("404", "Not here"); exit;
	}
	if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
	if (is_method("INVITE")) record_route();
	\$du = "sip:198.18.10.2:5070;transport=udp";
	if (!t_relay()) sl_reply_error();
}

event_route[xhttp:request] {
	set_reply_close();
	set_reply_no_connect();
	if (\$hdr(Upgrade) =~ "websocket" && \$hdr(Connection) =~ "Upgrade" && \$rm =~ "GET") {
		if (ws_handle_handshake()) exit;
	}
	xhttp_reply("404", "Not Found", "", "");
}
EOT
ip netns exec "$B" "$KAM" -f "$K/kamailio.cfg" -c > "$OUT/ws-kamailio-check.log" 2>&1 ||
	fail "kamailio config check (see $OUT/ws-kamailio-check.log)"
bg ip netns exec "$B" "$KAM" -f "$K/kamailio.cfg" -DD -E -Y "$K" -P "$K/kam.pid" -m 64 \
	> "$OUT/ws-kamailio.log" 2>&1
KPID=$LAST_PID
# until kamailio listens (a fixed sleep is too short on a loaded machine)
for _ in $(seq 1 150); do
	ip netns exec "$B" ss -ltn 2>/dev/null | grep -q '198.18.10.2:4443' && break
	sleep 0.2
done

UDP_UAS="--set sip.transport=udp --set sip.listen=198.18.10.2:5070"
capture kam-ws 8080
calls kam-ws "$UDP_UAS" "--set sip.transport=ws --set sip.target=198.18.10.2:8080"
capture_stop
check kam-ws ws 8080 udp

capture kam-wss 4443
calls kam-wss "$UDP_UAS" \
	"--set sip.transport=wss --set sip.target=198.18.10.2:4443 --set sip.tls.ca_file=$K/ca.pem"
capture_stop
check kam-wss wss 4443 udp
kill "$KPID" 2>/dev/null; wait "$KPID" 2>/dev/null
finish
