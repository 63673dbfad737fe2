#!/bin/sh
# Bad input on the wire: every malformed frame is dropped and counted under
# its own reason, nothing crashes, and good media keeps flowing around it.
#
# Namespaces A and B joined by a veth pair. B runs one mediablast instance
# on net_af_packet (vb, 198.18.0.2, STREAMS streams). A runs no mediablast:
# a python3 injector writes hand-built frames onto va through an AF_PACKET
# socket (struct/socket only) and captures what comes back:
#   - ARP requests for 198.18.0.2 until one is answered (B is up), then
#     N_ARP more, each of which must be answered;
#   - N_ICMP echo requests, each of which must be answered (valid checksums);
#   - GOOD valid RTP packets (PT 0, 160 bytes) to stream 0, 20 ms apart,
#     with one malformed frame after each good one until every bad case has
#     been sent N times.
# B's report must then show exactly GOOD RTP packets for stream 0 with no
# loss, exactly N more under each expected drop reason and zero under every
# other reason, and the instance must exit 0.
#
# STREAMS and DURATION may be overridden (make functional-asan runs with
# STREAMS=200 DURATION=3): the injection takes about GOOD * 20 ms, which may
# outlast DURATION, but the receiver's drain phase keeps it receiving as long
# as accepted media keeps arriving, so every frame is still counted.
. tests/functional/lib.sh
: "${STREAMS:=10}" "${DURATION:=8}" "${N:=5}" "${GOOD:=200}" "${N_ICMP:=5}" "${N_ARP:=3}"
lab_init
A=$TAG-a B=$TAG-b
ns_pair "$A" "$B" va vb
AMAC=$(ip netns exec "$A" cat /sys/class/net/va/address)
BMAC=$(ip netns exec "$B" cat /sys/class/net/vb/address)
REP=$OUT/$TAG-malformed-b.json
LOG=$OUT/$TAG-malformed-b.log
INJ=$OUT/$TAG-malformed-inject.json
rm -f "$REP" "$LOG" "$INJ"

# Ip ReasmReqds of B's kernel: fragments queued for reassembly
reasm() {
	ip netns exec "$B" awk '$1 == "Ip:" { if (!h) { for (i = 1; i <= NF; i++)
		if ($i == "ReasmReqds") c = i; h = 1 } else print $c }' /proc/net/snmp
}
REASM0=$(reasm)

bg timeout 60 ip netns exec "$B" "$MBL" --no-huge -m 512 -l 0-1 --file-prefix "$B" -- \
	--set port.profile=net_af_packet --set port.iface=vb \
	--set media.local_ip=198.18.0.2 --set media.remote_ip=198.18.0.1 \
	--set media.remote_mac="$AMAC" --set media.streams="$STREAMS" \
	--set media.payload=probe --set run.console=false \
	--duration "$DURATION" --report "$REP" >"$LOG" 2>&1
pb=$LAST_PID

# The injector prints one JSON object: what it sent and what came back.
timeout 40 ip netns exec "$A" python3 - va "$AMAC" "$BMAC" "$N" "$GOOD" "$N_ICMP" \
	"$N_ARP" "$STREAMS" >"$INJ" <<'EOF'
import ctypes, json, select, socket, struct, sys, time

iface, amac_s, bmac_s = sys.argv[1:4]
N, GOOD, N_ICMP, N_ARP, STREAMS = (int(x) for x in sys.argv[4:9])
AMAC = bytes.fromhex(amac_s.replace(':', ''))
BMAC = bytes.fromhex(bmac_s.replace(':', ''))
A_IP = socket.inet_aton('198.18.0.1')
B_IP = socket.inet_aton('198.18.0.2')
OTHER_IP = socket.inet_aton('198.18.0.3')   # on the wire, owned by nobody
RTP_PORT, RTCP_PORT = 20000, 20001          # stream 0
PACKET_OUTGOING = 4

sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
# Classic BPF: keep only ARP and IPv4 ICMP, so B's own media (STREAMS
# streams at 50 pps) never crowds the replies out of the socket buffer.
#   ldh [12]; jeq 0x806 -> ok; jeq 0x800 else drop; ldb [23]; jeq 1 else drop
bpf = [(0x28, 0, 0, 12), (0x15, 3, 0, 0x806), (0x15, 0, 3, 0x800), (0x30, 0, 0, 23),
       (0x15, 0, 1, 1), (0x06, 0, 0, 0xffff), (0x06, 0, 0, 0)]
prog = ctypes.create_string_buffer(b''.join(struct.pack('HBBI', *i) for i in bpf))
SO_ATTACH_FILTER = 26
sk.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER,
              struct.pack('HL', len(bpf), ctypes.addressof(prog)))
sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
sk.bind((iface, 0))
sk.setblocking(False)

def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def spoil(c):
    # a wrong checksum that is not 0 (0 means "no UDP checksum")
    for x in (0x1234, 0x4321):
        if c ^ x not in (0, 0xffff):
            return c ^ x

def eth(payload, etype=0x0800, dst=BMAC):
    return dst + AMAC + struct.pack('!H', etype) + payload

ip_id = 0
def ip4(payload, proto=17, dst=B_IP, tot=None, frag=0, bad_csum=False):
    global ip_id
    ip_id = (ip_id + 1) & 0xffff
    tot = 20 + len(payload) if tot is None else tot
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, tot, ip_id, frag, 64, proto, 0, A_IP, dst)
    c = csum(h)
    if bad_csum:
        c = spoil(c)
    return h[:10] + struct.pack('!H', c) + h[12:] + payload

def udp_frame(payload, dport=RTP_PORT, dst=B_IP, ulen=None, bad_udp_csum=False, **ipkw):
    n = 8 + len(payload)
    h = struct.pack('!HHHH', 20000, dport, n, 0)
    c = csum(A_IP + dst + struct.pack('!BBH', 0, 17, n) + h + payload) or 0xffff
    if bad_udp_csum:
        c = spoil(c)
    h = struct.pack('!HHHH', 20000, dport, n if ulen is None else ulen, c)
    return eth(ip4(h + payload, dst=dst, **ipkw))

def rtp(seq, ts, ssrc, payload, pt=0, first=0x80):
    return struct.pack('!BBHII', first, pt, seq & 0xffff, ts & 0xffffffff, ssrc) + payload

def send(f):
    sk.send(f)

# ---- receive side: only frames B sent to A ------------------------------
arp_replies = 0
icmp_ok = set()
icmp_bad = 0
ICMP_ID = 0x4d42

def on_frame(f):
    global arp_replies, icmp_bad
    if len(f) < 14 or f[6:12] != BMAC:
        return
    etype = struct.unpack('!H', f[12:14])[0]
    if etype == 0x0806 and len(f) >= 42:
        op = struct.unpack('!H', f[20:22])[0]
        if (op == 2 and f[22:28] == BMAC and f[28:32] == B_IP and
                f[32:38] == AMAC and f[38:42] == A_IP and f[0:6] == AMAC):
            arp_replies += 1
    elif etype == 0x0800 and len(f) >= 42 and f[23] == 1:
        ihl = (f[14] & 0x0f) * 4
        tot = struct.unpack('!H', f[16:18])[0]
        icmp = f[14 + ihl:14 + tot]
        if len(icmp) < 8 or icmp[0] != 0 or struct.unpack('!H', icmp[4:6])[0] != ICMP_ID:
            return
        ok = (csum(f[14:14 + ihl]) == 0 and csum(icmp) == 0 and
              f[26:30] == B_IP and f[30:34] == A_IP and icmp[8:] == icmp_payload)
        if ok:
            icmp_ok.add(struct.unpack('!H', icmp[6:8])[0])
        else:
            icmp_bad += 1

def pump(until):
    """Read and classify frames until the monotonic time until."""
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([sk], [], [], left)
        if not r:
            return
        while True:
            try:
                f, addr = sk.recvfrom(65535)
            except BlockingIOError:
                break
            if addr[2] != PACKET_OUTGOING:
                on_frame(f)

def arp_request():
    a = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, 1, AMAC, A_IP, b'\0' * 6, B_IP)
    return eth(a, etype=0x0806, dst=b'\xff' * 6)

# ---- 1. wait until B answers ARP ---------------------------------------
out = {'arp_probes': 0}
deadline = time.monotonic() + 20
while arp_replies == 0 and time.monotonic() < deadline:
    send(arp_request())
    out['arp_probes'] += 1
    pump(time.monotonic() + 0.1)
out['ready'] = arp_replies > 0
if not out['ready']:
    print(json.dumps(out))
    sys.exit(1)
first = arp_replies
for _ in range(N_ARP):
    send(arp_request())
    pump(time.monotonic() + 0.05)
pump(time.monotonic() + 0.2)
out['arp_replies_after_ready'] = arp_replies - first
out['arp_requests_total'] = out['arp_probes'] + N_ARP

# ---- 2. ICMP echo ------------------------------------------------------
icmp_payload = bytes(range(32))
for i in range(N_ICMP):
    m = struct.pack('!BBHHH', 8, 0, 0, ICMP_ID, i) + icmp_payload
    m = m[:2] + struct.pack('!H', csum(m)) + m[4:]
    send(eth(ip4(m, proto=1)))
    pump(time.monotonic() + 0.05)
pump(time.monotonic() + 0.3)
out['icmp_replies'] = len(icmp_ok)
out['icmp_bad_replies'] = icmp_bad

# ---- 3. good media with malformed frames in between --------------------
SSRC, OTHER_SSRC = 0x11223344, 0x55667788
pl = b'\xff' * 160        # PCMU silence, not a probe
def good(i, **kw):
    return rtp(1000 + i, 160 * i, SSRC, pl, **kw)

stun = struct.pack('!HHI', 0x0001, 0, 0x2112A442) + b'\x5a' * 12
dtls = bytes([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4]) + b'\x01\0\0\0'
# name -> (counter expected to rise by N, frame factory)
cases = [
    ('short_packet', 'short_packet', lambda: udp_frame(b'\x80\x00\x00\x01\x00')),
    # version 1: first byte 0x40 lies in the RFC 7983 TURN-channel range
    # (64..79). Demux sends only 128..191 to the RTP parser, so a non-2
    # version never reaches mbl_rtp_parse (lib/dp/dp_rx.c dp_rx_udp_payload,
    # lib/rtp/mbl_rtp.h mbl_rtp_demux) and is counted as demux_unknown;
    # bad_version stays 0 (asserted below with the other reasons).
    ('version_1', 'demux_unknown', lambda: udp_frame(rtp(1, 0, SSRC, pl, first=0x40))),
    ('csrc_overrun', 'csrc_overrun',        # CC 15 = 60 bytes, 8 present
     lambda: udp_frame(rtp(1, 0, OTHER_SSRC, b'\0' * 8, first=0x8f))),
    ('extension_overrun', 'extension_overrun',  # 100 words announced, 4 present
     lambda: udp_frame(rtp(1, 0, OTHER_SSRC, struct.pack('!HH', 0xbede, 100) + b'\0' * 4,
                           first=0x90))),
    ('bad_padding', 'bad_padding',          # 200 padding bytes in a 10-byte payload
     lambda: udp_frame(rtp(1, 0, OTHER_SSRC, b'\0' * 9 + b'\xc8', first=0xa0))),
    ('bad_ip_csum', 'bad_ip_csum', lambda: udp_frame(good(0), bad_csum=True)),
    ('bad_udp_csum', 'bad_udp_csum', lambda: udp_frame(good(0), bad_udp_csum=True)),
    ('bad_udp_len', 'bad_udp_len', lambda: udp_frame(good(0), ulen=8 + 172 + 20)),
    # Fragments never reach mediablast on this port: net_af_packet joins a
    # PACKET_FANOUT group with PACKET_FANOUT_FLAG_DEFRAG (DPDK 22.11
    # drivers/net/af_packet/rte_eth_af_packet.c, rte_pmd_init_internals), so
    # the kernel (ip_check_defrag) queues every IPv4 fragment for reassembly
    # and these, never completed, expire there. They are counted by B's
    # kernel (Ip ReasmReqds) instead; media.dropped.ip_fragment stays 0.
    # The parser's own fragment check is covered by lib/net/parse_test.c.
    ('ip_fragment', '@kernel_defrag', lambda: udp_frame(good(0), frag=0x2000)),  # MF
    ('ip_fragment_offset', '@kernel_defrag', lambda: udp_frame(good(0), frag=0x0010)),
    ('short_frame', 'short_frame', lambda: udp_frame(good(0), tot=20 + 8 + 172 + 100)),
    # the RTP port stream STREAMS would have: one past the last stream
    ('unknown_stream', 'unknown_stream',
     lambda: udp_frame(good(0), dport=RTP_PORT + 2 * STREAMS)),
    ('not_local', 'not_local', lambda: udp_frame(good(0), dst=OTHER_IP)),
    ('stun', 'stun_unhandled', lambda: udp_frame(stun)),
    ('dtls', 'dtls_unhandled', lambda: udp_frame(dtls)),
    ('wrong_pt', 'wrong_pt', lambda: udp_frame(rtp(1, 0, OTHER_SSRC, pl, pt=96))),
    # SR whose length field announces 21 words in a 7-word datagram
    ('rtcp_bad_length', 'rtcp_bad_length',
     lambda: udp_frame(struct.pack('!BBHI', 0x80, 200, 20, SSRC) + b'\0' * 20,
                       dport=RTCP_PORT)),
]
bad = [c for c in cases for _ in range(N)]
out['cases'] = {}
for name, counter, _ in cases:
    out['cases'][name] = counter
t = time.monotonic()
late = 0
for i in range(GOOD):
    send(udp_frame(good(i)))
    if i < len(bad):
        send(bad[i][2]())
    t += 0.020
    if time.monotonic() > t:
        late += 1
    pump(t)
out['good_sent'] = GOOD
out['bad_sent'] = min(GOOD, len(bad))
out['bad_total'] = len(bad)
out['late_slots'] = late
pump(time.monotonic() + 0.2)
print(json.dumps(out))
EOF
irc=$?
if [ "$irc" -eq 0 ]; then ok "injector ran"; else fail "injector exit $irc: $(cat "$INJ")"; fi

REASM1=$(reasm)

wait "$pb"; rb=$?
[ "$rb" -eq 0 ] && ok "instance exited 0" || { fail "instance exit $rb"; tail -20 "$LOG"; }
[ -s "$REP" ] || { fail "no report $REP"; finish; }

python3 - "$INJ" "$REP" "$N" "$GOOD" "$N_ICMP" "$N_ARP" "$((REASM1 - REASM0))" <<'EOF'
import json, sys
inj_p, rep_p = sys.argv[1:3]
N, GOOD, N_ICMP, N_ARP, REASM = (int(x) for x in sys.argv[3:8])
rep = json.load(open(rep_p))
m = rep['media']
d = m['dropped']
try:
    inj = json.load(open(inj_p))
except ValueError:
    inj = {}
fails = 0
def check(cond, what):
    global fails
    print(('PASS: ' if cond else 'FAIL: ') + what)
    fails += not cond

cases = inj.get('cases', {})
check(inj.get('ready') is True, 'B answered ARP within 20 s (%s probes)' % inj.get('arp_probes'))
check(inj.get('bad_sent') == inj.get('bad_total'), 'every malformed frame was sent (%s of %s)'
      % (inj.get('bad_sent'), inj.get('bad_total')))
# expected rise per counter: N per case (two cases share ip_fragment)
want = {}
for name, counter in cases.items():
    want[counter] = want.get(counter, 0) + N
kernel = want.pop('@kernel_defrag', 0)
for counter in sorted(want):
    check(counter in d, 'media.dropped has key %s' % counter)
check(REASM == kernel, 'IP fragments: B kernel Ip ReasmReqds +%d (want %d: consumed by '
      'the af_packet PMD fanout defrag, see the comment in the injector)' % (REASM, kernel))
check(d.get('ip_fragment') == 0, 'media.dropped.ip_fragment = %s (want 0: no fragment '
      'reaches the PMD)' % d.get('ip_fragment'))
for counter, n in sorted(want.items()):
    check(d.get(counter) == n, 'media.dropped.%s = %s (want %d)' % (counter, d.get(counter), n))
others = {k: v for k, v in d.items() if k not in want and k != 'total'}
nonzero = ', '.join('%s=%d' % kv for kv in sorted(others.items()) if kv[1])
check(not nonzero, 'every other drop reason (%d of them) is 0%s'
      % (len(others), ' (' + nonzero + ')' if nonzero else ''))
check('bad_version' in d and d['bad_version'] == 0,
      'media.dropped.bad_version = 0 (version 1 is demuxed away first)')
check(d.get('total') == sum(want.values()),
      'media.dropped.total = %s (want %d)' % (d.get('total'), sum(want.values())))

r = m['rtp']
check(r['rx_packets'] == GOOD, 'media.rtp.rx_packets = %d (want %d)' % (r['rx_packets'], GOOD))
check(r['expected'] == GOOD and r['lost'] == 0 and r['duplicates'] == 0,
      'stream 0: expected %d lost %d duplicates %d' % (r['expected'], r['lost'], r['duplicates']))
check(r['ssrc_changes'] == 0, 'no SSRC change from malformed packets (%d)' % r['ssrc_changes'])
check(m['streams_receiving'] == 1, 'one stream receiving (%d)' % m['streams_receiving'])
check(r['tx_packets'] > 0, 'B kept sending media (%d packets)' % r['tx_packets'])

l2 = m['l2']
check(inj.get('icmp_replies') == N_ICMP and inj.get('icmp_bad_replies') == 0,
      'ICMP echo: %s of %d replies captured on va, %s bad'
      % (inj.get('icmp_replies'), N_ICMP, inj.get('icmp_bad_replies')))
check(l2['icmp_echo_reply'] == N_ICMP, 'media.l2.icmp_echo_reply = %d (want %d)'
      % (l2['icmp_echo_reply'], N_ICMP))
check(inj.get('arp_replies_after_ready') == N_ARP,
      'ARP: %s of %d replies captured on va' % (inj.get('arp_replies_after_ready'), N_ARP))
check(1 + N_ARP <= l2['arp_reply_tx'] <= inj.get('arp_requests_total', 0),
      'media.l2.arp_reply_tx = %d (between %d and %s requests)'
      % (l2['arp_reply_tx'], 1 + N_ARP, inj.get('arp_requests_total')))
if inj.get('late_slots'):
    print('note: injector was late for %d of %d 20 ms slots' % (inj['late_slots'], GOOD))
sys.exit(1 if fails else 0)
EOF
[ $? -eq 0 ] || FAILS=$((FAILS + 1))
[ "$FAILS" -eq 0 ] && rm -f "$REP" "$LOG" "$INJ"
finish
