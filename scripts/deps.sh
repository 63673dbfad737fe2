#!/bin/sh
# Install the Debian 12 packages mediablast needs to build, test and run.
# Idempotent: does nothing (quickly) when every package is present.
# Must run as root (or via sudo) on a machine that reaches Debian's archive.
set -eu

# openssl: certificates for the SIP/TLS tests and the demo; kamailio: the
# SIP proxy of the interop tests (its websocket and xhttp modules: the
# WebSocket front of t_sip_ws.sh); rtpengine-daemon: the media relay of the
# SBC test (run by the test in its namespace; Debian also enables a service
# that the tests do not use); baresip-core: the far-end UA of another;
# sip-tester: SIPp, the calls/s baseline; ethtool: veth checksum offload off;
# iptables: random loss in a router namespace (t_rtcp_peer; the kernel may lack netem);
# libxml2-utils: xmllint, a second opinion on compare's JUnit XML (t_compare);
# chromium: t_html opens the HTML report headless, offline, and screenshots it
# (fonts-dejavu-core: the face the report's style names, so text renders)
PKGS="build-essential pkg-config libdpdk-dev dpdk dpdk-dev libsrtp2-dev
      libosip2-dev libssl-dev libcmocka-dev libpcap-dev libbsd-dev tshark
      iproute2 python3 procps openssl ethtool kamailio kamailio-tls-modules
      kamailio-websocket-modules sip-tester
      baresip-core rtpengine-daemon iptables libxml2-utils chromium
      fonts-dejavu-core"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer once, no prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	$SUDO debconf-set-selections
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
