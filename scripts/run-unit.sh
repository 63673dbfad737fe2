#!/bin/sh
# Run cmocka test programs; fail if any fails. Prints a closing tally.
set -u
pass=0; fail=0
for t in "$@"; do
	echo "== $t"
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "unit programs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
