#!/usr/bin/env python3
"""Send every RFC 4475 / RFC 5118 torture message to a running UAS over UDP
or TCP and check the outcome expected.tsv asks for. Usage:
    sip_torture.py udp|tcp HOST PORT CORPUS_DIR
reject-NNN: answered with exactly NNN. drop: no answer. accept: handled as
well formed - no answer from the validation layer (400, 406, 415, 416, 420,
505); any call-level answer (100, 200, 405, 481, 488, 501 for an unregistered
method...) is fine. may-reject: anything, as long as the UAS lives on."""
import os
import socket
import sys
import time

proto, host, port, corpus = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
VALIDATION = {400, 406, 415, 416, 420, 505}
bad = 0


def check(cond, msg):
    global bad
    print(("PASS: " if cond else "FAIL: ") + f"{proto}: " + msg)
    bad += not cond


def statuses(data):
    out = []
    for line in data.split(b"\r\n"):
        if line.startswith(b"SIP/2.0 ") and len(line) >= 11 and line[8:11].isdigit():
            out.append(int(line[8:11]))
    return out


def ask_udp(msg, wait=0.4):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(wait)
    s.sendto(msg, (host, port))
    got = b""
    end = time.time() + wait
    while time.time() < end:
        try:
            got += s.recv(65535) + b"\r\n"
        except socket.timeout:
            break
    s.close()
    return statuses(got), True


def ask_tcp(msg, wait=0.4):
    s = socket.create_connection((host, port), timeout=2)
    s.settimeout(wait)
    s.sendall(msg)
    got, closed = b"", False
    end = time.time() + wait
    while time.time() < end:
        try:
            d = s.recv(65535)
            if not d:
                closed = True
                break
            got += d
        except socket.timeout:
            break
    s.close()
    return statuses(got), closed


def ping():
    # alive = answers OPTIONS within 3 tries of 1 s (the ASan build is slow,
    # and a datagram may meet a busy moment)
    return any(ping_once() for _ in range(3))


def ping_once():
    msg = (b"OPTIONS sip:uas@%s:%d SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1:9;branch=z9hG4bKp%d\r\n"
           b"Max-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=p\r\nTo: <sip:uas@%s>\r\n"
           b"Call-ID: ping%d@t\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
           % (host.encode(), port, proto.upper().encode(), time.time_ns(), host.encode(),
              time.time_ns()))
    return 200 in (ask_udp if proto == "udp" else ask_tcp)(msg, 1.0)[0]


ask = ask_udp if proto == "udp" else ask_tcp
for folder in ("rfc4475", "rfc5118"):
    d = os.path.join(corpus, folder)
    for line in open(os.path.join(d, "expected.tsv")):
        if line.startswith("#") or not line.strip():
            continue
        name, _, expect = line.split("\t")[:3]
        msg = open(os.path.join(d, name), "rb").read()
        got, closed = ask(msg)
        if expect.startswith("reject-"):
            want = int(expect[7:])
            # a request with no Call-ID cannot be answered (insuf): dropped;
            # on a stream, an unframeable message closes the connection
            # on a stream, a message whose framing says more bytes are coming
            # (clerr: Content-Length beyond what was sent; baddn: no final
            # CRLF) is waited for, and the idle timeout closes the connection
            waits = proto == "tcp" and not got and name in ("clerr.dat", "baddn.dat")
            ok = want in got or (not got and name == "insuf.dat") or \
                (proto == "tcp" and not got and closed) or waits
            check(ok, f"{name}: want {want}, got {got or 'nothing'}{' (closed)' if closed else ''}")
        elif expect == "drop":
            check(not got, f"{name}: dropped (got {got or 'nothing'})")
        elif expect == "accept":
            v = [s for s in got if s in VALIDATION]
            ok = not v or (proto == "tcp" and name == "inv2543.dat")  # no Content-Length on a stream
            check(ok, f"{name}: handled as well formed (got {got or 'nothing'})")
        check(ping(), f"alive after {name}") if expect == "may-reject" or name.endswith("01.dat") else None

# garbage: random datagrams / bytes never stop the UAS
for i in range(300):
    g = os.urandom(1 + i * 3)
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(g, (host, port))
        s.close()
    else:
        s = socket.create_connection((host, port), timeout=2)
        s.sendall(g + b"\r\n\r\n")
        s.close()
check(ping(), "alive after 300 garbage " + ("datagrams" if proto == "udp" else "connections"))
if proto == "tcp":
    # half-open connections: opened, nothing sent, left open
    held = [socket.create_connection((host, port), timeout=2) for _ in range(50)]
    check(ping(), "alive with 50 half-open connections")
    for s in held:
        s.close()
sys.exit(1 if bad else 0)
