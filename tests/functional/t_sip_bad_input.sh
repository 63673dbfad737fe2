#!/bin/sh
# Bad input to a running UAS on loopback (its media on net_null: nothing
# leaves the machine, whatever addresses the messages name): every RFC 4475
# and RFC 5118 torture message over UDP and over TCP gets the outcome of its
# expected.tsv row; garbage datagrams, garbage and half-open connections do
# not stop it. Then a peer that stops answering: a UAC calling a port where
# nothing listens fails every call by Timer B, counted with its reason. Run
# on the ASan build too (make functional-asan): nothing may leak or crash.
. tests/functional/lib.sh
lab_init
uas() { # uas TRANSPORT PORT
	bg "$MBL" --no-huge -m 256 --no-pci --vdev net_null0,no-rx=1 -l 0-1 --file-prefix "$TAG-$1" \
		-- --role uas --set sip.transport="$1" --set sip.listen=127.0.0.1:"$2" \
		--set run.console=false --set call.limit=200 --duration 600 \
		--report "$OUT/bad-$1.json" > "$OUT/bad-$1.log" 2>&1
}
uas udp 25060
pu=$LAST_PID
uas tcp 25062
pt=$LAST_PID
sleep 3
python3 tests/functional/sip_torture.py udp 127.0.0.1 25060 tests/corpus/sip-torture ||
	FAILS=$((FAILS + 1))
python3 tests/functional/sip_torture.py tcp 127.0.0.1 25062 tests/corpus/sip-torture ||
	FAILS=$((FAILS + 1))
kill -INT "$pu" "$pt"
wait "$pu"; eu=$?
wait "$pt"; et=$?
# stopped by SIGINT: exit status 3 (interrupted), the report still written
[ "$eu" -eq 3 ] && [ "$et" -eq 3 ] && ok "both UAS exited cleanly on SIGINT (status 3)" ||
	fail "UAS exit codes udp $eu tcp $et, want 3 (see $OUT/bad-*.log)"
python3 - "$OUT/bad-udp.json" "$OUT/bad-tcp.json" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
bad = 0
for p in sys.argv[1:]:
    s = json.load(open(p))["sip"]
    ok = s["parse_errors"] > 0 and 0 < s["rejected"] <= s["parse_errors"]
    print(("PASS" if ok else "FAIL") + f": {p}: {s['parse_errors']} refused by validation, "
          f"{s['rejected']} of them answered with an error status")
    bad += not ok
sys.exit(1 if bad else 0)
PY

# a peer that stops answering: nothing listens on 127.0.0.1:25999
"$MBL" --no-huge -m 256 --no-pci --vdev net_null0,no-rx=1 -l 0-1 --file-prefix "$TAG-dead" -- \
	--role uac --set sip.listen=127.0.0.1:25064 --set sip.target=127.0.0.1:25999 \
	--set sip.t1_ms=50 --set call.rate=20 --set call.total=20 --set run.console=false \
	--duration 10 --report "$OUT/bad-dead.json" > "$OUT/bad-dead.log" 2>&1
rc=$?
# every call failed: exit status 1
[ "$rc" -eq 1 ] && ok "UAC toward a dead peer exited 1 (calls failed)" ||
	fail "UAC toward a dead peer exited $rc, want 1"
python3 - "$OUT/bad-dead.json" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
c = json.load(open(sys.argv[1]))["calls"]
ok = c["attempted"] == 20 and c["failed"] == 20 and c["failed_by_reason"].get("timer B") == 20
print(("PASS" if ok else "FAIL") + f": dead peer: {c['attempted']} attempted, {c['failed']} failed "
      f"{c['failed_by_reason']}")
sys.exit(0 if ok else 1)
PY
finish
