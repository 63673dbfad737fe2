#!/usr/bin/env python3
"""Checks of an HTML report (t_html.sh), python3's standard library only.

html_check.py browse PAGE.html SHOT.png [PDF]
    Open PAGE in headless chromium (DevTools protocol over a pipe, no
    port), wait for its load event, then print one line per problem the
    page caused: console messages of level error or warning, uncaught
    exceptions, log entries (a refused or failed load is one) and failed
    network requests. Save a full-page screenshot as SHOT.png and, when
    PDF is given, print the page to it (print layout). Exit 0 with no
    problem, 1 with any, 2 when the browser could not do it. chromium is
    bounded by `timeout 60` and every wait here by a deadline; its profile
    lives in a temporary directory removed before exit.

html_check.py png SHOT.png MIN_PIXELS MIN_COLOURS
    Decode the PNG (zlib, filters 0-4, 8-bit RGB or RGBA) and require at
    least MIN_PIXELS pixels unlike the background (the most common colour)
    and MIN_COLOURS distinct colours among them. Prints the figures.

html_check.py structure PAGE.html LABEL... [--svg ID[=LABEL,...]]...
    The page's structure: a summary and a verdict section before the
    charts, no script and no reference to anything outside the page,
    every LABEL in the summary; every svg well-formed XML with a title,
    two axes with ticks and labels, and a legend naming at least one
    LABEL; exactly one svg per --svg ID, its legend naming every LABEL
    (or those listed after "=").
"""
import base64
import html.parser
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
import zlib

DEADLINE_S = 50


class Cdp:
    """Chromium's DevTools protocol over --remote-debugging-pipe: fd 3 is
    its input, fd 4 its output, messages NUL-terminated JSON."""

    def __init__(self, profile):
        to_chrome_r, self.w = os.pipe()
        self.r, from_chrome_w = os.pipe()

        def fds():
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        env = dict(os.environ, HOME=profile, XDG_CONFIG_HOME=profile, XDG_CACHE_HOME=profile)
        self.p = subprocess.Popen(
            ["timeout", "-k", "5", "60", "chromium", "--headless", "--no-sandbox",
             "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking",
             "--user-data-dir=" + os.path.join(profile, "chromium"),
             "--remote-debugging-pipe", "--window-size=1100,900", "about:blank"],
            preexec_fn=fds, close_fds=False, env=env,
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(profile, "stderr"), "w"))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf, self.id, self.events = b"", 0, []
        self.end = time.monotonic() + DEADLINE_S

    def recv(self):
        while b"\0" not in self.buf:
            left = self.end - time.monotonic()
            if left <= 0 or not select.select([self.r], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            d = os.read(self.r, 1 << 20)
            if not d:
                raise EOFError("chromium went away")
            self.buf += d
        m, self.buf = self.buf.split(b"\0", 1)
        return json.loads(m)

    def call(self, method, params=None, session=None):
        self.id += 1
        m = {"id": self.id, "method": method, "params": params or {}}
        if session:
            m["sessionId"] = session
        os.write(self.w, json.dumps(m).encode() + b"\0")
        while True:
            r = self.recv()
            if r.get("id") == self.id:
                if "error" in r:
                    raise RuntimeError(f"{method}: {r['error']}")
                return r.get("result", {})
            self.events.append(r)

    def wait_event(self, name):
        while not any(e.get("method") == name for e in self.events):
            self.events.append(self.recv())

    def close(self):
        try:
            self.call("Browser.close")
        except Exception:
            pass
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()


def problems(events):
    """One line per thing the page did wrong"""
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
            out.append(f"console.{p['type']}: {args}")
        elif m == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            out.append("exception: " + d.get("exception", {}).get("description", d["text"]))
        elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            en = p["entry"]
            out.append(f"log {en['level']} ({en['source']}): {en['text']} {en.get('url', '')}")
        elif m == "Network.loadingFailed":
            out.append(f"load failed: {p.get('type')} {p.get('errorText')} "
                       f"{p.get('blockedReason', '')}")
    return out


def browse(page, shot, pdf=None):
    profile = tempfile.mkdtemp(prefix="mbl-chromium-")
    cdp = None
    try:
        cdp = Cdp(profile)
        t = cdp.call("Target.createTarget", {"url": "about:blank"})
        s = cdp.call("Target.attachToTarget", {"targetId": t["targetId"],
                                               "flatten": True})["sessionId"]
        for d in ("Page", "Runtime", "Log", "Network"):
            cdp.call(d + ".enable", None, s)
        cdp.call("Page.navigate", {"url": "file://" + os.path.abspath(page)}, s)
        cdp.wait_event("Page.loadEventFired")
        time.sleep(0.3)  # messages the load itself left
        cdp.call("Runtime.evaluate", {"expression": "1"}, s)  # and every event before it
        img = cdp.call("Page.captureScreenshot", {"format": "png",
                                                  "captureBeyondViewport": True}, s)
        with open(shot, "wb") as f:
            f.write(base64.b64decode(img["data"]))
        if pdf:
            doc = cdp.call("Page.printToPDF", {"printBackground": True}, s)
            with open(pdf, "wb") as f:
                f.write(base64.b64decode(doc["data"]))
        bad = problems(cdp.events)
    except (TimeoutError, EOFError, RuntimeError, OSError) as e:
        print(f"ERROR: browser: {e}")
        return 2
    finally:
        if cdp is not None:
            cdp.close()
        shutil.rmtree(profile, ignore_errors=True)
    for b in bad:
        print("PROBLEM: " + b)
    print(f"INFO: {page}: {len(bad)} problem(s), screenshot {shot}")
    return 1 if bad else 0


def png_pixels(path):
    """(width, height, rows of bytes, bytes per pixel) of an 8-bit RGB(A) PNG"""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            ihdr = body
        elif kind == b"IDAT":
            idat += body
    w, h = int.from_bytes(ihdr[0:4], "big"), int.from_bytes(ihdr[4:8], "big")
    depth, ctype, interlace = ihdr[8], ihdr[9], ihdr[12]
    if depth != 8 or ctype not in (2, 6) or interlace != 0:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {ctype})")
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        ft, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, rows, bpp


def png_check(path, min_pixels, min_colours):
    w, h, rows, bpp = png_pixels(path)
    count = {}
    for r in rows:
        for x in range(0, w * bpp, bpp):
            k = r[x:x + 3]
            count[k] = count.get(k, 0) + 1
    bg = max(count, key=count.get)
    ink = w * h - count[bg]
    colours = len([k for k, v in count.items() if k != bg and v >= 20])
    print(f"INFO: {path}: {w}x{h}, background #{bg.hex()}, {ink} other pixels, "
          f"{colours} colours (of 20 pixels or more)")
    if ink < min_pixels or colours < min_colours:
        print(f"FAIL: {path}: blank or nearly (want {min_pixels} pixels, {min_colours} colours)")
        return 1
    return 0


class Page(html.parser.HTMLParser):
    """Sections in order, svgs with their raw text, scripts and outside references"""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.text, self.sections, self.svgs, self.scripts, self.outside = text, [], [], 0, []
        self.svg_start = None
        self.summary_text, self.in_summary = "", False
        self.feed(text)

    def text_offset(self):
        line, col = self.getpos()
        return sum(len(x) for x in self.text.split("\n")[:line - 1]) + line - 1 + col

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a.get("id"))
            self.in_summary = a.get("id") == "summary"
        if tag == "script":
            self.scripts += 1
        for k in ("src", "href", "srcset", "action", "data", "xlink:href"):
            if k in a and a[k] and not a[k].startswith("#"):
                self.outside.append(f"<{tag} {k}={a[k]}>")
        if tag == "link" or tag in ("iframe", "object", "embed", "img"):
            self.outside.append(f"<{tag}>")
        if tag == "svg":
            self.svg_start = (self.text_offset(), a.get("id"))

    def handle_endtag(self, tag):
        if tag == "svg" and self.svg_start is not None:
            start, sid = self.svg_start
            end = self.text.index("</svg>", start) + len("</svg>")
            self.svgs.append((sid, self.text[start:end]))
            self.svg_start = None
        if tag == "section":
            self.in_summary = False

    def handle_data(self, data):
        if self.in_summary:
            self.summary_text += data


def structure(page, labels, want):
    """want: {svg id: labels its legend must name}"""
    text = open(page, encoding="utf-8").read()
    p = Page(text)
    bad = []
    if p.sections[:2] != ["summary", "verdict"]:
        bad.append(f"sections {p.sections}: summary and verdict must come first")
    if p.scripts:
        bad.append(f"{p.scripts} script element(s)")
    if p.outside:
        bad.append("references outside the page: " + ", ".join(p.outside[:5]))
    for lb in labels:
        if lb not in p.summary_text:
            bad.append(f"run {lb} not in the summary")
    if "verdict" not in p.sections:
        bad.append("no verdict section")
    ns = "{http://www.w3.org/2000/svg}"
    ids = [sid for sid, _ in p.svgs]
    for sid in want:
        if ids.count(sid) != 1:
            bad.append(f"svg {sid}: {ids.count(sid)} of it, want 1")
    for sid, raw in p.svgs:
        try:
            root = ET.fromstring(raw)
        except ET.ParseError as e:
            bad.append(f"svg {sid}: not well-formed XML: {e}")
            continue
        title = root.find(ns + "title")
        legend = [("".join(t.itertext())) for g in root.iter(ns + "g")
                  if g.get("class") == "legend-item" for t in g.iter(ns + "text")]
        ticks = [g for g in root.iter(ns + "g") if g.get("class") in ("x-ticks", "y-ticks")]
        axis = [t for t in root.iter(ns + "text") if t.get("class") in ("x-label", "y-label")]
        if title is None or not (title.text or "").strip():
            bad.append(f"svg {sid}: no title")
        if len(ticks) != 2 or len(axis) != 2:
            bad.append(f"svg {sid}: {len(ticks)} tick groups and {len(axis)} axis labels, want 2 and 2")
        def named(lb):
            return any(x == lb or x.startswith(lb + ": ") for x in legend)
        if not any(named(lb) for lb in labels):
            bad.append(f"svg {sid}: legend {legend} names no run")
        if sid in want and not all(named(lb) for lb in want[sid]):
            bad.append(f"svg {sid}: legend {legend} lacks a run of {want[sid]}")
    for b in bad:
        print("FAIL: structure: " + b)
    print(f"INFO: {page}: sections {p.sections}, {len(p.svgs)} svg(s): {', '.join(map(str, ids))}")
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "browse":
        return browse(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    if len(sys.argv) == 5 and sys.argv[1] == "png":
        return png_check(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    if len(sys.argv) >= 3 and sys.argv[1] == "structure":
        labels, svgs, args = [], {}, sys.argv[3:]
        while args:
            a = args.pop(0)
            if a == "--svg":
                sid, _, who = args.pop(0).partition("=")
                svgs[sid] = who.split(",") if who else None
            else:
                labels.append(a)
        return structure(sys.argv[2], labels, {k: v or labels for k, v in svgs.items()})
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
