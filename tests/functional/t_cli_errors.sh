#!/bin/sh
# Bad input on the command line or in a scenario: one clear message naming
# file, line and key, exit status 2, and nothing started (no EAL needed).
. tests/functional/lib.sh
mkdir -p "$OUT"
S=$OUT/bad-scenario.ini

expect() { # expect DESCRIPTION PATTERN -- command...
	desc=$1 pat=$2; shift 3
	msg=$("$@" 2>&1 >/dev/null); rc=$?
	if [ "$rc" -eq 2 ] && printf '%s' "$msg" | grep -q -- "$pat"; then
		ok "$desc (exit 2: $(printf '%s' "$msg" | head -1))"
	else
		fail "$desc: exit $rc, message: $msg"
	fi
}

printf '[media]\nstreams = 10\nptime = 70\n' > "$S"
expect "ptime out of range names file:line:key" "bad-scenario.ini:3: media.ptime" -- \
	"$MBL" --no-pci -- --config "$S"
printf '[media]\ncodek = PCMU\n' > "$S"
expect "unknown key gets a suggestion" "bad-scenario.ini:2: media.codek: unknown key (did you mean media.codec?)" -- \
	"$MBL" --no-pci -- --config "$S"
printf '[media]\nstreams = 10\nstreams = 20\n' > "$S"
expect "duplicate key names both lines" "bad-scenario.ini:3: media.streams" -- \
	"$MBL" --no-pci -- --config "$S"
printf 'this is not ini\n' > "$S"
expect "syntax error" "bad-scenario.ini:1" -- "$MBL" --no-pci -- --config "$S"
expect "missing scenario file" "no-such.ini" -- "$MBL" --no-pci -- --config "$OUT/no-such.ini"
expect "bad --set value" "media.streams" -- "$MBL" --no-pci -- --set media.streams=abc
K=$(srtp_key AES_CM_128_HMAC_SHA1_80)
printf '[media]\nrx_crypto = AES_CM_128_HMAC_SHA1_80 inline:%s\nrx_verify = auth_only\n' "$K" > "$S"
expect "auth_only refused on libsrtp" "media.rx_verify: auth_only needs" -- \
	"$MBL" --no-pci -- --config "$S"
printf '[media]\ntx_crypto = AES_CM_128_HMAC_SHA1_80 inline:%s\ntx_crypto_next = AES_CM_128_HMAC_SHA1_80 inline:%s\n' "$K" "$K" > "$S"
expect "a next key needs a rekey time" "media.rekey_after_ms" -- "$MBL" --no-pci -- --config "$S"
printf '[media]\ntx_crypto = AES_CM_128_HMAC_SHA1_80 inline:%s\ntx_crypto_next = AEAD_AES_128_GCM inline:%s\nrekey_after_ms = 10\n' "$K" "$(srtp_key AEAD_AES_128_GCM)" > "$S"
expect "a rekey keeps the suite" "media.tx_crypto_next: needs media.tx_crypto with the same suite" -- \
	"$MBL" --no-pci -- --config "$S"
expect "unknown option" "--bogus" -- "$MBL" --no-pci -- --bogus
expect "missing port profile" "nonexistent" -- "$MBL" --no-pci -- --set port.profile=nonexistent
expect "payload file required" "media.payload_file" -- "$MBL" --no-pci -- --set media.payload=file
expect "G.729 cannot make a tone" "media.payload" -- "$MBL" --no-pci -- --set media.codec=G729
expect "a UAC needs a target" "sip.target: a UAC needs a target" -- "$MBL" --no-pci -- --role uac
expect "DTLS-SRTP needs RTCP muxed" "media.rtcp_mux: DTLS-SRTP" -- \
	"$MBL" --no-pci -- --role uas --set media.encryption=dtls
expect "DTLS-SRTP needs a suite with a use_srtp profile" "media.crypto_suites: none has" -- \
	"$MBL" --no-pci -- --role uas --set media.encryption=dual --set media.rtcp_mux=true \
	--set media.crypto_suites=AES_256_CM_HMAC_SHA1_80
expect "bad hold time spec" "call.hold" -- "$MBL" --no-pci -- --role uac \
	--set sip.target=127.0.0.1:5060 --set call.hold=forever
expect "bad SDES suite list" "media.crypto_suites: unknown suite" -- "$MBL" --no-pci -- --role uas \
	--set media.encryption=sdes --set media.crypto_suites=AES_CM_128_HMAC_SHA1_99
expect "a TLS UAS needs a certificate" "sip.tls.cert_file" -- "$MBL" --no-pci -- --role uas \
	--set sip.transport=tls
expect "streams beyond the port space" "media.streams" -- \
	"$MBL" --no-huge -m 512 --no-pci --vdev net_null0 -l 0-1 --file-prefix "$TAG-cli" -- \
	--set media.remote_mac=02:00:00:00:00:01 --set media.streams=100000 --duration 1
rm -rf /var/run/dpdk/"$TAG"-cli
"$MBL" -- --help > "$OUT/help.txt" 2>&1 && grep -q "media.ptime" "$OUT/help.txt" &&
	ok "--help lists the scenario keys" || fail "--help"
docs_ok=$("$MBL" -- --help-config-md | cmp -s - docs/config.md && echo y)
[ "$docs_ok" = y ] && ok "docs/config.md matches the schema" || fail "docs/config.md is stale: make docs"
finish
