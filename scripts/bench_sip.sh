#!/bin/sh
# Calls per second between two mediablast instances on this machine
# (signaling only, UDP on loopback, INVITE-100-200-ACK-BYE-200, hold 0),
# against SIPp's uac and uas scenarios on the same machine in the same run.
# For each tool, rates go up a ladder; a rate counts as sustained when every
# call of SECONDS x rate succeeded (no failure, no timeout) and the achieved
# rate is within 3 % of it. The figure is the highest rate sustained. A
# step that fails is run once more before the ladder stops, for both tools
# alike: this machine is shared, and one noisy 30 s is not a tool's limit
# (the same binary at the same rate measured 6,341 and 11,826 calls/s in a
# row).
#   BENCH sip_cps <v> cps vs sipp_same_machine <v> ratio <r>
# Environment: BENCH_SIP_SECONDS (default 30), SIP_LADDER, SIPP_LADDER.
set -u
BIN=${1:-build/mediablast}
SECS=${BENCH_SIP_SECONDS:-30}
LADDER=${SIP_LADDER:-"2000 4000 6000 8000 9000 10000 12000 13000 14000 15000 16000 18000"}
SIPP_LADDER=${SIPP_LADDER:-"1000 2000 2500 3000 3500 4000 4500 5000"}
TAG=bsip$$
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf /var/run/dpdk/"$TAG"-* /tmp/"$TAG"* 2>/dev/null
}
trap cleanup EXIT INT TERM

if ! command -v sipp >/dev/null 2>&1; then
	[ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sip-tester \
		>/dev/null 2>&1
fi

# mbl_try RATE: 0 when mediablast sustained RATE calls/s for SECS seconds
mbl_try() {
	# hold 0: a call lives a few ms; one second of calls in flight is ample
	# (and media slots need their UDP ports even with media off)
	r=$1 n=$(($1 * SECS)) lim=$(($1 + 1000))
	[ "$lim" -gt 20000 ] && lim=20000
	# server transactions linger 32 s (Timer J, and RFC 6026's L): room for
	# 70 s of calls
	common="--set call.media=false --set run.console=false --set call.limit=$lim \
	 --set port.idle_sleep=true --set media.streams=1 --set sip.max_transactions=$((r * 70))"
	# shellcheck disable=SC2086
	timeout -k 5 $((SECS + 60)) "$BIN" --no-huge -m 512 --no-pci --vdev net_null0,no-rx=1 \
		-l 0-1 --main-lcore 1 --file-prefix "$TAG-s" -- $common --role uas \
		--set sip.listen=127.0.0.1:15060 --duration $((SECS + 40)) \
		--report /tmp/"$TAG"-uas.json > /tmp/"$TAG"-uas.log 2>&1 &
	sp=$!
	PIDS="$PIDS $sp"
	sleep 2
	# shellcheck disable=SC2086
	timeout -k 5 $((SECS + 50)) "$BIN" --no-huge -m 512 --no-pci --vdev net_null0,no-rx=1 \
		-l 0-1 --file-prefix "$TAG-c" -- $common --role uac \
		--set sip.listen=127.0.0.1:15062 --set sip.target=127.0.0.1:15060 \
		--set call.rate="$r" --set call.total="$n" --set call.hold=fixed:0 \
		--duration $((SECS + 30)) --report /tmp/"$TAG"-uac.json > /tmp/"$TAG"-uac.log 2>&1
	kill -INT "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
	python3 - /tmp/"$TAG"-uac.json "$r" "$n" <<'PY'
import json, sys
try:
    c = json.load(open(sys.argv[1]))["calls"]
except Exception as e:
    print("bench: mediablast: no report (%s)" % e, file=sys.stderr)
    sys.exit(1)
r, n = int(sys.argv[2]), int(sys.argv[3])
ok = c["succeeded"] == n and c["failed"] == 0 and c["cps_achieved"] >= 0.97 * r
print("bench: mediablast %d cps: %d/%d ok, %d failed, %.0f cps achieved: %s"
      % (r, c["succeeded"], n, c["failed"], c["cps_achieved"], "sustained" if ok else "NOT sustained"),
      file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

# sipp_try RATE: 0 when SIPp's uac sustained RATE calls/s against its uas
sipp_try() {
	r=$1 n=$(($1 * SECS))
	cd /tmp || return 1
	taskset -c 1 sipp -sn uas -i 127.0.0.1 -p 16060 -nostdin -bg > /dev/null 2>&1
	sleep 1
	t0=$(date +%s.%N)
	taskset -c 0 timeout -k 5 $((SECS * 3 + 30)) sipp -sn uac 127.0.0.1:16060 -i 127.0.0.1 \
		-p 16062 -r "$r" -m "$n" -d 0 -l $((r * 2 + 1000)) -nostdin -timeout $((SECS * 3))s \
		-trace_stat -stf /tmp/"$TAG"-sipp.csv > /dev/null 2>&1
	rc=$?
	t1=$(date +%s.%N)
	pkill -f "sipp -sn uas -i 127.0.0.1 -p 16060" 2>/dev/null
	cd - > /dev/null || return 1
	python3 - /tmp/"$TAG"-sipp.csv "$r" "$n" "$rc" "$t0" "$t1" <<'PY'
import csv, sys
path, r, n, rc, t0, t1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
try:
    rows = list(csv.reader(open(path), delimiter=";"))
    h, last = rows[0], rows[-1]
    ok_calls = int(last[h.index("SuccessfulCall(C)")])
    failed = int(last[h.index("FailedCall(C)")])
except Exception as e:
    print("bench: sipp: no statistics (%s)" % e, file=sys.stderr)
    sys.exit(1)
# wall time of the uac run: its start-up is in it, as mediablast's is not,
# so SIPp is given 1 s of grace
achieved = ok_calls / max(t1 - t0 - 1.0, 1e-9)
ok = rc == 0 and ok_calls == n and failed == 0 and achieved >= 0.97 * r
print("bench: sipp %d cps: %d/%d ok, %d failed, %.0f cps achieved (exit %d): %s"
      % (r, ok_calls, n, failed, achieved, rc, "sustained" if ok else "NOT sustained"), file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}

best=0
for r in $LADDER; do
	mbl_try "$r" || mbl_try "$r" || break
	best=$r
done
sipp_best=0
if command -v sipp >/dev/null 2>&1; then
	for r in $SIPP_LADDER; do
		sipp_try "$r" || sipp_try "$r" || break
		sipp_best=$r
	done
else
	echo "bench: sipp (Debian package sip-tester) not available: no baseline" >&2
fi
ratio=$(python3 -c "print('%.3f' % ($best / $sipp_best))" 2>/dev/null || echo nan)
echo "BENCH sip_cps $best cps vs sipp_same_machine $sipp_best ratio $ratio"
