#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz the viox generic netlink family with random messages: commands,
versions, flags, attributes (types, lengths, nesting), lying lengths,
batches, dumps read in small pieces or abandoned, over raw sockets. One
process runs as root, a child as nobody (setresuid) at the same time, and
a thread opens, owns and closes /dev/viox-net files meanwhile, so dumps
race devices coming and going. Other families get messages only from the
unprivileged child: as root they could reconfigure the machine.

usage: nl-fuzz.py [--seed S] [--seconds N] [--trace]

Prints the seed first and, last, messages sent by command and replies by
errno, per privilege. Exits 0 unless it could not run.
"""
import argparse
import errno
import fcntl
import os
import random
import socket
import struct
import sys
import threading
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLMSG_ERROR, NLMSG_DONE = 2, 3
F_REQUEST, F_MULTI, F_ACK, F_ECHO = 0x1, 0x2, 0x4, 0x8
F_ROOT, F_MATCH, F_ATOMIC = 0x100, 0x200, 0x400
F_DUMP = F_ROOT | F_MATCH
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000
SOL_NETLINK, NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK = 270, 11, 12
VHOST_SET_OWNER = 0xAF01
VIOX_CMD_DEV_GET = 1
VIOX_A_DEV_ID, VIOX_A_DEV_VQ, VIOX_A_DEV_MAX = 1, 6, 6


def nla(atype, payload):
    data = struct.pack("HH", 4 + len(payload), atype) + payload
    return data + b"\0" * (-len(data) % 4)


def open_sock(rng):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.settimeout(0.2)
    # Strict checking and extended acks change the kernel's parsing paths.
    for opt in (NETLINK_EXT_ACK, NETLINK_GET_STRICT_CHK):
        if rng.random() < 0.5:
            s.setsockopt(SOL_NETLINK, opt, 1)
    s.bind((0, 0))
    return s


def family_id(name):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    body = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + nla(CTRL_ATTR_FAMILY_NAME, name + b"\0")
    s.send(struct.pack("IHHII", 16 + len(body), GENL_ID_CTRL, F_REQUEST, 1, 0) + body)
    data = s.recv(65536)
    s.close()
    off = 20
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from("HH", data, off)
        if atype == CTRL_ATTR_FAMILY_ID:
            return struct.unpack_from("H", data, off + 4)[0]
        off += (alen + 3) & ~3
    sys.exit(f"Bail out! no generic netlink family {name!r}")


class Stats:
    def __init__(self):
        self.sent = {}
        self.replies = {}
        self.lock = threading.Lock()

    def add(self, table, key, n=1):
        with self.lock:
            table[key] = table.get(key, 0) + n

    def dump(self, prefix, out):
        for k in sorted(self.sent):
            out.append(f"# {prefix}{k}: {self.sent[k]}")
        for k in sorted(self.replies):
            out.append(f"# {prefix}reply {k}: {self.replies[k]}")


class Fuzzer:
    def __init__(self, rng, fam, stats, trace, any_type):
        self.rng, self.fam, self.stats, self.trace = rng, fam, stats, trace
        self.any_type = any_type    # other families too: only when unprivileged
        self.ids = [0, 1, 2, 0xFFFFFFFF]     # device ids seen in replies
        self.sock = open_sock(rng)
        self.seq = 0

    def attr(self, depth=0):
        r = self.rng
        atype = r.choice([VIOX_A_DEV_ID] * 6 + list(range(0, 14)) +
                         [r.randrange(0x10000)])
        if r.random() < 0.1:
            atype |= r.choice([NLA_F_NESTED, NLA_F_NET_BYTEORDER])
        kind = r.random()
        if (atype & 0x3FFF) == VIOX_A_DEV_ID and kind < 0.6:
            payload = struct.pack("I", r.choice(self.ids))
        elif (atype & NLA_F_NESTED or atype == VIOX_A_DEV_VQ) and depth < 3 and kind < 0.8:
            payload = b"".join(self.attr(depth + 1) for _ in range(r.randrange(4)))
        else:
            payload = r.randbytes(r.choice([0, 1, 2, 3, 4, 5, 8, 16, r.randrange(300)]))
        data = nla(atype, payload)
        if r.random() < 0.05:       # a length that lies
            data = struct.pack("H", r.choice([0, 1, 3, 5, len(data) + 4, 0xFFFF])) + data[2:]
        return data

    def message(self):
        r = self.rng
        roll = r.random()
        if roll < 0.85:
            ntype = self.fam
            cmd = VIOX_CMD_DEV_GET if r.random() < 0.6 else r.randrange(256)
        elif roll < 0.95 or not self.any_type:
            ntype, cmd = GENL_ID_CTRL, r.randrange(16)
        else:
            ntype, cmd = r.randrange(0x10000), r.randrange(256)
        flags = F_REQUEST if r.random() < 0.95 else 0
        if r.random() < 0.5:
            flags |= F_DUMP
        for f in (F_ACK, F_ECHO, F_ATOMIC, F_MULTI):
            if r.random() < 0.2:
                flags |= f
        if r.random() < 0.05:
            flags = r.randrange(0x10000)
        version = 1 if r.random() < 0.8 else r.randrange(256)
        genl = struct.pack("BBH", cmd, version, 0 if r.random() < 0.9 else r.randrange(0x10000))
        if r.random() < 0.03:
            genl = genl[:r.randrange(4)]       # short of a genl header
        body = genl + b"".join(self.attr() for _ in range(r.choice([0, 1, 1, 1, 2, 3, 8])))
        self.seq += 1
        length = 16 + len(body)
        if r.random() < 0.04:
            length = r.choice([0, 15, 16, 19, length - 1, length + 4, 0xFFFFFFFF])
        if ntype == self.fam:
            name = "dev-get" if cmd == VIOX_CMD_DEV_GET else "unknown command"
        else:
            name = "nlctrl" if ntype == GENL_ID_CTRL else "another type"
        name += " dump" if flags & F_DUMP == F_DUMP else " do"
        return struct.pack("IHHII", length, ntype, flags, self.seq, 0) + body, name

    def read_replies(self):
        r = self.rng
        limit = r.choice([16, 64, 65536, 65536, 65536])
        parts = 0
        while True:
            try:
                data = self.sock.recv(limit)
            except socket.timeout:
                self.stats.add(self.stats.replies, "timeout")
                return
            except OSError as e:
                self.stats.add(self.stats.replies, errno.errorcode.get(e.errno, str(e.errno)))
                return
            parts += 1
            off, done = 0, False
            while off + 16 <= len(data):
                mlen, mtype, mflags = struct.unpack_from("IHH", data, off)
                if mtype == NLMSG_ERROR and off + 20 <= len(data):
                    err = -struct.unpack_from("i", data, off + 16)[0]
                    self.stats.add(self.stats.replies, "ok" if not err else
                                   errno.errorcode.get(err, str(err)))
                    done = True
                elif mtype == NLMSG_DONE:
                    self.stats.add(self.stats.replies, "dump done")
                    done = True
                else:
                    if mtype == self.fam and off + 24 <= len(data):
                        self.stats.add(self.stats.replies, "device")
                        self.learn(data[off + 20:off + mlen])
                    # A reply to a do is one message; a dump's parts are multi.
                    done = done or not mflags & F_MULTI
                if mlen < 16:
                    break
                off += (mlen + 3) & ~3
            # A dump abandoned half way: the kernel must clean up after it.
            if done or parts > 50 or r.random() < 0.05:
                return

    def learn(self, attrs):
        off = 0
        while off + 8 <= len(attrs):
            alen, atype = struct.unpack_from("HH", attrs, off)
            if atype == VIOX_A_DEV_ID and alen == 8:
                self.ids.append(struct.unpack_from("I", attrs, off + 4)[0])
                del self.ids[:-16]
            if alen < 4:
                return
            off += (alen + 3) & ~3

    def step(self):
        r = self.rng
        batch = [self.message() for _ in range(1 if r.random() < 0.9 else r.randrange(2, 5))]
        data = b"".join(m for m, _ in batch)
        for _, name in batch:
            self.stats.add(self.stats.sent, name)
            if self.trace:
                print(f"# send {name}", flush=True)
        try:
            self.sock.send(data)
        except OSError as e:
            self.stats.add(self.stats.replies, "send " + errno.errorcode.get(e.errno, "?"))
        if r.random() < 0.9:
            self.read_replies()
        if r.random() < 0.03:       # whatever was pending goes with the socket
            self.sock.close()
            self.sock = open_sock(r)

    def run(self, deadline):
        while time.monotonic() < deadline:
            self.step()


def churn(rng, deadline, stats):
    """Device files opened, owned and closed while dumps walk them."""
    held = []
    while time.monotonic() < deadline:
        if len(held) < 4 and rng.random() < 0.6:
            try:
                fd = os.open("/dev/viox-net", os.O_RDWR)
            except OSError:
                stats.add(stats.sent, "churn open failed")
                time.sleep(0.05)
                continue
            if rng.random() < 0.7:
                try:
                    fcntl.ioctl(fd, VHOST_SET_OWNER)
                except OSError:
                    pass
            held.append(fd)
            stats.add(stats.sent, "churn device opened")
        elif held:
            os.close(held.pop(rng.randrange(len(held))))
        time.sleep(rng.random() * 0.02)
    for fd in held:
        os.close(fd)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--trace", action="store_true")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"# nl-fuzz: seed {seed}, {a.seconds:g} seconds", flush=True)
    fam = family_id(b"viox")
    start = time.monotonic()
    deadline = start + a.seconds
    rfd, wfd = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(rfd)
        os.setgroups([])
        os.setresgid(65534, 65534, 65534)
        os.setresuid(65534, 65534, 65534)
        stats = Stats()
        Fuzzer(random.Random(f"{seed}/nobody"), fam, stats, a.trace, True).run(deadline)
        out = []
        stats.dump("nobody ", out)
        os.write(wfd, ("\n".join(out) + "\n").encode())
        os._exit(0)
    os.close(wfd)
    stats = Stats()
    t = threading.Thread(target=churn, args=(random.Random(f"{seed}/churn"), deadline, stats))
    t.start()
    Fuzzer(random.Random(f"{seed}/root"), fam, stats, a.trace, False).run(deadline)
    t.join()
    child_out = b""
    while chunk := os.read(rfd, 65536):
        child_out += chunk
    _, status = os.waitpid(child, 0)
    out = []
    stats.dump("root ", out)
    print("\n".join(out))
    print(child_out.decode(), end="")
    total = sum(v for k, v in stats.sent.items() if not k.startswith("churn"))
    nobody = sum(int(l.rsplit(":", 1)[1]) for l in child_out.decode().splitlines()
                 if l.startswith("# nobody ") and " reply " not in l)
    print(f"# messages root: {total}\n# messages nobody: {nobody}")
    print(f"# seed {seed} done in {time.monotonic() - start:.1f} s", flush=True)
    if status:
        sys.exit(f"Bail out! the unprivileged child exited with status {status}")


if __name__ == "__main__":
    main()
