#!/bin/sh
# Capacity search (run.search) on loopback, SIP only (media off, ports are
# net_null). The capacity is made exact on purpose: the UAS holds at most
# 50 calls at once (call.limit; the next INVITEs get 503) and calls last
# 1 s, so a level of L calls/s keeps about L calls up. With the verdict
# asr_min = 100:
#  1. cps from 20 by 20: 20 and 40 pass, 60 fails; the answer is 40, the
#     summary in --report lists every step with its report, and level 60
#     run alone (no search) fails the threshold, exit 1
#  2. calls from 20 by 40 with one halving: 20 passes, 60 fails, 40 passes
#  3. a search without --report or on a UAS: exit 2
# The levels sit 10 calls (a fifth) from the limit on either side: the test
# never depends on how fast a busy machine is.
. tests/functional/lib.sh
lab_init
rm -f "$OUT"/search-*
N=0
uas() {
	N=$((N + 1))
	bg "$MBL" --no-huge -m 256 --no-pci --vdev net_null0,no-rx=1 -l 0-1 --file-prefix "$TAG-s$N" \
		-- --role uas --set sip.listen=127.0.0.1:26070 --set run.console=false \
		--set call.media=false --set call.limit=50 > "$OUT/search-uas-$N.log" 2>&1
	pb=$LAST_PID
	sleep 1
}
# uac NAME ARGS...: a UAC against the UAS, 3 s per run, output in $OUT/search-NAME.log
uac() {
	name=$1
	shift
	"$MBL" --no-huge -m 256 --no-pci --vdev net_null0,no-rx=1 -l 0-1 --file-prefix "$TAG-c" \
		-- --role uac --set sip.listen=127.0.0.1:26072 --set sip.target=127.0.0.1:26070 \
		--set run.console=false --set call.media=false --set call.hold=fixed:1000 \
		--set verdict.asr_min=100 --duration 3 "$@" > "$OUT/search-$name.log" 2>&1
}
summary() {
	python3 - "$OUT/search-$1.json" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))["search"]
steps = " ".join(f"{t['level']}{'+' if t['pass'] else '-'}" for t in s["steps"])
reports = all(os.path.exists(t["report"]) for t in s["steps"])
print(s["highest_pass"], s["lowest_fail"], steps, "reports" if reports else "no-reports")
PY
}

# 1. by calls/s
uas
uac cps --set run.search=cps --set run.search_start=20 --set run.search_step=20 \
	--set run.search_max=100 --set run.search_bisect=0 --report "$OUT/search-cps.json"
e=$?
got=$(summary cps)
[ "$e" -eq 0 ] && [ "$got" = "40 60 20+ 40+ 60- reports" ] &&
	grep -q "highest passing cps level 40 (60 failed)" "$OUT/search-cps.log" &&
	ok "cps search: exit 0, answer 40, steps $got" ||
	fail "cps search: exit $e, summary $got"
uac alone60 --set call.rate=60 --set call.limit=100 --report "$OUT/search-alone60.json"
e=$?
fails=$(python3 -c "
import json; t = json.load(open('$OUT/search-alone60.json'))['verdict']['thresholds']['asr_min']
print(t['pass'], round(t['value'], 1))")
[ "$e" -eq 1 ] && [ "${fails%% *}" = False ] &&
	ok "level 60 alone: exit 1, asr_min failed at ${fails#* } %" ||
	fail "level 60 alone: exit $e, asr_min $fails"
kill -INT "$pb"; wait "$pb"

# 2. by concurrent calls, with one halving
uas
uac calls --set run.search=calls --set run.search_start=20 --set run.search_step=40 \
	--set run.search_max=100 --set run.search_bisect=1 --report "$OUT/search-calls.json"
e=$?
got=$(summary calls)
[ "$e" -eq 0 ] && [ "$got" = "40 60 20+ 60- 40+ reports" ] &&
	ok "calls search: exit 0, answer 40 after one halving, steps $got" ||
	fail "calls search: exit $e, summary $got"
kill -INT "$pb"; wait "$pb"

# 3. searches that cannot run
for args in "--role uac --set sip.target=127.0.0.1:9 --set run.search=cps" \
	"--role uas --set run.search=cps --report /tmp/x.json"; do
	# shellcheck disable=SC2086
	"$MBL" --no-huge --no-pci -- $args > "$OUT/search-bad.log" 2>&1
	e=$?
	[ "$e" -eq 2 ] && grep -q "run.search" "$OUT/search-bad.log" &&
		ok "bad: $args: exit 2" || fail "bad: $args: exit $e: $(head -1 "$OUT/search-bad.log")"
done
finish
