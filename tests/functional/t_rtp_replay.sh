#!/bin/sh
# Receive statistics proven on a capture with known timing, the same way on
# any machine however busy: rtp_pcap_gen.py writes 32 RTP streams with
# delay spreads from 0 to 15 ms, loss (single and bursts), duplicates, late
# packets and sequence / timestamp wraps; net_pcap replays the file into the
# data plane with each packet's capture time as its receive timestamp
# (port.rx_timestamp=auto picks it up); tshark analyses the same file.
# Per stream, our loss, duplicates and reordering must equal what the
# capture holds exactly and our mean jitter must be within 1 % of tshark's
# (replay_check.py). The replay runs in a burst far faster than real time,
# so the figures depend on the file alone, never on scheduling.
#
# Then the same file with port.rx_timestamp=off: counts still exact, no
# packet timed by the port (the poll time of a burst replay is no arrival
# time, so that run's jitter is not compared), and =on where the port
# cannot stamp is refused at start.
. tests/functional/lib.sh
lab_init
IN=$OUT/replay-in.pcap TRUTH=$OUT/replay-truth.json
trap 'rm -f "$IN" "$OUT"/replay-*.out.pcap; lab_cleanup' EXIT INT TERM

# replay SEED TIMESTAMPS: one run over a fresh capture; leaves
# $OUT/replay-SEED-TIMESTAMPS.{json,streams.json}
replay() {
	seed=$1 rxts=$2 p="$TAG-r$1$2" rep=$OUT/replay-$1-$2.json st=$OUT/replay-$1-$2.streams.json
	python3 tests/functional/rtp_pcap_gen.py "$IN" "$TRUTH" --seed "$seed" --streams 32
	want=$(python3 -c 'import json,sys
t=json.load(open(sys.argv[1]))["per_stream"].values()
print(sum(s["sent"] - s["lost"] for s in t))' "$TRUTH")
	rm -f "$rep" "$st"
	bg "$MBL" --no-huge -m 256 -l 0-1 --no-pci --file-prefix "$p" \
		--vdev "net_pcap0,rx_pcap=$IN,tx_pcap=$OUT/replay-$p.out.pcap" -- \
		--set media.local_ip=198.18.0.2 --set media.remote_ip=198.18.0.1 \
		--set media.remote_mac=02:00:00:00:00:01 --set media.streams=32 \
		--set port.rx_timestamp="$rxts" --set run.console=false \
		--duration 10 --report "$rep"
	pid=$LAST_PID
	# the whole file is read within milliseconds of the start; wait for
	# its last packet (bounded: 9 s of the 10), then take the per-stream figures
	got=0
	for _ in $(seq 1 36); do
		got=$(echo /mediablast/stats | dpdk-telemetry.py -f "$p" 2>/dev/null |
			python3 -c 'import json,sys
try: print(json.load(sys.stdin)["/mediablast/stats"]["rx_rtp"])
except Exception: print(0)')
		[ "$got" = "$want" ] && break
		sleep 0.25
	done
	[ "$got" = "$want" ] && ok "seed $seed, rx_timestamp=$rxts: all $want distinct packets received" ||
		fail "seed $seed, rx_timestamp=$rxts: received $got of $want packets within 9 s"
	echo /mediablast/streams,0 | dpdk-telemetry.py -f "$p" 2>/dev/null |
		python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["/mediablast/streams"], open(sys.argv[1], "w"))' "$st"
	wait "$pid"; rc=$?
	[ "$rc" -eq 0 ] && ok "seed $seed, rx_timestamp=$rxts: exit 0" ||
		fail "seed $seed, rx_timestamp=$rxts: exit $rc"
	rm -f "$OUT/replay-$p.out.pcap"
}

for seed in 1 2; do
	replay "$seed" auto
	python3 tests/functional/replay_check.py "$IN" "$TRUTH" \
		"$OUT/replay-$seed-auto.streams.json" "$OUT/replay-$seed-auto.json" ||
		FAILS=$((FAILS + 1))
done

# poll time instead: sequence accounting is unchanged, the port times nothing
replay 1 off
R=$OUT/replay-1-off.json
python3 - "$OUT/replay-1-off.streams.json" "$OUT/replay-1-auto.streams.json" "$R" <<'EOF' ||
import json, sys
off, auto, rep = (json.load(open(p)) for p in sys.argv[1:4])
same = all(off[k][f] == auto[k][f] for k in auto
           for f in ("rx_packets", "lost", "duplicates", "reordered"))
ok = same and rep["port"]["rx_timestamps"] == "none" and rep["media"]["rtp"]["timed_by_port"] == 0
print(("PASS: " if ok else "FAIL: ") + "rx_timestamp=off: counts as with stamps, report says "
      f"{rep['port']['rx_timestamps']}, timed_by_port {rep['media']['rtp']['timed_by_port']}")
sys.exit(0 if ok else 1)
EOF
	FAILS=$((FAILS + 1))

# =on where the PMD cannot stamp: refused at start, naming the key
msg=$("$MBL" --no-huge -m 256 -l 0-1 --no-pci --vdev net_null0 --file-prefix "$TAG-on" -- \
	--set port.rx_timestamp=on --duration 1 2>&1 >/dev/null); rc=$?
if [ "$rc" -ne 0 ] && printf '%s' "$msg" | grep -q "port.rx_timestamp=on"; then
	ok "rx_timestamp=on on net_null refused: $(printf '%s' "$msg" | grep rx_timestamp | head -1)"
else
	fail "rx_timestamp=on on net_null: exit $rc, $msg"
fi
finish
