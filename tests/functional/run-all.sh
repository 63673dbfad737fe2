#!/bin/sh
# Run every functional test (tests/functional/t_*.sh); print a tally.
# Usage: run-all.sh path/to/mediablast
set -u
export MBL="${1:-build/mediablast}"
export OUT="${OUT:-tests/functional/out}"
pass=0; fail=0; skip=0
# TESTS="t_a t_b" runs a subset (names without .sh)
if [ -n "${TESTS:-}" ]; then
	list=""; for n in $TESTS; do [ -f "tests/functional/$n.sh" ] && list="$list tests/functional/$n.sh"; done
else
	list=$(ls tests/functional/t_*.sh)
fi
for t in $list; do
	echo "== $t"
	sh "$t"; rc=$?
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); echo "FAILED: $t" ;;
	esac
done
echo "functional: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
