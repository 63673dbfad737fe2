#!/bin/sh
# Interop: baresip (Debian) as the far end of mediablast's calls, plain RTP,
# SDES-SRTP (baresip mediaenc srtp-mand) and DTLS-SRTP (mediaenc dtls_srtp:
# baresip's DTLS stack, OpenSSL through libre, against ours on DPDK mbufs). baresip auto-answers in
# namespace B (SIP and media on 198.18.0.2, its audio a 440 Hz tone from a
# WAV file made here); mediablast's UAC in A places calls one after the
# other. Every call must succeed and carry media both ways, with no SRTP
# authentication failure: baresip's keys and ours agree.
# veth computes UDP checksums late (offload): baresip's packets would reach
# af_packet with unfinished checksums, so B's veth has TX checksumming off.
. tests/functional/lib.sh
: "${CALLS:=5}"
command -v baresip >/dev/null 2>&1 || { echo "SKIP: baresip not installed (scripts/deps.sh)"; exit 77; }
lab_init
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
ip netns exec "$A" ip addr add 198.18.0.1/24 dev va
ip netns exec "$B" ip addr add 198.18.0.2/24 dev vb
ip netns exec "$B" ip route add 198.18.1.0/24 dev vb     # our media addresses, on-link
ip netns exec "$B" ethtool -K vb tx off > /dev/null 2>&1
BR=$(cd "$OUT" && pwd)/baresip-$TAG
mkdir -p "$BR"
python3 - "$BR/tone.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
                       for i in range(8000 * 60)))
w.close()
PY

run() { # run NAME ENCRYPTION BARESIP_MEDIAENC [MEDIABLAST_OPTIONS]
	name=$1 enc=$2 menc=$3
	cat > "$BR/config" <<EOT
poll_method		epoll
sip_listen		198.18.0.2:5060
audio_player		aufile,$BR/heard-$name.wav
audio_source		aufile,$BR/tone.wav
audio_alert		aufile,$BR/alert.wav
rtp_ports		30000-30999
rtcp_mux		yes
module_path		/usr/lib/baresip/modules
module			g711.so
module			aufile.so
module			srtp.so
module			dtls_srtp.so
module_app		account.so
module_app		menu.so
EOT
	printf '<sip:bob@198.18.0.2>;regint=0;answermode=auto;audio_codecs=PCMU%s\n' \
		"${menc:+;mediaenc=$menc}" > "$BR/accounts"
	bg ip netns exec "$B" baresip -f "$BR"
	pb=$LAST_PID
	sleep 2
	ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- \
		--set port.profile=net_af_packet --set port.iface=va --set media.local_ip=198.18.1.1 \
		--set media.remote_ip=198.18.0.2 --set sip.listen=198.18.0.1:5060 \
		--set sip.target=198.18.0.2:5060 --set sip.to_user=bob --role uac \
		--set call.rate=1 --set call.total="$CALLS" --set call.hold=fixed:1500 \
		--set media.encryption="$enc" --set media.srtp_engine=cryptodev \
		--set run.console=false --duration $((CALLS + 4)) $4 \
		--report "$OUT/baresip-$name.json" > "$OUT/baresip-$name.log" 2>&1 ||
		fail "$name: mediablast exited with an error"
	kill "$pb" 2>/dev/null; wait "$pb" 2>/dev/null
	python3 - "$OUT/baresip-$name.json" "$name" "$CALLS" "$enc" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
r, name, calls, enc = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3]), sys.argv[4]
c, d = r["calls"], r["media"]["dropped"]
kind = c["media"][enc if enc in ("sdes", "dtls") else "plain"]
ok = (c["succeeded"] == calls and c["failed"] == 0 and c["media"]["flowed_both_ways"] == calls
      and kind == calls and d["srtp_auth_fail"] == 0 and r["media"]["rtp"]["rx_packets"] > 0)
print(("PASS" if ok else "FAIL") + f": baresip {name}: {c['succeeded']}/{calls} calls, media both ways "
      f"on {c['media']['flowed_both_ways']} ({kind} {enc}), {r['media']['rtp']['rx_packets']} RTP "
      f"received, auth failures {d['srtp_auth_fail']} {c['failed_by_reason']}")
sys.exit(0 if ok else 1)
PY
}
run plain none ""
run sdes sdes srtp-mand
run dtls dtls dtls_srtp "--set media.rtcp_mux=true"
rm -rf "$BR"
finish
