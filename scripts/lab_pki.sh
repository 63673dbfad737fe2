#!/bin/sh
# A throw-away PKI for the TLS lab runs (tests, demo, bench): a CA and one
# leaf certificate it signed, ECDSA P-256, valid 2 days.
# Usage: lab_pki.sh DIR NAME SUBJECT_ALT_NAME
#   writes DIR/ca.pem, DIR/ca.key, DIR/NAME.pem, DIR/NAME.key
#   (SUBJECT_ALT_NAME as openssl writes it: "IP:198.18.0.2,DNS:uas.test")
set -eu
d=$1 name=$2 san=$3
mkdir -p "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=mediablast lab CA" -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
	-keyout "$d/$name.key" -out "$d/$name.csr" 2>/dev/null
printf 'subjectAltName=%s\n' "$san" > "$d/$name.ext"
openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
	-days 2 -extfile "$d/$name.ext" -out "$d/$name.pem" 2>/dev/null
rm -f "$d/$name.csr" "$d/$name.ext"
