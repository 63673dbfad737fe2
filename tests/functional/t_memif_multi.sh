#!/bin/sh
# Several workers and queues: A runs two data-plane workers with two queue
# pairs on net_memif, B one worker polling two RX queues. A's workers each
# own half the streams; with B's single worker nothing is lost and every
# stream is measured. Then the roles swap in B's favour: B with two
# workers receives on both queues and hands packets for streams the other
# worker owns through the dispatch ring. Address ranges on both sides.
. tests/functional/lib.sh
: "${STREAMS:=2000}" "${DURATION:=6}"
lab_init
SOCK=$OUT/memifm-$TAG.sock
common="--set media.streams=$STREAMS --set run.console=false --set media.payload=probe \
 --set port.iface=$SOCK --duration $DURATION --set port.rx_queues=2 --set port.tx_queues=2 \
 --set media.local_port=30000 --set media.remote_port=30000"
ra="--set media.local_ip=198.18.4.1-198.18.4.4 --set media.remote_ip=198.18.5.1-198.18.5.4"
rb="--set media.local_ip=198.18.5.1-198.18.5.4 --set media.remote_ip=198.18.4.1-198.18.4.4"

# run_pair NAME LCORES_A LCORES_B
run_pair() {
	rm -f "$SOCK"
	bg "$MBL" --no-huge -m 512 --lcores "$2" -- $common $ra \
		--set port.profile=net_memif_server --report "$OUT/$1-a.json"
	pa=$LAST_PID
	wait_sock "$SOCK"
	bg "$MBL" --no-huge -m 512 --lcores "$3" -- $common $rb \
		--set port.profile=net_memif_client --report "$OUT/$1-b.json"
	pb=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
	[ "$ea" -eq 0 ] && [ "$eb" -eq 0 ] && ok "$1: both instances exited 0" ||
		fail "$1: exit codes $ea $eb"
	python3 - "$OUT/$1-a.json" "$OUT/$1-b.json" "$STREAMS" "$1" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
n, name = int(sys.argv[3]), sys.argv[4]
bad = 0
def check(c, m):
    global bad
    print(("PASS: " if c else "FAIL: ") + name + ": " + m)
    bad += not c
check(a["run"]["worker_lcores"] >= 1 and b["run"]["worker_lcores"] >= 1, "workers "
      f"A {a['run']['worker_lcores']} B {b['run']['worker_lcores']}")
for x, y, nx, ny in ((a, b, "A", "B"), (b, a, "B", "A")):
    tx, rx = x["media"]["rtp"]["tx_packets"], y["media"]["rtp"]["rx_packets"]
    check(tx == rx and tx > 0, f"{nx} sent {tx}, {ny} received {rx}")
    # a packet the PMD refused (memif ring full on this busy 2-core box)
    # used its sequence number, so the receiver counts it as lost - unless it
    # was one of a stream's last packets: RFC 3550 loss cannot see a gap
    # after the highest sequence received. So: lost <= refused, and the
    # difference is at most a few tail packets per stream.
    ref, lost = x["media"]["tx"]["refused"], y["media"]["rtp"]["lost"]
    check(lost <= ref <= lost + 2 * n,
          f"{ny} lost {lost} vs {nx} refused by its PMD {ref}")
    check(y["media"]["streams_receiving"] == n, f"{ny} all {n} streams received")
    check(y["media"]["dropped"]["total"] == 0, f"{ny} nothing dropped")
print(f"INFO: {name}: dispatched A {a['media']['l2']['rx_dispatched']} B {b['media']['l2']['rx_dispatched']}")
sys.exit(1 if bad else 0)
PY
	rm -f "$SOCK"
}

# main lcore 0 and one worker share CPU 0; the other worker has CPU 1
run_pair multi-a "0@0,1@0,2@1" "0@1,1@1"
run_pair multi-b "0@0,1@0" "0@1,1@1,2@0"
python3 -c "import json,sys; sys.exit(0 if json.load(open('$OUT/multi-b-b.json'))['media']['l2']['rx_dispatched'] > 0 else 1)" &&
	ok "B's second worker got its streams through the dispatch ring" ||
	fail "nothing went through the dispatch ring"
finish
