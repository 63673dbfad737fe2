#!/bin/sh
# Interop: kamailio (Debian) as a SIP proxy between two mediablast
# instances. The UAC (namespace A) sends to kamailio (namespace B), which
# record-routes and relays to the UAS (namespace B, UDP 5070); media flows
# directly between the instances' data planes. Once with the UAC on UDP,
# once on TLS (kamailio's tls module, certificate made here, verified by
# the UAC). Every call must succeed with SDES-SRTP both ways, and tshark
# must see the UAS's side of every dialog arrive through the proxy.
. tests/functional/lib.sh
: "${CALLS:=200}" "${RATE:=50}" "${HOLD:=1500}"
KAM=${KAMAILIO:-kamailio}
command -v "$KAM" >/dev/null 2>&1 || { echo "SKIP: kamailio not installed (scripts/deps.sh)"; exit 77; }
lab_init
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
ip netns exec "$A" ip addr add 198.18.0.1/24 dev va
ip netns exec "$B" ip addr add 198.18.0.2/24 dev vb
K=$(cd "$OUT" && pwd)/kam-$TAG  # kamailio changes directory: absolute paths
mkdir -p "$K"
sh scripts/lab_pki.sh "$K" proxy IP:198.18.0.2
cat > "$K/tls.cfg" <<EOT
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $K/proxy.key
certificate = $K/proxy.pem

[client:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
EOT
MP=$(dirname "$(find /usr/lib -path '*kamailio/modules/tm.so' | head -1)")
cat > "$K/kamailio.cfg" <<EOT
#!KAMAILIO
debug=1
log_stderror=yes
children=2
tcp_children=2
listen=udp:198.18.0.2:5060
listen=tls:198.18.0.2:5061
enable_tls=yes
mpath="$MP/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "tls.so"
modparam("tls", "config", "$K/tls.cfg")
modparam("rr", "enable_double_rr", 1)

request_route {
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
	if (has_totag()) {
		if (loose_route()) { t_relay(); exit; }
		if (is_method("ACK") && t_check_trans()) { t_relay(); exit; }
		sl_send_reply("404", "Not here"); exit;
	}
	if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
	if (is_method("INVITE")) record_route();
	\$du = "sip:198.18.0.2:5070;transport=udp";
	if (!t_relay()) sl_reply_error();
}
EOT
bg ip netns exec "$B" "$KAM" -f "$K/kamailio.cfg" -DD -E -Y "$K" -P "$K/kam.pid" -m 64 \
	> "$OUT/kamailio.log" 2>&1
sleep 2
ip netns exec "$B" "$KAM" -f "$K/kamailio.cfg" -c > /dev/null 2>&1 || fail "kamailio config check"

run() { # run UAC_TRANSPORT PROXY_PORT
	tp=$1 pport=$2 cap=$OUT/kam-$tp-$TAG.pcap
	extra=""
	[ "$tp" = tls ] && extra="--set sip.tls.ca_file=$K/ca.pem"
	rm -f "$cap"
	bg ip netns exec "$B" dumpcap -q -n -i lo -w "$cap" -f "udp port 5070"
	cpid=$LAST_PID
	sleep 1
	common="--set port.profile=net_af_packet --set run.console=false --set media.payload=probe \
	 --set media.encryption=sdes --set media.srtp_engine=cryptodev --set call.limit=500"
	dur=$((CALLS / RATE + HOLD / 1000 + 6))
	# shellcheck disable=SC2086
	bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
		$common --role uas --set port.iface=vb --set media.local_ip=198.18.1.2 \
		--set media.remote_ip=198.18.1.1 --set sip.listen=198.18.0.2:5070 \
		--duration $((dur + 4)) --report "$OUT/kam-$tp-uas.json" > "$OUT/kam-$tp-uas.log" 2>&1
	pb=$LAST_PID
	sleep 2
	# shellcheck disable=SC2086
	bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $common \
		--role uac --set port.iface=va --set media.local_ip=198.18.1.1 \
		--set media.remote_ip=198.18.1.2 --set sip.transport=$tp \
		--set sip.listen=198.18.0.1:$pport --set sip.target=198.18.0.2:$pport $extra \
		--set call.rate=$RATE --set call.total=$CALLS --set call.hold=fixed:$HOLD \
		--duration $dur --report "$OUT/kam-$tp-uac.json" > "$OUT/kam-$tp-uac.log" 2>&1
	pa=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	sleep 1
	kill -INT "$cpid"; wait "$cpid" 2>/dev/null
	[ "$ea" -eq 0 ] && [ "$eb" -eq 0 ] || fail "$tp: exit codes uac $ea uas $eb"
	python3 - "$OUT/kam-$tp-uac.json" "$OUT/kam-$tp-uas.json" "$cap" "$tp" "$CALLS" <<'PY' ||
import collections, json, subprocess, sys
uac, uas = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
cap, tp, calls = sys.argv[3], sys.argv[4], int(sys.argv[5])
bad = 0
def check(c, m):
    global bad
    print(("PASS: " if c else "FAIL: ") + f"kamailio {tp}: " + m)
    bad += not c
for n, r in (("uac", uac), ("uas", uas)):
    c = r["calls"]
    check(c["attempted"] == calls == c["succeeded"] and c["failed"] == 0 and
          c["media"]["flowed_both_ways"] == calls and c["media"]["sdes"] == calls,
          f"{n}: {c['succeeded']}/{c['attempted']} calls, SRTP both ways on "
          f"{c['media']['flowed_both_ways']} ({c['failed_by_reason']})")
rows = subprocess.run(["tshark", "-n", "-r", cap, "-d", "udp.port==5070,sip", "-Y", "sip",
                       "-T", "fields", "-e", "sip.Call-ID", "-e", "sip.Method", "-e", "sip.Record-Route"],
                      capture_output=True, text=True, check=True).stdout.split("\n")
seen = collections.defaultdict(set)
rr = 0
for r in (l.split("\t") for l in rows if l):
    r += [""] * (3 - len(r))
    for cid, m in zip(r[0].split(","), r[1].split(",")):
        seen[cid].add(m)
    rr += r[1].startswith("INVITE") and "198.18.0.2" in r[2]
full = sum(1 for s in seen.values() if {"INVITE", "ACK", "BYE"} <= s)
check(full == calls, f"UAS side: {full}/{calls} dialogs (INVITE, ACK, BYE) came through the proxy")
check(rr == calls, f"{rr} INVITEs carried kamailio's Record-Route")
sys.exit(1 if bad else 0)
PY
	FAILS=$((FAILS + 1))
	rm -f "$cap"
}
run udp 5060
run tls 5061
rm -rf "$K"
finish
