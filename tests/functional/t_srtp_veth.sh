#!/bin/sh
# SRTP on the wire: two instances in two namespaces joined by a veth pair
# (net_af_packet), STREAMS probe streams each way for every suite. tshark
# must see exactly the RTP packets the reports count, none of them carrying
# the plaintext probe payload (its magic "MBLP" would show through if the
# payload were not encrypted), and the receivers report no authentication
# failure and no loss.
. tests/functional/lib.sh
: "${STREAMS:=1000}" "${DURATION:=3}"
lab_init
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
SUITES=${SUITES:-"AES_CM_128_HMAC_SHA1_80 AES_CM_128_HMAC_SHA1_32 AES_192_CM_HMAC_SHA1_80
 AES_192_CM_HMAC_SHA1_32 AES_256_CM_HMAC_SHA1_80 AES_256_CM_HMAC_SHA1_32 AEAD_AES_128_GCM
 AEAD_AES_256_GCM NULL_HMAC_SHA1_80 NULL_HMAC_SHA1_32"}

for s in $SUITES; do
	ka=$(srtp_key "$s") kb=$(srtp_key "$s") cap=$OUT/srtp-$TAG.pcap
	rm -f "$cap"
	bg ip netns exec "$B" dumpcap -q -n -i vb -s 96 -B 64 \
		-w "$cap" -f "udp portrange 20000-29999"
	cpid=$LAST_PID
	sleep 2
	# the cryptodev engine: Debian's libsrtp2 (NSS) cannot protect and
	# unprotect 50,000 packets/s on a shared vCPU (see make bench)
	common="--set port.profile=net_af_packet --set media.streams=$STREAMS \
	 --set run.console=false --set media.payload=probe --duration $DURATION \
	 --set media.srtp_engine=${ENGINE:-cryptodev}"
	bg ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $common \
		--set port.iface=va --set media.local_ip=198.18.0.1 --set media.remote_ip=198.18.0.2 \
		--set "media.tx_crypto=$s inline:$ka" --set "media.rx_crypto=$s inline:$kb" \
		--report "$OUT/sv-a.json"
	pa=$LAST_PID
	bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
		$common --set port.iface=vb --set media.local_ip=198.18.0.2 \
		--set media.remote_ip=198.18.0.1 --set "media.tx_crypto=$s inline:$kb" \
		--set "media.rx_crypto=$s inline:$ka" --report "$OUT/sv-b.json"
	pb=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	sleep 1
	kill -INT "$cpid"; wait "$cpid" 2>/dev/null
	[ "$ea" -eq 0 ] && [ "$eb" -eq 0 ] || fail "$s: exit codes $ea $eb"
	python3 - "$cap" "$OUT/sv-a.json" "$OUT/sv-b.json" "$s" "$STREAMS" <<'PY' || FAILS=$((FAILS + 1))
import json, subprocess, sys
cap, ra, rb, s, n = sys.argv[1:6]
a, b = json.load(open(ra)), json.load(open(rb))
out = subprocess.run(["tshark", "-n", "-r", cap, "-o", "rtp.heuristic_rtp:TRUE", "-Y", "rtp",
                      "-T", "fields", "-e", "ip.src", "-e", "rtp.payload"],
                     capture_output=True, text=True, check=True).stdout.split("\n")
rows = [l.split("\t") for l in out if l]
bad = 0
def check(c, m):
    global bad
    print(("PASS: " if c else "FAIL: ") + s + ": " + m)
    bad += not c
ab = sum(1 for r in rows if r[0] == "198.18.0.1")
ba = sum(1 for r in rows if r[0] == "198.18.0.2")
plain = sum(1 for r in rows if len(r) > 1 and r[1].replace(":", "").startswith("4d424c50"))
check(ab == a["media"]["rtp"]["tx_packets"] == b["media"]["rtp"]["rx_packets"],
      f"A->B: A sent {a['media']['rtp']['tx_packets']}, wire {ab}, B accepted {b['media']['rtp']['rx_packets']}")
check(ba == b["media"]["rtp"]["tx_packets"] == a["media"]["rtp"]["rx_packets"],
      f"B->A: B sent {b['media']['rtp']['tx_packets']}, wire {ba}, A accepted {a['media']['rtp']['rx_packets']}")
null = s.startswith("NULL")
check((plain == 0) != null, f"{plain} of {len(rows)} packets show the plaintext probe on the wire "
      f"({'expected: NULL suites do not encrypt' if null else 'must be 0'})")
for name, r in (("A", a), ("B", b)):
    d = r["media"]["dropped"]
    check(d["srtp_auth_fail"] == 0 and d["total"] == 0 and r["media"]["rtp"]["lost"] == 0,
          f"{name}: no auth failure, no drop, no loss")
    check(r["media"]["streams_receiving"] == int(n), f"{name}: all {n} streams received")
sys.exit(1 if bad else 0)
PY
	rm -f "$cap"
done
finish
