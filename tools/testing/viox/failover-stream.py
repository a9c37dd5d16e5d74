#!/usr/bin/python3 -IS
# SPDX-License-Identifier: GPL-2.0
"""Numbered frames for the failover tests: a sender on the wire, a receiver
on each of a VM's two ports (its VF and its standby vport), and a report
of what reached whom.

  failover-stream.py send DEV DSTMAC RATE SECONDS LOG   (or until SIGTERM)
  failover-stream.py recv DEV LOG          (until SIGTERM; DEV down and up too)
  failover-stream.py report SENDLOG [--window T0 T1]... RECVLOG...

Frames carry ethertype 0x88b5, a magic and a sequence number. Logs are
"seq monotonic-time" lines. The report counts frames received, lost and
duplicated (one frame reaching both ports, or one port twice), groups the
lost ones into runs (their lengths and monotonic start times; the widest
as max_gap_ms: one frame's period when none was lost) and prints one JSON
object; it exits 1 if a frame was duplicated, if a run of losses is
longer than --max-gap-ms (100) or if a run falls outside every --window
(a switch's start and end, monotonic).
"""
import json
import signal
import socket
import struct
import sys
import time

ETHERTYPE = 0x88B5
MAGIC = b"VXFO"


def send(dev, dst, rate, seconds, log):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    src = open("/sys/class/net/%s/address" % dev).read().strip()
    head = (bytes.fromhex(dst.replace(":", "")) +
            bytes.fromhex(src.replace(":", "")) + struct.pack("!H", ETHERTYPE))
    period = 1.0 / rate
    start = time.monotonic()
    sent = []
    seq = 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    while not stop:
        due = start + seq * period
        now = time.monotonic()
        if now - start >= seconds:
            break
        if due > now:
            time.sleep(due - now)
        frame = head + MAGIC + struct.pack("!I", seq) + bytes(38)
        try:
            s.send(frame)
            sent.append((seq, time.monotonic()))
        except OSError:
            pass		# the wire's queue full: a frame never sent
        seq += 1
    with open(log, "w") as f:
        for n, t in sent:
            f.write("%d %.6f\n" % (n, t))


def recv(dev, log):
    got = []

    def done(*_):
        with open(log, "w") as f:
            for n, t in got:
                f.write("%d %.6f\n" % (n, t))
        sys.exit(0)

    signal.signal(signal.SIGTERM, done)
    # Not bound to DEV: a bound socket stops hearing it at its NETDEV_DOWN
    # and starts again only at its NETDEV_UP, after the driver has been
    # receiving for a while, where a guest's failover driver (an
    # rx_handler on the VF) never stops. Frames of other devices are
    # left out by name.
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETHERTYPE))
    # Forced: SO_RCVBUF stops at net.core.rmem_max (some 200 KB, a few
    # hundred frames), and a receiver the busy VM does not run for a
    # while lost frames there, which the report counted as the switch's.
    s.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)  # SO_RCVBUFFORCE
    open(log + ".ready", "w").close()
    while True:
        try:
            frame, addr = s.recvfrom(2048)
        except OSError:
            done()
        if addr[0] == dev and frame[14:18] == MAGIC:
            got.append((struct.unpack("!I", frame[18:22])[0], time.monotonic()))


def read_log(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                n, t = line.split()
                out.append((int(n), float(t)))
    except FileNotFoundError:
        pass
    return out


def report(args):
    max_gap = 100.0
    windows = []
    logs = []
    i = 1
    while i < len(args):
        if args[i] == "--window":
            windows.append((float(args[i + 1]), float(args[i + 2])))
            i += 3
        elif args[i] == "--max-gap-ms":
            max_gap = float(args[i + 1])
            i += 2
        else:
            logs.append(args[i])
            i += 1
    sent = dict(read_log(args[0]))
    seen = {}
    per_port = {}
    dups = 0
    for log in logs:
        frames = read_log(log)
        per_port[log] = len(frames)
        for n, _ in frames:
            if n in seen:
                dups += 1
            seen[n] = True
    lost = sorted(n for n in sent if n not in seen)
    runs = []
    for n in lost:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    bad = []
    run_ms = []
    run_at = []
    for a, b in runs:
        t0, t1 = sent[a], sent[b]
        # The frames on either side that did arrive bound the gap.
        before = sent.get(a - 1, t0)
        after = sent.get(b + 1, t1)
        ms = (after - before) * 1000
        run_ms.append(round(ms, 1))
        run_at.append(round(t0, 3))
        if ms > max_gap:
            bad.append("%d frames lost over %.0f ms (from %d)" % (b - a + 1, ms, a))
        if windows and not any(w0 - 0.05 <= t0 and t1 <= w1 for w0, w1 in windows):
            bad.append("%d frames lost outside a switch (from %d)" % (b - a + 1, a))
    if dups:
        bad.append("%d frames delivered twice" % dups)
    if not seen:
        bad.append("no frame arrived")
    # The longest the MAC went unreceived: the widest lost run, or one
    # frame's period where nothing was lost.
    times = sorted(sent.values())
    period = (times[-1] - times[0]) / (len(times) - 1) * 1000 if len(times) > 1 else 0
    print(json.dumps({"sent": len(sent), "received": len(seen),
                      "max_gap_ms": round(max(run_ms + [period]), 1),
                      "per_port": [per_port[l] for l in logs],
                      "lost": len(lost), "lost_runs_ms": run_ms,
                      "lost_runs_at": run_at,
                      "duplicated": dups, "problems": bad}))
    return 1 if bad else 0


def main():
    if len(sys.argv) >= 7 and sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]),
             sys.argv[6])
    elif len(sys.argv) == 4 and sys.argv[1] == "recv":
        recv(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "report":
        sys.exit(report(sys.argv[2:]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
