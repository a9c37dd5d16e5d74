#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz viox_vmdq's two front doors with random messages: rtnetlink's
RTM_NEWLINK/RTM_DELLINK for the link kind "viox" (IFLA_INFO_DATA of random
attributes, plausible and not, lying lengths, on veth uplinks, on vports,
on nothing) and the viox generic netlink family's vport-new, vport-del
and vport-get. Run it in a network namespace of its own: it makes and
deletes links there.

usage: vport-fuzz.py [--seed S] [--seconds N] [--uplinks N]

Prints the seed first and, last, messages sent by kind, replies by errno
and the vports made. Exits 0 unless it could not run.
"""
import argparse
import errno
import importlib.machinery
import importlib.util
import os
import random
import socket
import struct
import subprocess
import sys
import time

# nl-fuzz.py's netlink attribute and family lookup.
_loader = importlib.machinery.SourceFileLoader(
    "nlfuzz", os.path.join(os.path.dirname(os.path.abspath(__file__)), "nl-fuzz.py"))
_spec = importlib.util.spec_from_loader("nlfuzz", _loader)
nlfuzz = importlib.util.module_from_spec(_spec)
_loader.exec_module(nlfuzz)
nla, family_id = nlfuzz.nla, nlfuzz.family_id

NETLINK_ROUTE, NETLINK_GENERIC = 0, 16
NLMSG_ERROR, NLMSG_DONE = 2, 3
F_REQUEST, F_ACK, F_EXCL, F_CREATE = 0x1, 0x4, 0x200, 0x400
F_DUMP = 0x300
RTM_NEWLINK, RTM_DELLINK = 16, 17
IFLA_IFNAME, IFLA_LINK, IFLA_MASTER, IFLA_LINKINFO = 3, 5, 10, 18
IFLA_ADDRESS = 1
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
NLA_F_NESTED = 0x8000
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11

# IFLA_VIOX_* (include/uapi/linux/viox_link.h): what each carries.
LINK_ATTRS = {1: "mac", 2: "u16", 3: "u8", 4: "nest", 5: "u8", 6: "str",
              7: "u64", 8: "u64", 9: "u64", 10: "u64", 11: "pad", 12: "u8",
              13: "u32", 14: "s32", 15: "u32", 16: "nest"}
# VIOX_A_VPORT_* and VIOX_CMD_VPORT_* (include/uapi/linux/viox.h).
VPORT_ATTRS = {1: "ifindex", 2: "name", 3: "ifindex", 4: "mac", 5: "u16",
               6: "u8", 7: "u8", 8: "u8", 9: "u32", 10: "s32", 11: "s32",
               12: "u32", 13: "u8", 14: "u64", 15: "u8", 16: "u64", 17: "pad"}
CMD_VPORT_NEW, CMD_VPORT_DEL, CMD_VPORT_GET = 2, 3, 4


def ifindexes():
    out = subprocess.run(["ip", "-o", "link", "show"], capture_output=True,
                         text=True).stdout
    idx = {}
    for line in out.splitlines():
        n, name = line.split(":")[:2]
        idx[name.strip().split("@")[0]] = int(n)
    return idx


class Fuzzer:
    def __init__(self, rng, uplinks):
        self.rng = rng
        self.uplinks = uplinks
        self.sent, self.replies = {}, {}
        self.made = 0
        self.seq = 0
        self.links = {}
        self.rt = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
        self.gn = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        for s in (self.rt, self.gn):
            s.settimeout(0.5)
            s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
            s.bind((0, 0))
        self.fam = family_id(b"viox")

    def count(self, table, key):
        table[key] = table.get(key, 0) + 1

    def ifindex(self, vport=False):
        """A link's index (the uplinks', mostly), or one that is none;
        @vport: a vport's, mostly, so that the uplinks stay."""
        r = self.rng
        if self.seq % 20 == 0 or not self.links:
            self.links = ifindexes()
        ups = [i for n, i in self.links.items() if n in self.uplinks]
        # Not the uplinks' veth peers either: deleting one takes its uplink.
        others = [i for n, i in self.links.items()
                  if n not in self.uplinks and n != "lo" and not n.startswith("fw")]
        known = (others or ups) if vport else ups * 3 + others
        return r.choice(known + [0, 0xFFFFFFFF, r.randrange(1 << 32)])

    def name(self):
        r = self.rng
        roll = r.random()
        if roll < 0.7:
            return b"vf%d\0" % r.randrange(24)
        if roll < 0.8:
            return r.choice(self.uplinks).encode() + b"\0"
        return r.randbytes(r.choice([0, 1, 15, 16, 17, 40]))

    def value(self, kind):
        r = self.rng
        if r.random() < 0.08:      # any bytes at all
            return r.randbytes(r.choice([0, 1, 2, 3, 5, 7, 9, r.randrange(64)]))
        if kind == "mac":
            mac = r.choice([bytes([2, 0, 0, 0, 0x7f, r.randrange(16)]), b"\xff" * 6,
                            b"\0" * 6, bytes([1, 0, 0x5e, 0, 0, 1]), r.randbytes(6)])
            return mac
        if kind == "u8":
            return struct.pack("B", r.choice([0, 1, 2, 255, r.randrange(256)]))
        if kind == "u16":
            return struct.pack("H", r.choice([0, 1, 10, 4094, 4095, 4096, 0xFFFF,
                                              r.randrange(1 << 16)]))
        if kind in ("u32", "ifindex"):
            if kind == "ifindex":
                return struct.pack("I", self.ifindex())
            return struct.pack("I", r.choice([0, 1, 6, 7, 8, 0xFFFFFFFF, r.randrange(1 << 32)]))
        if kind == "s32":
            return struct.pack("i", r.choice([-2, -1, 0, 1, 2, 1 << 20, -(1 << 31)]))
        if kind == "u64":
            return struct.pack("Q", r.choice([0, 1, 7, 8, 1000, 10 ** 9, 1 << 63,
                                              (1 << 64) - 1, r.randrange(1 << 64)]))
        if kind == "str":
            return r.randbytes(r.randrange(20)) + b"\0"
        if kind == "name":
            return self.name()
        if kind == "nest":
            return b"".join(nla(r.randrange(12), r.randbytes(r.randrange(12)))
                            for _ in range(r.randrange(3)))
        return r.randbytes(r.randrange(9))

    def attrs(self, table, maxtype):
        r = self.rng
        out = b""
        for _ in range(r.randrange(7)):
            atype = r.choice(list(table) * 3 + [0, maxtype + 1, r.randrange(1 << 14)])
            data = nla(atype | (NLA_F_NESTED if table.get(atype) == "nest" else 0),
                       self.value(table.get(atype, "any")))
            if r.random() < 0.03:      # a length that lies
                data = struct.pack("H", r.choice([0, 3, len(data) + 4, 0xFFFF])) + data[2:]
            out += data
        return out

    def sound_attrs(self):
        """A few settings a vport may have, each valid: so that some
        messages make vports and reach the code behind the checks."""
        r = self.rng
        good = {1: lambda: bytes([2, 0, 0, 0, r.randrange(256), r.randrange(256)]),
                2: lambda: struct.pack("H", r.randrange(4095)),
                3: lambda: struct.pack("B", r.randrange(2)),
                5: lambda: struct.pack("B", r.randrange(2)),
                7: lambda: struct.pack("Q", r.choice([0, 10 ** 6, 10 ** 9])),
                10: lambda: struct.pack("Q", r.choice([0, 100, 10 ** 5])),
                12: lambda: struct.pack("B", r.randrange(2)),
                14: lambda: struct.pack("i", r.choice([-1, 0, 1]))}
        return b"".join(nla(t, good[t]()) for t in r.sample(sorted(good), r.randrange(4)))

    def rtnl(self):
        r = self.rng
        if r.random() < 0.3:        # sound: a new vport on an uplink
            body = struct.pack("BBHIII", 0, 0, 0, 0, 0, 0)
            body += nla(IFLA_LINK, struct.pack("I", self.ifindex()))
            if r.random() < 0.5:
                body += nla(IFLA_IFNAME, self.name())
            info = nla(IFLA_INFO_KIND, b"viox\0") + \
                nla(IFLA_INFO_DATA | NLA_F_NESTED, self.sound_attrs())
            body += nla(IFLA_LINKINFO | NLA_F_NESTED, info)
            return (self.rt, RTM_NEWLINK, F_REQUEST | F_ACK | F_CREATE | F_EXCL, body,
                    "rtnl newlink")
        cmd = r.choice([RTM_NEWLINK] * 4 + [RTM_DELLINK])
        flags = F_REQUEST | F_ACK
        index = 0
        if cmd == RTM_NEWLINK and r.random() < 0.7:
            flags |= F_CREATE | (F_EXCL if r.random() < 0.5 else 0)
        if cmd == RTM_DELLINK or r.random() < 0.3:
            index = self.ifindex(vport=True)
        body = struct.pack("BBHIII", 0, 0, 0, index, 0, 0)
        if r.random() < 0.9:
            body += nla(IFLA_LINK, struct.pack("I", self.ifindex()))
        if r.random() < 0.8:
            body += nla(IFLA_IFNAME, self.name())
        if r.random() < 0.1:
            body += nla(IFLA_ADDRESS, self.value("mac"))
        kind = b"viox\0" if r.random() < 0.9 else r.choice([b"viox", b"vio\0", b""])
        info = nla(IFLA_INFO_KIND, kind)
        if r.random() < 0.85:
            info += nla(IFLA_INFO_DATA | NLA_F_NESTED, self.attrs(LINK_ATTRS, 16))
        if cmd == RTM_NEWLINK or r.random() < 0.2:
            body += nla(IFLA_LINKINFO | NLA_F_NESTED, info)
        name = "rtnl " + ("newlink" if cmd == RTM_NEWLINK else "dellink")
        return self.rt, cmd, flags, body, name

    def genl(self):
        r = self.rng
        cmd = r.choice([CMD_VPORT_NEW] * 3 + [CMD_VPORT_DEL, CMD_VPORT_GET, 0, 11,
                                              r.randrange(256)])
        flags = F_REQUEST | F_ACK
        if cmd == CMD_VPORT_GET and r.random() < 0.5:
            flags |= F_DUMP
        body = struct.pack("BBH", cmd, r.choice([1, 1, 1, 0, 2]), 0)
        body += self.attrs(VPORT_ATTRS, 17)
        return self.gn, self.fam, flags, body, "genl cmd %d" % cmd

    def once(self):
        sock, ntype, flags, body, name = (self.rtnl() if self.rng.random() < 0.6
                                          else self.genl())
        self.seq += 1
        self.count(self.sent, name)
        try:
            sock.send(struct.pack("IHHII", 16 + len(body), ntype, flags, self.seq, 0) + body)
        except OSError as e:
            self.count(self.replies, "send " + errno.errorcode.get(e.errno, str(e.errno)))
            return
        # Read until this message's ack (a dump's replies before it).
        while True:
            try:
                data = sock.recv(1 << 16)
            except socket.timeout:
                self.count(self.replies, "no reply")
                return
            except OSError as e:
                self.count(self.replies, "recv " + errno.errorcode.get(e.errno, str(e.errno)))
                return
            off, done = 0, False
            while off + 16 <= len(data):
                mlen, mtype, _, mseq, _ = struct.unpack_from("IHHII", data, off)
                if mseq == self.seq and mtype in (NLMSG_ERROR, NLMSG_DONE):
                    if mtype == NLMSG_ERROR:
                        err = -struct.unpack_from("i", data, off + 16)[0]
                        key = "ok" if not err else errno.errorcode.get(err, str(err))
                        self.count(self.replies, key)
                        if not err and (name == "rtnl newlink" and flags & F_CREATE or
                                        name == "genl cmd %d" % CMD_VPORT_NEW):
                            self.made += 1
                    done = True
                off += max((mlen + 3) & ~3, 16)
            if done:
                return


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--uplinks", type=int, default=2)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    print(f"# seed {seed}", flush=True)
    rng = random.Random(seed)
    uplinks = []
    for i in range(args.uplinks):
        subprocess.run(["ip", "link", "add", f"fu{i}", "type", "veth", "peer", "name",
                        f"fw{i}"], check=True)
        for d in (f"fu{i}", f"fw{i}"):
            subprocess.run(["ip", "link", "set", d, "up"], check=True)
        uplinks.append(f"fu{i}")
    f = Fuzzer(rng, uplinks)
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        f.once()
    for k in sorted(f.sent):
        print(f"# sent {k}: {f.sent[k]}")
    for k in sorted(f.replies):
        print(f"# reply {k}: {f.replies[k]}")
    print(f"# vports made: {f.made}")
    for i in range(args.uplinks):
        subprocess.run(["ip", "link", "del", f"fu{i}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
