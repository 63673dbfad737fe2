#!/bin/sh
# Every codec and payload source end to end over net_memif: PCMA and G.722
# tones, G.729 and Opus frames from files (G.729 raw 10-byte frames, Opus
# records with a 2-byte length), DTMF events (RFC 4733) interleaved with the
# audio. Each side must receive exactly what the other sent, with no loss,
# the right payload types and every DTMF packet.
. tests/functional/lib.sh
: "${STREAMS:=100}" "${DURATION:=3}"
lab_init
SOCK=$OUT/memifc-$TAG.sock
G729=$OUT/$TAG.g729 OPUS=$OUT/$TAG.opus
python3 - "$G729" "$OPUS" <<'PY'
import os, random, struct, sys
random.seed(7)
open(sys.argv[1], "wb").write(bytes(random.randrange(256) for _ in range(10 * 500)))
with open(sys.argv[2], "wb") as f:
    for i in range(200):
        n = random.randrange(40, 160)   # variable-size frames, as Opus makes
        f.write(struct.pack(">H", n) + bytes(random.randrange(256) for _ in range(n)))
PY

# run NAME SETTINGS...
run() {
	name=$1; shift
	rm -f "$SOCK"
	common="--set media.streams=$STREAMS --set run.console=false --set port.iface=$SOCK \
	 --duration $DURATION --set media.dtmf=159# --set media.dtmf_interval_ms=500 $*"
	bg "$MBL" --no-huge -m 512 -l 0-1 -- $common --set port.profile=net_memif_server \
		--set media.local_ip=198.18.6.1 --set media.remote_ip=198.18.6.2 \
		--report "$OUT/$name-a.json"
	pa=$LAST_PID
	wait_sock "$SOCK"
	bg "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 -- $common \
		--set port.profile=net_memif_client --set media.local_ip=198.18.6.2 \
		--set media.remote_ip=198.18.6.1 --report "$OUT/$name-b.json"
	pb=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	[ "$ea" -eq 0 ] && [ "$eb" -eq 0 ] || fail "$name: exit codes $ea $eb"
	python3 - "$OUT/$name-a.json" "$OUT/$name-b.json" "$name" "$STREAMS" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
name, n = sys.argv[3], int(sys.argv[4])
bad = 0
def check(c, m):
    global bad
    print(("PASS: " if c else "FAIL: ") + name + ": " + m)
    bad += not c
for x, y, nx, ny in ((a, b, "A", "B"), (b, a, "B", "A")):
    xr, yr = x["media"]["rtp"], y["media"]["rtp"]
    ref = x["media"]["tx"]["refused"]
    check(xr["tx_packets"] == yr["rx_packets"] > 0, f"{nx} sent {xr['tx_packets']}, {ny} got {yr['rx_packets']}")
    check(yr["lost"] <= ref, f"{ny} lost {yr['lost']} (sender refused {ref})")
    check(xr["tx_dtmf"] > 0 and yr["rx_dtmf"] == xr["tx_dtmf"] - 0,
          f"DTMF {nx}->{ny}: sent {xr['tx_dtmf']}, received {yr['rx_dtmf']}")
    check(y["media"]["dropped"]["total"] == 0, f"{ny} nothing dropped ({y['media']['dropped']['total']})")
    check(y["media"]["streams_receiving"] == n, f"{ny} all streams received")
sys.exit(1 if bad else 0)
PY
	rm -f "$SOCK"
}

run pcma --set media.codec=PCMA --set media.ptime=30
run g722 --set media.codec=G722 --set media.tone_hz=440
run g729 --set media.codec=G729 --set media.payload=file --set media.payload_file="$G729"
run opus --set media.codec=opus --set media.payload=file --set media.payload_file="$OPUS" \
	--set media.ptime=20
rm -f "$G729" "$OPUS"
finish
