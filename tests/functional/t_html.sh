#!/bin/sh
# The HTML report (docs/html-report.md) from real runs, opened offline in
# headless chromium. A UAS and UACs in two namespaces (SIP on kernel
# sockets 198.18.0.x, media on net_af_packet 198.18.1.x), calls of 1 s:
#  1. a UAC with plain RTP and --report + --html: the page of the run
#  2. a UAC with DTLS-SRTP, --report only; `mediablast html` of both
#     reports: the two runs overlaid
#  3. run.modes = none,sdes with --html: one page of both modes
#  4. --html without --report: the page, and no temporary JSON left
#  5. exit 2: a missing report, a truncated one (line and column), an
#     unwritable --html path (at start), run.html with run.search
#  6. each page in chromium in a namespace with only loopback: no console
#     error, no failed or refused load (the check is first proven to fail
#     on a broken page), a full-page screenshot that is not blank, a PDF
#     print; then its structure (html_check.py): summary and verdict
#     first, an SVG per expected chart with a legend entry per run, no
#     script, nothing from outside the page
# No timing figure is asserted.
. tests/functional/lib.sh
: "${CALLS:=20}" "${RATE:=10}"
lab_init
command -v chromium > /dev/null || { echo "SKIP: no chromium (scripts/deps.sh installs it)"; exit 77; }
A=$TAG-a B=$TAG-b OFF=$TAG-off
ns_pair "$A" "$B" va vb
ns_add "$OFF"
ip netns exec "$A" ip addr add 198.18.0.1/24 dev va
ip netns exec "$B" ip addr add 198.18.0.2/24 dev vb
H=$OUT/html
rm -rf "$H"-*
TMPD=$OUT/html-tmp-$TAG
mkdir -p "$TMPD"
lab_tmp "$TMPD"
CHECK=tests/functional/html_check.py
common="--set port.profile=net_af_packet --set run.console=false --set media.payload=probe \
 --set call.limit=200"

# the UAS answers every mode until interrupted
# shellcheck disable=SC2086
bg ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --main-lcore 1 --file-prefix "$B" -- \
	$common --role uas --set port.iface=vb --set media.local_ip=198.18.1.2 \
	--set media.remote_ip=198.18.1.1 --set sip.listen=198.18.0.2:5060 \
	--set media.encryption=dual --set media.policy=optional --set media.rtcp_mux=true \
	--report "$H-uas.json" > "$H-uas.log" 2>&1
pb=$LAST_PID
sleep 2

# uac NAME N ARGS...: N calls from the UAC (output in $H-NAME.log)
uac() {
	name=$1 n=$2
	shift 2
	# shellcheck disable=SC2086
	ip netns exec "$A" env TMPDIR="$TMPD" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$A" -- \
		$common --role uac --set port.iface=va --set media.local_ip=198.18.1.1 \
		--set media.remote_ip=198.18.1.2 --set sip.listen=198.18.0.1:5060 \
		--set sip.target=198.18.0.2:5060 --set call.rate="$RATE" --set call.total="$n" \
		--set call.hold=fixed:1000 "$@" > "$H-$name.log" 2>&1
}

# 1.-4. the runs and their pages
uac plain "$CALLS" --set media.encryption=none --report "$H-plain.json" --html "$H-plain.html"
e1=$?
uac dtls "$CALLS" --set media.encryption=dtls --set media.rtcp_mux=true --report "$H-dtls.json"
e2=$?
uac modes 10 --set run.modes=none,sdes --report "$H-modes.json" --html "$H-modes.html"
e3=$?
uac solo 5 --html "$H-solo.html"
e4=$?
kill -INT "$pb"; wait "$pb"
[ "$e1 $e2 $e3 $e4" = "0 0 0 0" ] && ok "four UAC runs exit 0" ||
	fail "UAC runs exit $e1 $e2 $e3 $e4 (logs $H-*.log)"
"$MBL" html "$H-plain.json" "$H-dtls.json" > "$H-both.html" 2> "$H-both.log"
e=$?
[ "$e" -eq 0 ] && [ -s "$H-both.html" ] && ok "mediablast html A.json B.json > C.html: exit 0" ||
	fail "mediablast html of two reports: exit $e: $(cat "$H-both.log")"
for f in plain modes solo; do
	[ -s "$H-$f.html" ] && ok "--html: $H-$f.html written" || fail "--html: no $H-$f.html"
done
left=$(ls -A "$TMPD")
[ -z "$left" ] && [ ! -e "$H-solo.json" ] && ok "--html without --report: no temporary JSON left" ||
	fail "--html without --report left: $left"

# 5. what must exit 2
bad() { # bad WHAT GREP CMD...: exit 2 with GREP in the message
	what=$1 want=$2
	shift 2
	"$@" > "$H-bad.log" 2>&1
	e=$?
	[ "$e" -eq 2 ] && grep -q -- "$want" "$H-bad.log" && ok "$what: exit 2, $(head -1 "$H-bad.log")" ||
		fail "$what: exit $e: $(head -3 "$H-bad.log")"
}
head -c 300 "$H-plain.json" > "$H-truncated.json"
bad "a missing report" "$H-none.json: No such file" "$MBL" html "$H-plain.json" "$H-none.json"
bad "a truncated report" "$H-truncated.json: line [0-9]* column [0-9]*" \
	"$MBL" html -o "$H-x.html" "$H-truncated.json"
echo '{"schema": 1}' > "$H-notreport.json"
bad "not a report" "not a mediablast report" "$MBL" html "$H-notreport.json"
bad "an unwritable --html" "run.html: cannot write /nonexistent-dir/r.html" \
	"$MBL" --no-huge --no-pci -- --role uac --set sip.target=198.18.0.2:5060 \
	--html /nonexistent-dir/r.html
bad "run.html with run.search" "run.html and run.search" \
	"$MBL" --no-huge --no-pci -- --role uac --set sip.target=198.18.0.2:5060 \
	--set run.search=cps --report "$H-s.json" --html "$H-s.html"

# 6. chromium, offline: first a page that must fail the check
cat > "$H-broken.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>broken</title></head>
<body><p>broken on purpose</p><img src="missing.png"><img src="http://198.18.9.9/x.png">
<script>console.error("deliberate"); no_such_function();</script></body></html>
EOF
ip netns exec "$OFF" timeout 90 python3 "$CHECK" browse "$H-broken.html" "$H-broken.png" \
	> "$H-broken.check" 2>&1
e=$?
n=$(grep -c '^PROBLEM' "$H-broken.check")
[ "$e" -eq 1 ] && grep -q 'console.error: deliberate' "$H-broken.check" &&
	grep -q '^PROBLEM: exception' "$H-broken.check" && grep -q '^PROBLEM: load failed' "$H-broken.check" &&
	ok "the check fails a broken page ($n problems: console error, exception, failed loads)" ||
	fail "the check passed a broken page (exit $e): $(cat "$H-broken.check")"

browse() { # browse NAME: the page has no problem, a screenshot with ink, a PDF
	ip netns exec "$OFF" timeout 90 python3 "$CHECK" browse "$H-$1.html" "$H-$1.png" "$H-$1.pdf" \
		> "$H-$1.check" 2>&1
	e=$?
	[ "$e" -eq 0 ] && ok "$1: chromium offline, no console error or failed load" ||
		fail "$1: chromium (exit $e): $(head -5 "$H-$1.check")"
	python3 "$CHECK" png "$H-$1.png" 20000 6 ||
		fail "$1: the screenshot is blank"
	[ "$(head -c 4 "$H-$1.pdf" 2>/dev/null)" = "%PDF" ] && ok "$1: prints to PDF" ||
		fail "$1: no PDF print"
}
for p in plain both modes solo; do
	browse "$p"
done

structure() { # structure NAME ARGS...: html_check.py structure
	name=$1
	shift
	python3 "$CHECK" structure "$H-$name.html" "$@" && ok "$name: structure" ||
		fail "$name: structure"
}
media="--svg tl-rtp --svg tl-jitter --svg tl-mos --svg d-jitter --svg d-mos"
# shellcheck disable=SC2086
structure plain html-plain --svg tl-calls --svg tl-active --svg d-setup $media
# shellcheck disable=SC2086
structure both html-plain html-dtls --svg tl-calls --svg d-setup $media \
	--svg tl-handshakes=html-dtls --svg d-handshake=html-dtls
# shellcheck disable=SC2086
structure modes none sdes --svg tl-calls --svg d-setup $media
structure solo html-solo --svg tl-calls --svg d-setup
finish
