#!/bin/sh
# Shared helpers for the functional tests: lab namespaces joined by veth
# pairs (addresses from 198.18.0.0/15 only), process bookkeeping, results.
# Every test sources this, calls lab_init, and its EXIT trap tears down
# everything it started.

: "${MBL:=build/mediablast}"
: "${OUT:=tests/functional/out}"
TAG="mbl$$"
PIDS=""
NSES=""
CLEAN=""
FAILS=0

lab_init() {
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: functional tests need root (netns)"; exit 77; }
	mkdir -p "$OUT"
	trap lab_cleanup EXIT
	# a signal ends the test (the EXIT trap cleans up), not just one wait
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

lab_cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for n in $NSES; do ip netns del "$n" 2>/dev/null; done
	rm -rf /var/run/dpdk/"$TAG"-* 2>/dev/null
	# shellcheck disable=SC2086
	[ -z "$CLEAN" ] || rm -rf $CLEAN
}

# lab_tmp PATH...: scratch files or directories (no spaces) removed at exit
lab_tmp() { CLEAN="$CLEAN $*"; }

# ns_add NS: a lab namespace (removed at exit), loopback up, IPv6 off so
# the kernel sends nothing of its own on the wire.
ns_add() {
	ip netns add "$1" && NSES="$NSES $1"
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip netns exec "$1" ip link set lo up
}

# ns_link A IFA B IFB: a veth pair between two lab namespaces (IFA in A, IFB
# in B), links up, IPv6 off on both ends.
ns_link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	for x in "$1:$2" "$3:$4"; do
		ns=${x%%:*}; ifc=${x#*:}
		ip netns exec "$ns" sysctl -qw net.ipv6.conf."$ifc".disable_ipv6=1
		ip netns exec "$ns" ip link set "$ifc" up
	done
}

# ns_pair A B IFA IFB: two namespaces joined by a veth pair.
ns_pair() {
	ns_add "$1"
	ns_add "$2"
	ns_link "$1" "$3" "$2" "$4"
}

bg() { "$@" & PIDS="$PIDS $!"; LAST_PID=$!; }

# wait_sock PATH: until a memif server listens on PATH (its EAL has probed
# the port), at most 30 s; a fixed sleep is too short on a loaded machine.
# DPDK 22.11's memif socket is abstract by default: no file, so ask ss.
wait_sock() {
	for _ in $(seq 1 300); do
		{ [ -S "$1" ] || ss -xl 2>/dev/null | grep -qF -- "@$1"; } && return 0
		sleep 0.1
	done
	echo "FAIL: no socket $1 after 30 s"; FAILS=$((FAILS + 1)); return 1
}

ok() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# srtp_key SUITE: a random base64 master key||salt of the suite's size
# (RFC 4568 inline key; GCM salts are 12 bytes, RFC 7714)
srtp_key() {
	case $1 in AES_192*) n=38 ;; AES_256*) n=46 ;; AEAD_AES_128*) n=28 ;;
		AEAD_AES_256*) n=44 ;; *) n=30 ;; esac
	head -c "$n" /dev/urandom | base64 -w0
}

# json FILE KEY.PATH: one value of a report
json() { python3 -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"; }

finish() {
	if [ "$FAILS" -eq 0 ]; then echo "RESULT: pass"; exit 0; fi
	echo "RESULT: $FAILS check(s) failed"; exit 1
}
