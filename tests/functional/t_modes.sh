#!/bin/sh
# run.modes: one UAC run per media security mode against one UAS that
# accepts them all (media.encryption=dual, policy optional, rtcp-mux), in
# two namespaces (SIP on kernel sockets, media on net_af_packet):
#  1. none,sdes,dtls,dual: exit 0; one report per mode named after
#     --report, each with every call up and its media of that mode (dual:
#     the UAS's answer picks SDES or DTLS); the comparison table printed
#     with a column per mode; the UAS's own report counts them all
#  2. SIGINT during the second mode: exit 3 at once, no later mode run
#  3. run.modes on a UAS, without --report, or with an unknown mode: exit 2
. tests/functional/lib.sh
: "${CALLS:=20}" "${RATE:=10}"
lab_init
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
ip netns exec "$A" ip addr add 198.18.0.1/24 dev va
ip netns exec "$B" ip addr add 198.18.0.2/24 dev vb
rm -f "$OUT"/modes-*
common="--set port.profile=net_af_packet --set run.console=false --set media.payload=probe \
 --set call.limit=200"

uas() {
	# shellcheck disable=SC2086
	bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
		$common --role uas --set port.iface=vb --set media.local_ip=198.18.1.2 \
		--set media.remote_ip=198.18.1.1 --set sip.listen=198.18.0.2:5060 \
		--set media.encryption=dual --set media.policy=optional --set media.rtcp_mux=true \
		--report "$OUT/modes-$1-uas.json" > "$OUT/modes-$1-uas.log" 2>&1
	pb=$LAST_PID
	sleep 2
}

# uac NAME MODES: the UAC in the foreground (output in $OUT/modes-NAME.log)
uac() {
	# shellcheck disable=SC2086
	ip netns exec "$A" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- $common \
		--role uac --set port.iface=va --set media.local_ip=198.18.1.1 \
		--set media.remote_ip=198.18.1.2 --set sip.listen=198.18.0.1:5060 \
		--set sip.target=198.18.0.2:5060 --set call.rate=$RATE --set call.total=$CALLS \
		--set call.hold=fixed:1000 --set run.modes="$2" --report "$OUT/modes-$1.json" \
		> "$OUT/modes-$1.log" 2>&1
}

# 1. every mode
uas all
uac all none,sdes,dtls,dual
ea=$?
kill -INT "$pb"; wait "$pb"
python3 - "$OUT" "$CALLS" "$ea" <<'PY' || FAILS=$((FAILS + 1))
import json, sys
out, calls, ea = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
bad = 0
def check(cond, what):
    global bad
    print(("PASS: " if cond else "FAIL: ") + what)
    bad += not cond
check(ea == 0, f"modes: UAC exit {ea}")
for m in ("none", "sdes", "dtls", "dual"):
    r = json.load(open(f"{out}/modes-all-{m}.json"))
    c, med = r["calls"], r["calls"]["media"]
    want = {"none": med["plain"], "sdes": med["sdes"], "dtls": med["dtls"],
            "dual": med["sdes"] + med["dtls"]}[m]
    enc = r["config"]["media"]["encryption"]
    check(c["succeeded"] == calls and c["failed"] == 0 and med["flowed_both_ways"] == calls
          and want == calls and enc == m,
          f"{m}: {c['succeeded']}/{calls} calls, media both ways {med['flowed_both_ways']}, "
          f"of the mode {want}, config says {enc}")
log = open(f"{out}/modes-all.log").read()
head = [l for l in log.splitlines() if l.startswith("key ")]
check(len(head) == 1 and head[0].split()[3:7:1][0] == "none" and
      [w for w in head[0].split() if w in ("none", "sdes", "dtls", "dual")] == ["none", "sdes", "dtls", "dual"],
      "the comparison table has a column per mode")
u = json.load(open(f"{out}/modes-all-uas.json"))["calls"]
check(u["succeeded"] == 4 * calls, f"UAS answered {u['succeeded']} of {4 * calls} calls")
sys.exit(1 if bad else 0)
PY

# 2. SIGINT in the second mode: exit 3, the third never starts
uas int
t0=$(date +%s)
(sleep $((CALLS / RATE + 5)); pkill -INT -f -- "--file-prefix $A --") &
uac int none,sdes,dtls
ea=$?
t1=$(date +%s)
kill -INT "$pb"; wait "$pb"
[ "$ea" -eq 3 ] && [ -f "$OUT/modes-int-none.json" ] && [ ! -f "$OUT/modes-int-dtls.json" ] &&
	grep -q '^  sdes  exit 3' "$OUT/modes-int.log" &&
	ok "SIGINT in the second mode: exit 3 after $((t1 - t0)) s, the third not run" ||
	fail "SIGINT: exit $ea, files: $(ls "$OUT" | grep modes-int | tr '\n' ' ')"

# 3. configurations that cannot run modes
for args in "--role uas --set run.modes=sdes --report /tmp/x.json" "--role uac --set sip.target=198.18.0.2:5060 --set run.modes=sdes" \
	"--role uac --set run.modes=sdes,zrtp --report /tmp/x.json"; do
	# shellcheck disable=SC2086
	"$MBL" --no-huge --no-pci -- $args > "$OUT/modes-bad.log" 2>&1
	e=$?
	[ "$e" -eq 2 ] && grep -q "run.modes" "$OUT/modes-bad.log" &&
		ok "bad: $args: exit 2, $(head -1 "$OUT/modes-bad.log")" ||
		fail "bad: $args: exit $e"
done
finish
