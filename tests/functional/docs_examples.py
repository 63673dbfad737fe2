#!/usr/bin/env python3
"""Run every ```sh block of README.md and docs/*.md as written.

docs_examples.py NETNS REPO   run each block's commands from REPO inside
                              network namespace NETNS (made by
                              t_docs_examples.sh: veth0 198.18.0.1 toward
                              198.18.0.2, lo up); PASS/FAIL per command

A block's lines joined at a trailing backslash are one command; "#" starts
a comment. A `--role uas` command is a server: it starts in the background,
the block's next commands run against it, and it must then end by its own
--duration with exit status 0 like every other command. README's
`make demo` / `make check` block is what CI itself runs (`make check` runs
this test): it is listed, not run again. Fragments that are not commands
belong in ```text blocks. The files a command names with --report, --cdr,
--html or (mediablast html) -o must be written, and are removed after."""
import glob
import os
import re
import shlex
import subprocess
import sys
import time

# (file, first command) of blocks not run here, and why
NOT_RUN = {("README.md", "make demo"): "the README's set-up commands: CI runs make check itself"}


def blocks(repo):
    """[(file, line, [commands])] of every ```sh block"""
    out = []
    for path in ["README.md"] + sorted(glob.glob(os.path.join(repo, "docs", "*.md"))):
        rel = os.path.relpath(os.path.join(repo, path), repo)
        lines = open(os.path.join(repo, rel)).read().split("\n")
        i = 0
        while i < len(lines):
            if lines[i].strip() == "```sh":
                start, cmds, cur = i + 1, [], ""
                i += 1
                while i < len(lines) and lines[i].strip() != "```":
                    ln = re.sub(r"(^|\s)#.*$", "", lines[i]).rstrip()
                    if ln.endswith("\\"):
                        cur += ln[:-1] + " "
                    else:
                        cur += ln
                        if cur.strip():
                            cmds.append(" ".join(cur.split()))
                        cur = ""
                    i += 1
                out.append((rel, start, cmds))
            i += 1
    return out


def run(ns, repo, cmd, background=False):
    # each command gets a DPDK runtime directory of its own (a private
    # mount of /var/run/dpdk): the examples use EAL's default file prefix,
    # which another DPDK process on the machine may hold at the same time
    inner = f"ip netns exec {shlex.quote(ns)} sh -c {shlex.quote(cmd)}"
    argv = ["unshare", "--mount", "--propagation", "private", "sh", "-c",
            "mkdir -p /var/run/dpdk && mount -t tmpfs mbl-docs /var/run/dpdk && exec " + inner]
    if background:
        return subprocess.Popen(argv, cwd=repo, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    return subprocess.run(argv, cwd=repo, capture_output=True, text=True, timeout=600)


def written(cmd):
    """Files a command names as outputs (--report, --cdr, --html, html -o): relative to REPO"""
    w = shlex.split(cmd)
    return [w[i + 1] for i, a in enumerate(w[:-1])
            if a in ("--report", "--cdr", "--html") or (a == "-o" and "html" in w[:i])]


def main():
    ns, repo = sys.argv[1], sys.argv[2]
    bad = ran = 0
    for path, line, cmds in blocks(repo):
        why = NOT_RUN.get((path, cmds[0].split("#")[0].strip() if cmds else ""))
        if why is not None:
            print(f"INFO: {path}:{line}: not run here: {why}")
            continue
        servers, made = [], []
        for cmd in cmds:
            made += written(cmd)
            t0 = time.monotonic()
            if "--role uas" in cmd:
                servers.append((cmd, run(ns, repo, cmd, background=True), t0))
                time.sleep(2)  # listening before its client starts
                continue
            r = run(ns, repo, cmd)
            ran += 1
            ok = r.returncode == 0
            bad += not ok
            print(("PASS" if ok else "FAIL") + f": {path}:{line}: exit {r.returncode} in "
                  f"{time.monotonic() - t0:.0f} s: {cmd[:110]}")
            if not ok:
                print("\n".join("    " + x for x in (r.stdout + r.stderr).splitlines()[-15:]))
        for cmd, p, t0 in servers:
            out, _ = p.communicate(timeout=600)
            ran += 1
            ok = p.returncode == 0
            bad += not ok
            print(("PASS" if ok else "FAIL") + f": {path}:{line}: exit {p.returncode} in "
                  f"{time.monotonic() - t0:.0f} s (server, background): {cmd[:100]}")
            if not ok:
                print("\n".join("    " + x for x in out.splitlines()[-15:]))
        for f in made:
            full = os.path.join(repo, f)
            if not os.path.exists(full):
                print(f"FAIL: {path}:{line}: {f} was not written")
                bad += 1
            else:
                os.unlink(full)
    print(f"INFO: {ran} commands run")
    return 1 if bad or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
