#!/bin/sh
# mediablast benchmarks on net_null (no real network). `make bench` runs
#   sh scripts/bench.sh build/mediablast
# and prints one line per figure on stdout:
#   BENCH <name> <value> <unit> [vs <baseline> <baseline-value> ratio <r>]
# Baselines are measured in the same run on the same machine.
#
# Figures:
#   rtp_tx_pps_core        TX-only, G.711 (PCMU) 20 ms streams, offered load far
#                          above one core (1 M streams = 50 M pps offered), one
#                          worker lcore; pps = media.rtp.tx_packets / run.tx_seconds.
#     vs testpmd_txonly    dpdk-testpmd txonly, one forwarding core, one net_null
#                          port, same frame size (14+20+8+12+160 = 214 bytes).
#   pacer_lateness_p99_us, pacer_lateness_max_us, rtp_tx_pps_100k_streams
#                          100 000 streams of 20 ms (5 M pps offered, below
#                          capacity), from pacing.lateness_us.* of the report.
#
# Noise: every measurement is repeated RUNS times (default 3) and the best is
# reported: the highest pps for the throughput figures (mediablast and testpmd
# interleaved, so background load drifts hit both alike) and, for the pacer,
# the run with the lowest p99 (its max and achieved rate are reported from that
# same run, so the three pacer figures describe one run).
#
# The machine has 2 cores: runs are strictly sequential, each bounded by
# timeout(1), and /var/run/dpdk/<prefix> is removed after each one. A failed
# run prints "bench: FAILED: ..." on stderr and the script exits 1. Missing a
# goal is reported in the summary on stderr but is not an error.
#
# Environment: RUNS (repetitions, default 3), BENCH_DURATION (seconds of media
# per mediablast run, default 5), TESTPMD (default dpdk-testpmd).
set -u

BIN=${1:-build/mediablast}
RUNS=${RUNS:-3}
DUR=${BENCH_DURATION:-5}
TESTPMD=${TESTPMD:-dpdk-testpmd}
FRAME=214            # eth 14 + ip 20 + udp 8 + rtp 12 + PCMU 20 ms 160
RTP_BYTES=172        # what media.rtp.tx_bytes counts per packet (rtp hdr + payload)
CAP_STREAMS=1000000  # 50 M pps offered at 20 ms: far above one core
PACER_STREAMS=100000 # 5 M pps offered: below capacity

# Memory: 2 MB hugepages when we can have them (as root), for both
# mediablast and testpmd alike: with 4 KB pages both lose a fifth or more to
# TLB misses and the comparison says more about the VM than the code.
MEM="--no-huge"
HP=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
if [ "$(id -u)" -eq 0 ] && [ -w "$HP" ]; then
	[ "$(cat "$HP")" -ge 1536 ] || echo 1536 > "$HP"
	grep -q hugetlbfs /proc/mounts || { mkdir -p /dev/hugepages &&
		mount -t hugetlbfs nodev /dev/hugepages; }
	[ "$(cat "$HP")" -ge 1536 ] && grep -q hugetlbfs /proc/mounts && MEM=""
fi
[ -n "$MEM" ] && echo "bench: no hugepages: running with --no-huge (4 KB pages)" >&2
TP_SECONDS=10        # testpmd run length (first 2 samples are skipped)

# goals (information only)
GOAL_PPS=13000000
GOAL_RATIO=0.45
GOAL_P99_US=10

PREFIX=mbl-bench-$$
TP_PREFIX=mbl-bench-tp-$$
TMP=$(mktemp -d /tmp/mbl-bench.XXXXXX) || exit 1

# shellcheck disable=SC2317 # invoked by trap
cleanup() {
	rm -rf "/var/run/dpdk/$PREFIX" "/var/run/dpdk/$TP_PREFIX" "$TMP"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

fail() {
	echo "bench: FAILED: $*" >&2
	exit 1
}

[ -x "$BIN" ] || fail "$BIN is not an executable (run make first)"
command -v python3 >/dev/null 2>&1 || fail "python3 not found"
command -v timeout >/dev/null 2>&1 || fail "timeout(1) not found"
command -v "$TESTPMD" >/dev/null 2>&1 || fail "$TESTPMD not found (dpdk package)"
case $RUNS in ''|*[!0-9]*|0) fail "RUNS must be a positive integer" ;; esac

# Warn (only) when the machine is already busy: with 2 cores, any other load
# lowers every figure here.
busy_pct() {
	python3 - <<'EOF'
import time
def snap():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]
t0, i0 = snap(); time.sleep(1); t1, i1 = snap()
print(int(round(100.0 * (1 - (i1 - i0) / max(1, t1 - t0)))))
EOF
}
BUSY0=$(busy_pct)
if [ "${BUSY0:-0}" -gt 15 ]; then
	echo "bench: WARNING: machine is ${BUSY0}% busy before the bench; figures may be low" >&2
fi

# Other processes' CPU use during one of our runs, in % of one core:
# machine busy time (/proc/stat) minus our children's CPU time (/proc/$$/stat).
# Our own run uses about 100 % (the busy-polling worker) plus a little.
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
cpu_mark() { # sets MARK_BUSY (machine busy ticks) and MARK_CHILD (our children's, ticks)
	MARK_BUSY=$(awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat)
	# cutime + cstime of this shell (fields 16, 17; comm has no spaces here)
	MARK_CHILD=$(awk '{ print $16 + $17 }' "/proc/$$/stat")
	MARK_T=$(awk '{ printf "%d\n", $1 * 100 }' /proc/uptime) # centiseconds
}
other_load() { # other_load TAG: warns when others used > 20 % of a core
	b0=$MARK_BUSY c0=$MARK_CHILD t0=$MARK_T
	cpu_mark
	dt=$((MARK_T - t0)); [ $dt -gt 0 ] || dt=1
	other=$(( ((MARK_BUSY - b0) - (MARK_CHILD - c0)) * 10000 / (HZ * dt) ))
	[ $other -lt 0 ] && other=0
	if [ $other -gt 20 ]; then
		echo "bench: WARNING: $1: other processes used ~${other}% of a core during the run; figure may be low" >&2
		NOISY="$NOISY $1"
	fi
}
NOISY=''

# Read fields from a mediablast JSON report: prints "key value" lines.
report_fields() {
	python3 - "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
run, rtp, lat = d["run"], d["media"]["rtp"], d["pacing"]["lateness_us"]
secs = float(run["tx_seconds"])
pkts = int(rtp["tx_packets"])
print("interrupted", 1 if run.get("interrupted") else 0)
print("tx_packets", pkts)
print("tx_seconds", secs)
print("pps", int(round(pkts / secs)) if secs > 0 else 0)
print("bytes_per_pkt", (int(rtp["tx_bytes"]) // pkts) if pkts else 0)
print("p99", "%.2f" % float(lat["p99"]))
print("max", "%.2f" % float(lat["max"]))
print("refused", int(d["media"]["tx"]["refused"]))
print("nombuf", int(d["media"]["tx"]["nombuf"]))
EOF
}

field() { # field FILE KEY
	sed -n "s/^$2 //p" "$1"
}

# mediablast TX-only run on net_null: run_mbl STREAMS TAG -> $TMP/TAG.fields
run_mbl() {
	streams=$1 tag=$2
	rep=$TMP/$tag.json log=$TMP/$tag.log
	rm -rf "/var/run/dpdk/$PREFIX" "$rep"
	cpu_mark
	# 1 M streams need a few seconds of setup: allow DUR + 35 s, then KILL.
	# the net_null profile: a sink port (no-rx=1), software checksums
	timeout -s INT -k 5 $((DUR + 35)) "$BIN" $MEM -m 2048 \
		-l 0-1 --file-prefix "$PREFIX" -- --set port.profile=net_null \
		--set media.remote_mac=02:00:00:00:00:02 \
		--set media.streams="$streams" --set media.ptime=20 --set media.codec=PCMU \
		--set media.local_ip=198.18.0.1-198.18.0.200 \
		--set media.remote_ip=198.18.1.1-198.18.1.200 \
		--set media.rtcp=false --set run.console=false \
		--duration "$DUR" --report "$rep" </dev/null >"$log" 2>&1
	rc=$?
	other_load "$tag"
	rm -rf "/var/run/dpdk/$PREFIX"
	if [ $rc -ne 0 ]; then
		tail -n 5 "$log" >&2
		[ $rc -eq 124 ] && fail "mediablast ($tag) did not finish within $((DUR + 35)) s"
		fail "mediablast ($tag) exited with status $rc (log above)"
	fi
	[ -s "$rep" ] || fail "mediablast ($tag) wrote no report $rep"
	report_fields "$rep" >"$TMP/$tag.fields" 2>"$TMP/$tag.perr" || {
		cat "$TMP/$tag.perr" >&2
		fail "cannot read the report of mediablast ($tag)"
	}
	[ "$(field "$TMP/$tag.fields" interrupted)" = 0 ] ||
		fail "mediablast ($tag) reports an interrupted run"
	[ "$(field "$TMP/$tag.fields" tx_packets)" -gt 0 ] ||
		fail "mediablast ($tag) sent no RTP packets"
	bpp=$(field "$TMP/$tag.fields" bytes_per_pkt)
	[ "$bpp" = "$RTP_BYTES" ] ||
		echo "bench: WARNING: $tag: $bpp RTP bytes per packet, expected $RTP_BYTES (frame size differs from the testpmd baseline)" >&2
	echo "bench: $tag: $streams streams: $(field "$TMP/$tag.fields" pps) pps, pacer p99 $(field "$TMP/$tag.fields" p99) us" >&2
}

# testpmd txonly baseline: run_testpmd TAG -> mean Tx-pps in $TP_PPS_RUN
run_testpmd() {
	tag=$1 log=$TMP/$1.log
	rm -rf "/var/run/dpdk/$TP_PREFIX"
	cpu_mark
	timeout -s INT -k 5 "$TP_SECONDS" "$TESTPMD" $MEM -m 1024 --no-pci \
		--vdev net_null0 -l 0-1 --file-prefix "$TP_PREFIX" -- \
		--forward-mode=txonly --txpkts=$FRAME --total-num-mbufs=8192 \
		--stats-period 1 </dev/null >"$log" 2>&1
	rc=$?
	other_load "$tag"
	rm -rf "/var/run/dpdk/$TP_PREFIX"
	# timeout's SIGINT is the normal end (status 124).
	if [ $rc -ne 124 ] && [ $rc -ne 0 ]; then
		tail -n 5 "$log" >&2
		fail "dpdk-testpmd ($tag) exited with status $rc (log above)"
	fi
	# Skip the first two samples (0, then a partial start-up interval).
	pps=$(awk '/Tx-pps:/ { n++; if (n > 2) { s += $2; k++ } }
		END { if (k >= 2) printf "%d\n", s / k }' "$log")
	if [ -z "$pps" ] || [ "$pps" -le 0 ]; then
		tail -n 5 "$log" >&2
		fail "dpdk-testpmd ($tag) printed too few Tx-pps samples"
	fi
	echo "bench: $tag: testpmd txonly $pps pps ($(grep -c 'Tx-pps:' "$log") samples)" >&2
	TP_PPS_RUN=$pps
}

best_max() { # prints the largest of its arguments
	printf '%s\n' "$@" | sort -n | tail -n 1
}

# 1. throughput: mediablast vs testpmd, interleaved, best of RUNS each
mbl_all='' tp_all=''
i=1
while [ $i -le "$RUNS" ]; do
	run_mbl "$CAP_STREAMS" "cap$i"
	mbl_all="$mbl_all $(field "$TMP/cap$i.fields" pps)"
	run_testpmd "tp$i"
	tp_all="$tp_all $TP_PPS_RUN"
	i=$((i + 1))
done
# shellcheck disable=SC2086
MBL_PPS=$(best_max $mbl_all)
# shellcheck disable=SC2086
TP_PPS=$(best_max $tp_all)
RATIO=$(python3 -c "print('%.3f' % ($MBL_PPS / $TP_PPS))")

# 2. pacer at 100 k streams of 20 ms, best (lowest p99) of RUNS
best='' best_p99=''
i=1
while [ $i -le "$RUNS" ]; do
	run_mbl "$PACER_STREAMS" "pacer$i"
	p99=$(field "$TMP/pacer$i.fields" p99)
	if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $p99 < $best_p99 else 1)"; then
		best=pacer$i best_p99=$p99
	fi
	i=$((i + 1))
done
P99=$best_p99
PMAX=$(field "$TMP/$best.fields" max)
PPPS=$(field "$TMP/$best.fields" pps)

# Baseline for the pacer: an ideal busy loop on the worker's CPU keeping the
# same schedule (5 M events/s) with no work at all; its lateness is what the
# machine (interrupts, hypervisor) imposes. Best (lowest p99) of RUNS.
cc -O2 -o "$TMP/stall_probe" scripts/stall_probe.c || fail "cannot build scripts/stall_probe.c"
IDEAL_P99='' IDEAL_MAX=''
i=1
while [ $i -le "$RUNS" ]; do
	set -- $("$TMP/stall_probe" 1 $((PACER_STREAMS * 50)) "$DUR")
	if [ -z "$IDEAL_P99" ] || python3 -c "import sys; sys.exit(0 if $2 < $IDEAL_P99 else 1)"; then
		IDEAL_P99=$2 IDEAL_MAX=$3
	fi
	i=$((i + 1))
done
echo "bench: ideal busy loop at 5 M events/s: lateness p99 $IDEAL_P99 us max $IDEAL_MAX us" >&2
IRATIO=$(python3 -c "print('%.3f' % ($P99 / max($IDEAL_P99, 0.01)))")

echo "BENCH rtp_tx_pps_core $MBL_PPS pps vs testpmd_txonly $TP_PPS ratio $RATIO"
echo "BENCH pacer_lateness_p99_us $P99 us vs ideal_busy_loop_p99 $IDEAL_P99 ratio $IRATIO"
echo "BENCH pacer_lateness_max_us $PMAX us vs ideal_busy_loop_max $IDEAL_MAX ratio $(python3 -c "print('%.3f' % ($PMAX / max($IDEAL_MAX, 0.01)))")"
echo "BENCH rtp_tx_pps_100k_streams $PPPS pps"

# 3. SRTP protect in the real pipeline (net_null, one worker, 172-byte RTP:
# PCMU 20 ms), per suite and engine, against dpdk-test-crypto-perf on
# crypto_aesni_mb doing the same operation on the same size in this run.
CRYPTOPERF=${CRYPTOPERF:-dpdk-test-crypto-perf}
SRTP_SUITES=${SRTP_SUITES:-"AES_CM_128_HMAC_SHA1_80 AEAD_AES_128_GCM"}
srtp_keylen() { case $1 in AES_192*) echo 38 ;; AES_256*) echo 46 ;; AEAD_AES_128*) echo 28 ;;
	AEAD_AES_256*) echo 44 ;; *) echo 30 ;; esac; }
run_srtp() { # run_srtp SUITE ENGINE STREAMS TAG -> pps in SRTP_PPS
	key=$(head -c "$(srtp_keylen "$1")" /dev/urandom | base64 -w0)
	rep=$TMP/$4.json log=$TMP/$4.log
	rm -rf "/var/run/dpdk/$PREFIX" "$rep"
	timeout -s INT -k 5 $((DUR + 60)) "$BIN" $MEM -m 3000 -l 0-1 --file-prefix "$PREFIX" -- \
		--set port.profile=net_null --set media.remote_mac=02:00:00:00:00:02 \
		--set media.streams="$3" --set media.local_ip=198.18.0.1-198.18.0.20 \
		--set media.remote_ip=198.18.1.1-198.18.1.20 --set media.rtcp=false \
		--set run.console=false --set media.srtp_engine="$2" \
		--set "media.tx_crypto=$1 inline:$key" --duration "$DUR" --report "$rep" \
		</dev/null >"$log" 2>&1 || { tail -n 5 "$log" >&2; fail "mediablast SRTP ($4)"; }
	rm -rf "/var/run/dpdk/$PREFIX"
	SRTP_PPS=$(python3 -c "import json,sys; d=json.load(open('$rep'))
print(int(d['media']['rtp']['tx_packets'] / float(d['run']['tx_seconds'])))")
	echo "bench: $4: $1 on $2, $3 streams: $SRTP_PPS pps" >&2
}
run_cryptoperf() { # run_cryptoperf SUITE -> MOps in CP_PPS
	case $1 in
	AEAD_AES_128_GCM) op="--optype aead --aead-algo aes-gcm --aead-op encrypt --aead-key-sz 16 --aead-iv-sz 12 --aead-aad-sz 12 --digest-sz 16" ;;
	AEAD_AES_256_GCM) op="--optype aead --aead-algo aes-gcm --aead-op encrypt --aead-key-sz 32 --aead-iv-sz 12 --aead-aad-sz 12 --digest-sz 16" ;;
	AES_256_CM*) op="--optype cipher-then-auth --cipher-algo aes-ctr --cipher-op encrypt --cipher-key-sz 32 --cipher-iv-sz 16 --auth-algo sha1-hmac --auth-op generate --auth-key-sz 20" ;;
	*) op="--optype cipher-then-auth --cipher-algo aes-ctr --cipher-op encrypt --cipher-key-sz 16 --cipher-iv-sz 16 --auth-algo sha1-hmac --auth-op generate --auth-key-sz 20" ;;
	esac
	case $1 in *_32) op="$op --digest-sz 4" ;; AES_*|NULL_*) op="$op --digest-sz 10" ;; esac
	rm -rf "/var/run/dpdk/$TP_PREFIX"
	# shellcheck disable=SC2086
	out=$(timeout -k 5 60 "$CRYPTOPERF" $MEM -m 1024 --no-pci -l 0-1 --vdev crypto_aesni_mb0 \
		--file-prefix "$TP_PREFIX" -- --devtype crypto_aesni_mb $op --buffer-sz 172 \
		--burst-sz 32 --total-ops 5000000 --ptest throughput --silent 2>&1) ||
		{ echo "$out" | tail -n 5 >&2; fail "dpdk-test-crypto-perf ($1)"; }
	rm -rf "/var/run/dpdk/$TP_PREFIX"
	CP_PPS=$(echo "$out" | awk '$1 == "1" && $2 == "172" { printf "%d\n", $8 * 1e6 }' | tail -1)
	[ -n "$CP_PPS" ] || fail "dpdk-test-crypto-perf ($1): no throughput line"
	echo "bench: cryptoperf $1: $CP_PPS ops/s" >&2
}
command -v "$CRYPTOPERF" >/dev/null 2>&1 || fail "$CRYPTOPERF not found (dpdk package)"
for suite in $SRTP_SUITES; do
	run_cryptoperf "$suite"
	best=0
	i=1
	while [ $i -le "$RUNS" ]; do
		run_srtp "$suite" cryptodev 200000 "srtp-cdev-$suite-$i"
		[ "$SRTP_PPS" -gt "$best" ] && best=$SRTP_PPS
		i=$((i + 1))
	done
	name=$(echo "srtp_$suite" | tr 'A-Z' 'a-z')
	echo "BENCH ${name}_pps_core $best pps vs cryptoperf_aesni_mb $CP_PPS ratio $(python3 -c "print('%.3f' % ($best / $CP_PPS))")"
	# the libsrtp2 engine (Debian's, NSS backend): far slower, fewer streams
	run_srtp "$suite" libsrtp 4000 "srtp-libsrtp-$suite"
	echo "BENCH ${name}_libsrtp_pps_core $SRTP_PPS pps vs cryptoperf_aesni_mb $CP_PPS ratio $(python3 -c "print('%.3f' % ($SRTP_PPS / $CP_PPS))")"
done

# DTLS-SRTP handshakes per second on one core: lib/dtls (both ends in one
# thread, in memory, keys exported) against bare OpenSSL doing the same
# handshake over two UDP sockets on 127.0.0.1. Best of RUNS, interleaved.
DB=$(dirname "$BIN")/dtls_bench
if [ -x "$DB" ]; then
	best_m=0 best_b=0 i=0
	while [ "$i" -lt "$RUNS" ]; do
		m=$(timeout 120 "$DB" mbl 400) || fail "dtls_bench mbl"
		b=$(timeout 120 "$DB" bare 400) || fail "dtls_bench bare"
		best_m=$(python3 -c "print(max($best_m, $m))")
		best_b=$(python3 -c "print(max($best_b, $b))")
		i=$((i + 1))
	done
	echo "BENCH dtls_handshakes_core $best_m handshakes/s vs openssl_bare $best_b ratio $(python3 -c "print('%.3f' % ($best_m / $best_b))")"
else
	echo "bench: $DB missing (make $DB): no DTLS figure" >&2
fi

# SIP calls/s between two instances against SIPp (scripts/bench_sip.sh)
sh "$(dirname "$0")/bench_sip.sh" "$BIN" || fail "bench_sip.sh"

# WebRTC (WSS + ICE + DTLS) call set-up rate against DTLS over SIP/UDP
# (scripts/bench_webrtc.sh)
sh "$(dirname "$0")/bench_webrtc.sh" "$BIN" || fail "bench_webrtc.sh"

# Human summary (stderr). Goals are information, never a failure.
[ -n "$NOISY" ] && echo "bench: note: runs with other load on the machine:$NOISY" >&2
python3 - "$MBL_PPS" "$RATIO" "$P99" "$PPPS" "$GOAL_PPS" "$GOAL_RATIO" "$GOAL_P99_US" \
	"$PACER_STREAMS" "$RUNS" "${BUSY0:-0}" >&2 <<'EOF'
import sys
pps, ratio, p99, ppps = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
gpps, gratio, gp99 = int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
streams, runs, busy = int(sys.argv[8]), int(sys.argv[9]), int(sys.argv[10])
offered = streams * 50
ok = lambda c: "met" if c else "MISSED"
print("bench summary (best of %d runs each; machine %d%% busy at start):" % (runs, busy))
print("  rtp_tx_pps_core  %.2f M pps  (goal >= %.0f M): %s" % (pps / 1e6, gpps / 1e6, ok(pps >= gpps)))
print("  ratio vs testpmd %.3f       (goal >= %.2f): %s" % (ratio, gratio, ok(ratio >= gratio)))
print("  pacer p99        %.2f us     (goal < %g us): %s" % (p99, gp99, ok(p99 < gp99)))
print("  pacer rate       %.3f M pps of %.3f M offered (%.2f%%)" % (ppps / 1e6, offered / 1e6, 100.0 * ppps / offered))
EOF
exit 0
