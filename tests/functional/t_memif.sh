#!/bin/sh
# Two mediablast instances joined by net_memif (shared-memory packet
# interface), STREAMS streams both ways: each side's receive counts must
# equal what the other side sent, with no loss and intact probe payloads.
. tests/functional/lib.sh
: "${STREAMS:=1000}" "${DURATION:=10}"
lab_init
SOCK=$OUT/memif-$TAG.sock
rm -f "$SOCK" "$OUT"/memif-a.json "$OUT"/memif-b.json
# RTCP every 0.5 s: the first report falls well inside the shortest run
# (the ASan one: 3 s), as the RTCP check below needs
common="--set media.streams=$STREAMS --set run.console=false --set media.payload=probe \
 --set port.iface=$SOCK --duration $DURATION --set media.rtcp_interval_ms=500"
bg "$MBL" --no-huge -m 512 -l 0-1 -- $common --set port.profile=net_memif_server \
	--set media.local_ip=198.18.2.1 --set media.remote_ip=198.18.2.2 --report "$OUT/memif-a.json"
PA=$LAST_PID
wait_sock "$SOCK"
bg "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 -- $common --set port.profile=net_memif_client \
	--set media.local_ip=198.18.2.2 --set media.remote_ip=198.18.2.1 --report "$OUT/memif-b.json"
PB=$LAST_PID
wait "$PA"; ra=$?
wait "$PB"; rb=$?
[ "$ra" -eq 0 ] && [ "$rb" -eq 0 ] && ok "both instances exited 0" || fail "exit codes $ra $rb"
rm -f "$SOCK"
python3 - "$OUT/memif-a.json" "$OUT/memif-b.json" "$STREAMS" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
n = int(sys.argv[3])
bad = 0
def check(c, m):
    global bad
    print(("PASS: " if c else "FAIL: ") + m)
    bad += not c
for x, y, nx, ny in ((a, b, "A", "B"), (b, a, "B", "A")):
    tx, rx = x["media"]["rtp"]["tx_packets"], y["media"]["rtp"]["rx_packets"]
    check(tx == rx and tx > 0, f"{nx} sent {tx}, {ny} received {rx}")
    # zero loss unless the sender's PMD refused packets (ring full while
    # the receiver was descheduled on this shared machine): then exactly
    # those, minus ones at a stream's tail that RFC 3550 loss cannot see
    lost, ref = y["media"]["rtp"]["lost"], x["media"]["tx"]["refused"]
    check(lost <= ref <= lost + 2 * n, f"{ny} lost {lost}, {nx}'s PMD refused {ref}")
    check(y["media"]["rtp"]["probe_ok"] == rx, f"{ny} every probe payload intact")
    check(y["media"]["streams_receiving"] == n, f"{ny} all {n} streams received")
    check(y["media"]["dropped"]["total"] == 0, f"{ny} nothing dropped")
    check(y["media"]["rtcp"]["rx_packets"] > 0, f"{ny} received RTCP ({y['media']['rtcp']['rx_packets']})")
    print(f"INFO: {ny} jitter mean {y['media']['jitter_mean_ms']:.4f} ms, one-way delay p50 "
          f"{y['media']['one_way_delay_us']['p50']} us, pacer p99 "
          f"{x['pacing']['lateness_us']['p99']} us")
sys.exit(1 if bad else 0)
PY
finish
