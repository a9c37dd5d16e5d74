#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run viox's setup paths with each of their fault points failing in turn.

For a scenario, step N writes N to /proc/thread-self/fail-nth and runs the
scenario's operation: the N-th allocation or user copy the kernel makes in
that thread fails (failslab, fail_page_alloc, fail_usercopy; their
debugfs knobs must let sleeping allocations fail). The operation must then
fail with an errno or succeed, and the same operation run again without
injection must succeed. The sweep ends at the first N the operation no
longer reaches: every fault point of the path has been failed once. A
path whose points would not all fit in the time budget (a run without
injection counts them and times it) is swept in van der Corput order
instead: its first point, the middle, the quarters, and so on, so that
however far the budget reaches, the points are spread over the whole
path. The kernel's log is the harness's to judge (a splat fails `make
check`), and kmemleak's after the run.

Prints one KTAP line per scenario and a JSON summary per scenario:
{"scenario", "points", "of", "whole_path", "failed": {errno: count},
"succeeded"}.

usage: fault-sweep.py [--max N] [--numvfs BDF N] [--pool PF KIND] [SCENARIO...]
       (no SCENARIO: all; --list names them)
"""
import argparse
import errno
import fcntl
import json
import os
import socket
import struct
import subprocess
import sys
import time

VHOST_SET_OWNER = 0xAF01
VHOST_SET_FEATURES = 0x4008AF00
VHOST_SET_MEM_TABLE = 0x4008AF03
VHOST_SET_VRING_NUM = 0x4008AF10
VHOST_SET_VRING_ADDR = 0x4028AF11
VHOST_SET_VRING_BASE = 0x4008AF12
VHOST_SET_VRING_KICK = 0x4008AF20
VHOST_SET_VRING_CALL = 0x4008AF21
VHOST_NET_SET_BACKEND = 0x4008AF30
TUNSETIFF = 0x400454CA
IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x2, 0x1000, 0x4000
VERSION_1 = 1 << 32

PAGE = os.sysconf("SC_PAGE_SIZE")


# Opened once: opening it again would be a fault point of its own.
NTH = None
# Counting a path's fault points: far more than any path has.
COUNT_FROM = 1000000


FAULT_ATTRS = [f"/sys/kernel/debug/{a}" for a in
               ("failslab", "fail_page_alloc", "fail_usercopy")]


def symbol_range(name):
    """The text of kernel function @name: its address to the next symbol's."""
    with open("/proc/kallsyms") as f:
        syms = [(int(addr, 16), sym) for addr, _, sym, *_ in
                (line.split() for line in f)]
    start = next(addr for addr, sym in syms if sym == name)
    return start, min(addr for addr, _ in syms if addr > start)


def reject_under(rng):
    """Fault points called from the range @rng (start, end) do not count
    (the stack trace filter); None counts them all again. Stack traces
    make every fault point slow: only the scenarios that need it pay."""
    start, end = rng or (0, 0)
    for attr in FAULT_ATTRS:
        for key, value in (("reject-start", start), ("reject-end", end)):
            if os.path.exists(f"{attr}/{key}"):
                with open(f"{attr}/{key}", "w") as f:
                    f.write(f"{value:#x}")


def fail_nth(n):
    os.pwrite(NTH, str(n).encode(), 0)


def fail_nth_left():
    """Fault points left to count, and injection off. The read's own copy
    may take the last point, and the write that turns injection off the
    one after it (a path one point shorter than the one before): either
    way the operation did not reach the fault."""
    try:
        left = int(os.pread(NTH, 32, 0))
    except OSError as e:
        if e.errno != errno.EFAULT:
            raise
        left = 1
    try:
        fail_nth(0)
    except OSError as e:
        if e.errno != errno.EFAULT:
            raise
        left = max(left, 1)	# the fault fired, so injection is off
    return left


class Guest:
    """A memory table over one anonymous mapping, rings inside it."""

    def __init__(self, size=64 * 1024):
        import mmap
        import ctypes
        self.map = mmap.mmap(-1, size)
        self.addr = ctypes.addressof(ctypes.c_char.from_buffer(self.map))
        self.size = size

    def mem_table(self):
        return struct.pack("II", 1, 0) + struct.pack("QQQQ", 0, self.size,
                                                     self.addr, 0)

    def vring_addr(self, index):
        base = self.addr + index * 0x4000
        return struct.pack("IIQQQQ", index, 0, base, base + 0x1000,
                           base + 0x2000, 0)


def ioctl(fd, req, arg=0):
    return fcntl.ioctl(fd, req, arg)


def open_dev():
    return os.open("/dev/viox-net", os.O_RDWR)


def owned():
    fd = open_dev()
    ioctl(fd, VHOST_SET_OWNER)
    return fd


def tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(),
                                     IFF_TAP | IFF_NO_PI | IFF_VNET_HDR))
    return fd


def started(fd, guest, efds):
    """A device with both vqs configured, ready for a backend; the
    eventfds made go to @efds as they are made, for the caller to close."""
    ioctl(fd, VHOST_SET_FEATURES, struct.pack("Q", VERSION_1))
    ioctl(fd, VHOST_SET_MEM_TABLE, guest.mem_table())
    for i in (0, 1):
        ioctl(fd, VHOST_SET_VRING_NUM, struct.pack("II", i, 64))
        ioctl(fd, VHOST_SET_VRING_BASE, struct.pack("II", i, 0))
        ioctl(fd, VHOST_SET_VRING_ADDR, guest.vring_addr(i))
        for req in (VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL):
            efd = os.eventfd(0)
            efds.append(efd)
            ioctl(fd, req, struct.pack("Ii", i, efd))
    return efds


def close_all(*fds):
    for fd in fds:
        if isinstance(fd, list):
            close_all(*fd)
        elif fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass


# Each scenario: setup() -> state (no injection); op(state) runs under
# injection; cleanup(state) undoes both.
def sc_open():
    return {"setup": lambda: {},
            "op": lambda s: s.update(fd=open_dev()),
            "cleanup": lambda s: close_all(s.get("fd"))}


def sc_set_owner():
    return {"setup": lambda: {"fd": open_dev()},
            "op": lambda s: ioctl(s["fd"], VHOST_SET_OWNER),
            "cleanup": lambda s: close_all(s["fd"])}


def sc_mem_table():
    g = Guest()
    return {"setup": lambda: {"fd": owned()},
            "op": lambda s: ioctl(s["fd"], VHOST_SET_MEM_TABLE, g.mem_table()),
            "cleanup": lambda s: close_all(s["fd"])}


def sc_vrings():
    g = Guest()

    def op(s):
        started(s["fd"], g, s["efds"])
    return {"setup": lambda: {"fd": owned(), "efds": []}, "op": op,
            "cleanup": lambda s: close_all(s["fd"], s["efds"])}


def sc_set_backend():
    g = Guest()

    def setup():
        fd = owned()
        return {"fd": fd, "efds": started(fd, g, []), "tap": tap("fsw0")}

    def op(s):
        for i in (0, 1):
            ioctl(s["fd"], VHOST_NET_SET_BACKEND, struct.pack("Ii", i, s["tap"]))
    return {"setup": setup, "op": op,
            "cleanup": lambda s: close_all(s["fd"], s["efds"], s["tap"])}


def sc_netlink():
    """A dump of the viox family, through a raw generic netlink socket."""
    def family_id(sk):
        name = b"viox\0"
        attr = struct.pack("HH", 4 + len(name), 2) + name   # CTRL_ATTR_FAMILY_NAME
        attr += b"\0" * (-len(attr) % 4)
        msg = struct.pack("BBH", 3, 1, 0) + attr            # CTRL_CMD_GETFAMILY
        sk.send(struct.pack("IHHII", 16 + len(msg), 0x10, 1, 1, 0) + msg)
        data = sk.recv(65536)
        off = 20
        while off < len(data):
            alen, atype = struct.unpack_from("HH", data, off)
            if atype == 1:                                  # CTRL_ATTR_FAMILY_ID
                return struct.unpack_from("H", data, off + 4)[0]
            off += (alen + 3) & ~3
        raise OSError(errno.ENOENT, "no viox family")

    def setup():
        sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        sk.settimeout(10)   # a reply lost to a fault is a failure, not a hang
        return {"sk": sk, "fam": family_id(sk), "dev": owned()}

    def op(s):
        msg = struct.pack("BBH", 1, 1, 0)                   # VIOX_CMD_DEV_GET
        s["sk"].send(struct.pack("IHHII", 16 + len(msg), s["fam"],
                                 0x301, 2, 0) + msg)        # REQUEST | DUMP
        while True:
            data = s["sk"].recv(65536)
            ln, typ = struct.unpack_from("IH", data)
            if typ == 2:                                    # NLMSG_ERROR
                err = struct.unpack_from("i", data, 16)[0]
                if err:
                    raise OSError(-err, os.strerror(-err))
                return
            if any(struct.unpack_from("IH", data, o)[1] == 3  # NLMSG_DONE
                   for o in nl_offsets(data)):
                return

    def cleanup(s):
        s["sk"].close()
        close_all(s["dev"])
    return {"setup": setup, "op": op, "cleanup": cleanup}


def nl_offsets(data):
    off = 0
    while off + 16 <= len(data):
        yield off
        off += (struct.unpack_from("I", data, off)[0] + 3) & ~3


def sc_numvfs(bdf, n):
    """VFs created on a PF; VF drivers are the caller's to keep away."""
    path = f"/sys/bus/pci/devices/{bdf}/sriov_numvfs"

    def write(value):
        with open(path, "w") as f:
            f.write(value)
    # The PCI core cannot take back a VF whose device_add failed (a
    # WARNING, then "kernel BUG at drivers/pci/iov.c" at the next numvfs):
    # its fault points are not viox's, and are left alone.
    return {"setup": lambda: {}, "op": lambda s: write(str(n)),
            "cleanup": lambda s: write("0"), "reject": "pci_iov_add_virtfn"}


def sc_pool(pf, kind):
    """A port of the pool offload interface's test consumer: a pool reserved."""
    from pyroute2 import IPRoute
    from pyroute2.netlink.exceptions import NetlinkError

    def setup():
        ipr = IPRoute()
        return {"ipr": ipr, "link": ipr.link_lookup(ifname=pf)[0]}

    def op(s):
        try:
            s["ipr"].link("add", ifname="fsw-pool", kind=kind, link=s["link"],
                          address="02:00:00:00:7f:01")
        except NetlinkError as e:
            raise OSError(e.code, str(e))

    def cleanup(s):
        try:
            s["ipr"].link("del", ifname="fsw-pool")
        except NetlinkError:
            pass
        s["ipr"].close()

    def retry(s):
        # A fault in the reply (rtnetlink's, not viox's) fails a call that
        # made the port: that one is as good as new.
        try:
            op(s)
        except OSError as e:
            if e.errno != errno.EEXIST:
                raise
    return {"setup": setup, "op": op, "retry": retry, "cleanup": cleanup}


def count_points(sc):
    """The path's fault points, counted by a run that fails none, and the
    seconds it took; None if the path fails without an injected fault."""
    state = sc["setup"]()
    begin = time.monotonic()
    try:
        fail_nth(COUNT_FROM)
        try:
            sc["op"](state)
        finally:
            left = fail_nth_left()
    except OSError:
        sc["cleanup"](state)
        return None, 0
    took = time.monotonic() - begin
    sc["cleanup"](state)
    return COUNT_FROM - left, took


def spread(total):
    """1..total in an order that covers the range evenly wherever it is cut
    (the van der Corput sequence): 1, the middle, the quarters, ..."""
    seen = set()
    k = 0
    while len(seen) < total:
        x, f, i = 0.0, 0.5, k
        while i:
            if i & 1:
                x += f
            i >>= 1
            f /= 2
        k += 1
        n = 1 + int(x * total)
        if n not in seen:
            seen.add(n)
            yield n


def sweep(name, sc, max_points, budget):
    """Fail each fault point of the path in turn. A path too long for the
    budget (VFs under TCG) is swept in spread order, so that its end (the
    VFs' devlink ports, after the pool layout) is reached as well as its
    start. Returns ok, why, points failed, of how many, errnos, successes."""
    failed, succeeded, points = {}, 0, 0
    end = time.monotonic() + budget
    total, took = count_points(sc)
    if total is None:
        return False, f"{name}: fails without an injected fault", 0, 0, {}, 0
    # A point costs the failed call, the retry and the clean-up.
    partial = total * took * 2.5 > budget
    order = spread(total) if partial else range(1, max_points + 1)
    for n in order:
        if time.monotonic() > end:
            return True, "budget", points, total, failed, succeeded
        state = sc["setup"]()
        err = 0
        left = 0
        try:
            fail_nth(n)
            try:
                sc["op"](state)
            finally:
                left = fail_nth_left()
        except OSError as e:
            err = e.errno or errno.EIO
        except MemoryError:
            err = errno.ENOMEM
        if left or not err:
            sc["cleanup"](state)
        if left:
            # The path has fewer than n fault points: it ran clean.
            if err:
                return False, f"{name}: fails with {errno.errorcode.get(err, err)} "\
                              "without an injected fault", points, total, \
                    failed, succeeded
            if partial:
                continue	# shorter this time; the others still count
            break
        points += 1
        if not err:
            # The path coped with the fault and went on: nothing to redo.
            succeeded += 1
            continue
        failed[errno.errorcode.get(err, str(err))] = \
            failed.get(errno.errorcode.get(err, str(err)), 0) + 1
        # The same call on the same objects, without injection, works at
        # once: the failure left nothing half done.
        try:
            sc.get("retry", sc["op"])(state)
        except OSError as e:
            sc["cleanup"](state)
            return False, f"{name}: after fault point {n} failed " \
                          f"({errno.errorcode.get(err, err)}), the next call " \
                          f"fails too: {e}", points, total, failed, succeeded
        sc["cleanup"](state)
    else:
        if not partial:
            return False, f"{name}: more than {max_points} fault points", \
                points, total, failed, succeeded
    return True, "", points, total, failed, succeeded


SCENARIOS = {
    "open": sc_open,
    "set-owner": sc_set_owner,
    "mem-table": sc_mem_table,
    "vrings": sc_vrings,
    "set-backend": sc_set_backend,
    "netlink": sc_netlink,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max", type=int, default=400)
    ap.add_argument("--budget", type=float, default=45,
                    help="seconds per scenario; a longer path is swept in part")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--no-header", action="store_true",
                    help="no KTAP version line (the caller printed it)")
    ap.add_argument("--numvfs", nargs=2, metavar=("BDF", "N"), action="append",
                    default=[], help="also sweep creating N VFs on the PF at "
                    "BDF (scenario numvfs-N; may be given again)")
    ap.add_argument("--pool", nargs=2, metavar=("PF", "KIND"),
                    help="also sweep adding a KIND port over PF (a pool)")
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    scs = dict(SCENARIOS)
    for bdf, n in a.numvfs:
        scs[f"numvfs-{n}"] = lambda bdf=bdf, n=n: sc_numvfs(bdf, int(n))
    if a.pool:
        scs["pool"] = lambda: sc_pool(*a.pool)
    if a.list:
        print("\n".join(scs))
        return 0
    names = a.scenarios or list(scs)
    global NTH
    NTH = os.open("/proc/thread-self/fail-nth", os.O_RDWR)
    bad = 0
    if not a.no_header:
        print("KTAP version 1", flush=True)
    for i, name in enumerate(names, 1):
        sc = scs[name]()
        if "reject" in sc:
            reject_under(symbol_range(sc["reject"]))
        try:
            ok, why, points, total, failed, succeeded = sweep(name, sc, a.max,
                                                              a.budget)
        finally:
            if "reject" in sc:
                reject_under(None)
        print(json.dumps({"scenario": name, "points": points, "of": total,
                          "whole_path": why != "budget",
                          "failed": failed, "succeeded": succeeded}))
        if ok and points == 0:
            ok, why = False, f"{name}: no fault point reached (is injection on?)"
        if not ok:
            bad += 1
            print(f"# {why}")
        what = f"{points} of its {total}, spread over the path," \
            if why == "budget" else f"its {points}"
        print(f"{'ok' if ok else 'not ok'} {i} {name}: each of {what} "
              "fault points fails cleanly, the next call works", flush=True)
    print(f"1..{len(names)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
