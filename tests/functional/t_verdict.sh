#!/bin/sh
# The verdict and the exit status (docs/report.md), SIP on loopback, media
# off (the instances' ports are net_null: nothing leaves the machine):
#  1. a UAS that refuses 30 % of calls (call.fail_pct) and a UAC with
#     verdict.asr_min = 95: the UAC exits 1, its report and console name
#     asr_min with the measured value; the UAS (its calls failed too) 1
#  2. a healthy UAS and a UAC with asr_min 100 and a setup p99 ceiling:
#     exit 0, both thresholds held with their values in the report
#  3. a threshold on a figure the run cannot measure (DTLS handshake p99
#     with no DTLS): exit 1, the threshold failed as not measured
#  4. SIGINT mid-run: exit 3 within a second, report complete with
#     run.interrupted true and verdict.result "interrupted"
#  5. a bad threshold in a config file: exit 2 naming file, line and key
#  6. a --report path that cannot be written: exit 2 at start
#  7-9. the end of a run (run.drain_ms): calls in setup answered in the
#     drain; without one cancelled (cancelled_at_end, not failed); SIGINT
#     in the drain ends it at once with exit 3
#  10. run.duration auto: a UAS answers until interrupted, a UAC with
#     call.total runs until its calls are done
. tests/functional/lib.sh
lab_init
N=0
# inst ROLE PORT ARGS...: one instance in the background, its log and
# report under $OUT/verdict-$N-ROLE.*
inst() {
	role=$1 port=$2
	shift 2
	bg "$MBL" --no-huge -m 256 --no-pci --vdev net_null0,no-rx=1 -l 0-1 \
		--file-prefix "$TAG-$N-$role" -- --role "$role" --set sip.listen=127.0.0.1:"$port" \
		--set run.console=false --set call.media=false --set call.limit=200 "$@" \
		--report "$OUT/verdict-$N-$role.json" > "$OUT/verdict-$N-$role.log" 2>&1
}

# pair "UAS ARGS" "UAC ARGS": a UAS on 127.0.0.1:26060 and a UAC calling it
# (40 calls at 20/s, held 300 ms); sets ea / eb to their exit statuses
pair() {
	N=$((N + 1))
	# shellcheck disable=SC2086
	inst uas 26060 --duration 8 $1
	pb=$LAST_PID
	sleep 1
	# shellcheck disable=SC2086
	inst uac 26062 --set sip.target=127.0.0.1:26060 --set call.rate=20 --set call.total=40 \
		--set call.hold=fixed:300 --duration 6 $2
	pa=$LAST_PID
	wait "$pa"; ea=$?
	wait "$pb"; eb=$?
}

# threshold N ROLE NAME: "state value" of one threshold in a report
threshold() {
	python3 - "$OUT/verdict-$1-$2.json" "$3" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["verdict"]
t = v["thresholds"].get(sys.argv[2])
print("unset" if t is None else ("pass" if t["pass"] else "fail"),
      "-" if t is None or not t["measured"] else t["value"], v["result"], v["exit_status"])
PY
}

# 1. scripted failures
pair "--set call.fail_pct=30 --set call.fail_code=486" "--set verdict.asr_min=95"
got=$(threshold $N uac asr_min)
set -- $got
if [ "$ea" -eq 1 ] && [ "$1" = fail ] && [ "$3" = fail ] && [ "$4" -eq 1 ]; then
	ok "scripted failures: UAC exit 1, asr_min failed at $2 %"
else
	fail "scripted failures: UAC exit $ea, asr_min: $got"
fi
grep -q "verdict.asr_min >= 95: .* FAIL" "$OUT/verdict-$N-uac.log" &&
	grep -q "^verdict: FAIL (exit 1)" "$OUT/verdict-$N-uac.log" &&
	ok "scripted failures: the console names the failed threshold" ||
	fail "scripted failures: no failed-threshold line in $OUT/verdict-$N-uac.log"
[ "$eb" -eq 1 ] && ok "scripted failures: UAS exit 1 (it failed calls)" ||
	fail "scripted failures: UAS exit $eb, want 1"

# 2. a clean run
pair "" "--set verdict.asr_min=100 --set verdict.setup_ms_p99_max=2000"
a=$(threshold $N uac asr_min)
s=$(threshold $N uac setup_ms_p99_max)
case "$ea $eb|$a|$s" in
"0 0|pass 100"*" pass 0|pass "*" pass 0")
	ok "clean run: exit 0 0, asr_min held ($a), setup p99 held ($s)" ;;
*) fail "clean run: exit $ea $eb, asr_min: $a, setup_ms_p99_max: $s" ;;
esac

# 3. a figure the run does not have
pair "" "--set verdict.handshake_ms_p99_max=100"
got=$(threshold $N uac handshake_ms_p99_max)
case "$ea $got" in
"1 fail - fail 1") ok "not measured: exit 1, handshake_ms_p99_max failed as not measured" ;;
*) fail "not measured: exit $ea, handshake_ms_p99_max: $got" ;;
esac
grep -q "verdict.handshake_ms_p99_max <= 100: FAIL (not measured)" "$OUT/verdict-$N-uac.log" ||
	fail "not measured: no console line saying so"

# 4. SIGINT mid-run: exit 3 within a second, the report written
N=$((N + 1))
inst uas 26060 --duration 60
pb=$LAST_PID
sleep 1
inst uac 26062 --set sip.target=127.0.0.1:26060 --set call.rate=20 --set call.total=100000 \
	--set call.hold=fixed:2000 --duration 60
pa=$LAST_PID
sleep 3
t0=$(date +%s%N)
kill -INT "$pa"
wait "$pa"; ea=$?
t1=$(date +%s%N)
kill -INT "$pb"
wait "$pb"; eb=$?
ms=$(( (t1 - t0) / 1000000 ))
got=$(python3 -c "
import json, sys
r = json.load(open('$OUT/verdict-$N-uac.json'))
print(r['run']['interrupted'], r['verdict']['result'], r['verdict']['exit_status'],
      r['calls']['attempted'] > 0)")
if [ "$ea" -eq 3 ] && [ "$eb" -eq 3 ] && [ "$got" = "True interrupted 3 True" ]; then
	ok "SIGINT: exit 3 3, report interrupted with calls in it, UAC gone $ms ms after the signal"
else
	fail "SIGINT: exit $ea $eb, report: $got"
fi
# a second is the promise; the machine may be loaded, so the bound is generous
# and the figure printed
[ "$ms" -lt 5000 ] || fail "SIGINT: the UAC took $ms ms to exit"

# 5. a bad threshold in a file: file, line and key
cfg=$OUT/verdict-bad-$TAG.ini
printf '[run]\nrole = uac\n[verdict]\nloss_max = 1%%\n' > "$cfg"
lab_tmp "$cfg"
"$MBL" --no-huge -m 256 --no-pci --vdev net_null0 -l 0-1 --file-prefix "$TAG-bad" -- \
	--config "$cfg" > "$OUT/verdict-bad.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q "$cfg:4: verdict.loss_max" "$OUT/verdict-bad.log"; then
	ok "bad threshold: exit 2, $(head -1 "$OUT/verdict-bad.log")"
else
	fail "bad threshold: exit $rc: $(head -3 "$OUT/verdict-bad.log")"
fi

# 6. a report path that cannot be written: exit 2 at start, before any call
"$MBL" --no-huge -m 256 --no-pci --vdev net_null0 -l 0-1 --file-prefix "$TAG-nop" -- \
	--role uac --set sip.listen=127.0.0.1:26064 --set sip.target=127.0.0.1:26060 \
	--set call.media=false --report /nonexistent-dir/r.json > "$OUT/verdict-nopath.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q "run.report: cannot write /nonexistent-dir/r.json" \
	"$OUT/verdict-nopath.log" && ! grep -q "calls attempted" "$OUT/verdict-nopath.log"; then
	ok "unwritable report path: exit 2 at start, named"
else
	fail "unwritable report path: exit $rc: $(tail -2 "$OUT/verdict-nopath.log")"
fi

# end_run NAME ANSWER_DELAY_MS DRAIN_MS [SIGINT_AFTER_S]: a UAS answering
# after ANSWER_DELAY_MS, a UAC at 20/s with calls
# held 10 s, a 3 s duration and run.drain_ms DRAIN_MS (at 1.5 s, about 30
# calls are in setup when it ends); the UAC interrupted if asked
end_run() {
	N=$((N + 1))
	inst uas 26060 --set call.answer_delay_ms="$2" --duration 20
	pb=$LAST_PID
	sleep 1
	t0=$(date +%s%N)
	inst uac 26062 --set sip.target=127.0.0.1:26060 --set call.rate=20 --set call.total=100000 \
		--set call.hold=fixed:10000 --set run.drain_ms="$3" --duration 3
	pa=$LAST_PID
	if [ -n "${4:-}" ]; then
		sleep "$4"
		ts=$(date +%s%N)
		kill -INT "$pa"
	fi
	wait "$pa"; ea=$?
	t1=$(date +%s%N)
	kill -INT "$pb" 2>/dev/null; wait "$pb" 2>/dev/null
	ms=$(( (t1 - t0) / 1000000 ))
	[ -n "${4:-}" ] && ms=$(( (t1 - ts) / 1000000 ))
	calls=$(python3 -c "
import json
c = json.load(open('$OUT/verdict-$N-uac.json'))['calls']
print(c['attempted'], c['succeeded'], c['failed'], c['cancelled_at_end'], c['asr_pct'])")
	echo "INFO: $1: exit $ea after $ms ms, attempted succeeded failed cancelled_at_end asr: $calls"
}

# 7. the drain lets calls in setup be answered: none cancelled, exit 0,
# the end within duration + drain
end_run drain 1500 6000
set -- $calls
[ "$ea" -eq 0 ] && [ "$1" -gt 40 ] && [ "$1" -eq "$2" ] && [ "$4" -eq 0 ] && [ "$ms" -lt 9000 ] &&
	ok "drain: every call answered ($2 of $1), exit 0, ended $ms ms after start" ||
	fail "drain: exit $ea, calls $calls, $ms ms"
# 8. no drain: the calls in setup are cancelled, counted apart, not failed
end_run no-drain 1500 0
set -- $calls
[ "$ea" -eq 0 ] && [ "$4" -gt 0 ] && [ "$3" -eq 0 ] && [ "$5" = 100 ] &&
	ok "no drain: $4 calls cancelled at the end, none failed, ASR $5 %, exit 0" ||
	fail "no drain: exit $ea, calls $calls"
# 9. SIGINT in the drain (the UAS answers after 30 s): exit 3 at once
end_run sigint-drain 30000 20000 6
[ "$ea" -eq 3 ] && [ "$ms" -lt 3000 ] &&
	ok "SIGINT in the drain: exit 3, $ms ms after the signal" ||
	fail "SIGINT in the drain: exit $ea, $ms ms after the signal"
# 10. run.duration auto: a UAS with no duration answers until interrupted;
# a UAC with call.total and no duration runs until those calls are done
# (30 calls at 10/s: 3 s, past no default), not 10 s and not cut short
N=$((N + 1))
inst uas 26060
pb=$LAST_PID
sleep 1
inst uac 26062 --set sip.target=127.0.0.1:26060 --set call.rate=10 --set call.total=30 \
	--set call.hold=fixed:200
pa=$LAST_PID
wait "$pa"; ea=$?
sleep 1
kill -0 "$pb" 2>/dev/null && alive=yes || alive=no
kill -INT "$pb"; wait "$pb"; eb=$?
got=$(python3 -c "
import json
a = json.load(open('$OUT/verdict-$N-uac.json')); b = json.load(open('$OUT/verdict-$N-uas.json'))
print(a['calls']['succeeded'], a['run']['duration_s'], b['calls']['succeeded'], b['run']['duration_s'],
      b['run']['interrupted'])")
[ "$ea" -eq 0 ] && [ "$alive" = yes ] && [ "$eb" -eq 3 ] && [ "$got" = "30 0 30 0 True" ] &&
	ok "duration auto: UAC placed all 30 and exit 0, UAS still answering after it, SIGINT exit 3" ||
	fail "duration auto: UAC exit $ea, UAS alive $alive exit $eb, (uac ok, dur, uas ok, dur, int) $got"
finish
