#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Fuzz viox_igb's PF<->VF mailbox from a raw VF's BAR, and its VF
controls: random messages (known and unknown IDs, any info bits, any
length and payload, replies written back), mailbox register abuse
(requests without the lock, acks of nothing, a buffer held), floods and
resets, while a thread issues `ip link set vf` and devlink calls, VF
function resets, and numvfs changes race them all.

usage: mbx-fuzz.py PF-PCI-ADDRESS [--vf N] [--seed S] [--seconds N] [--trace]

The PF must be bound to viox_igb with N+1 or more VFs; VF N is taken from
igbvf. Prints the seed first and, last, messages by ID with their
replies, register writes and admin calls by outcome. Exits 0 unless it
could not run.
"""
import argparse
import importlib.machinery
import importlib.util
import json
import os
import random
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_loader = importlib.machinery.SourceFileLoader("vfmbx", os.path.join(HERE, "..", "vf-mbx.py"))
_spec = importlib.util.spec_from_loader("vfmbx", _loader)
vfmbx = importlib.util.module_from_spec(_spec)
_loader.exec_module(vfmbx)

MSG_ACK, MSG_NACK, MSG_CTS = 0x80000000, 0x40000000, 0x20000000
NAMES = {1: "RESET", 2: "SET_MAC_ADDR", 3: "SET_MULTICAST", 4: "SET_VLAN",
         5: "SET_LPE", 6: "SET_PROMISC"}


class Stats:
    def __init__(self):
        self.c = {}
        self.lock = threading.Lock()

    def add(self, key, n=1):
        with self.lock:
            self.c[key] = self.c.get(key, 0) + n

    def print(self):
        for k in sorted(self.c):
            print(f"# {k}: {self.c[k]}")


def sysfs_write(path, value):
    try:
        with open(path, "w") as f:
            f.write(value)
        return "ok"
    except OSError as e:
        return os.strerror(e.errno)


def vf_bdf(pf, n):
    try:
        return os.path.basename(os.readlink(f"/sys/bus/pci/devices/{pf}/virtfn{n}"))
    except OSError:
        return None


def mac(rng):
    kind = rng.random()
    if kind < 0.2:
        return bytes(6)                                 # zero
    if kind < 0.3:
        return b"\xff" * 6                              # broadcast
    b = bytearray(rng.randbytes(6))
    if kind < 0.8:
        b[0] = (b[0] & 0xFC) | 0x02                     # locally administered unicast
    return bytes(b)


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


class MailboxFuzzer:
    def __init__(self, pf, vf, rng, stats, trace):
        self.pf, self.vf, self.rng, self.stats, self.trace = pf, vf, rng, stats, trace
        self.mbx = None

    def attach(self):
        """Take the raw VF from igbvf and map its BAR; False if it is gone."""
        self.mbx = None
        bdf = vf_bdf(self.pf, self.vf)
        if not bdf:
            return False
        drv = f"/sys/bus/pci/devices/{bdf}/driver"
        if os.path.exists(drv):
            sysfs_write(f"{drv}/unbind", bdf)
        try:
            self.mbx = vfmbx.VfMailbox(bdf)
        except (OSError, SystemExit) as e:
            self.stats.add(f"attach failed: {e}")
            return False
        return True

    def detach(self):
        if self.mbx:
            self.mbx.regs.release()
            self.mbx.map.close()
        self.mbx = None

    def words(self):
        r = self.rng
        roll = r.random()
        mid = r.choice(list(NAMES)) if roll < 0.8 else (
            r.randrange(0x100) if roll < 0.9 else r.randrange(0x10000))
        info = r.randrange(0x100) if r.random() < 0.3 else 0
        payload = []
        if mid == 2:        # SET_MAC_ADDR: a filter sub-command and a MAC
            info = r.choice([0, 0, 1, 2, r.randrange(0x100)])
            m = mac(r)
            payload = [int.from_bytes(m[:4], "little"), int.from_bytes(m[4:], "little")]
        elif mid == 3:      # SET_MULTICAST: a count and that many hashes
            info = r.choice([0, 1, 2, 30, 31, r.randrange(0x100)])
            payload = [r.randrange(0x10000) | r.randrange(0x10000) << 16
                       for _ in range(r.randrange(16))]
        elif mid == 4:      # SET_VLAN: add or remove an ID
            info = r.choice([0, 1, r.randrange(0x100)])
            payload = [r.choice([0, 1, 100, 300, 4095, 4096, r.randrange(1 << 32)])]
        elif mid == 5:      # SET_LPE: a maximum frame size
            payload = [r.choice([0, 64, 1518, 1522, 9018, 9728, 16384, r.randrange(1 << 32)])]
        elif mid == 6:      # SET_PROMISC: flags
            info = r.randrange(0x100)
        else:
            payload = [r.randrange(1 << 32) for _ in range(r.randrange(16))]
        w0 = mid | info << 16
        if r.random() < 0.05:
            w0 |= r.choice([MSG_ACK, MSG_NACK, MSG_CTS, MSG_ACK | MSG_NACK])
        return ([w0] + payload)[:16], NAMES.get(mid, "unknown ID")

    def send(self, timeout=0.3):
        msg, name = self.words()
        r = self.mbx.send(msg, timeout=timeout)
        if r is None:
            outcome = "no reply"
        elif r & MSG_NACK:
            outcome = "NACK"
        elif r & MSG_ACK:
            outcome = "ACK"
        else:
            outcome = "neither"
        self.stats.add(f"message {name}: {outcome}")
        self.stats.add("messages")
        if self.trace:
            print("# send " + " ".join(f"{w:#x}" for w in msg) + f" -> {outcome}", flush=True)

    def poke(self):
        """Register abuse: the mailbox bits in the wrong order."""
        r = self.rng
        bits = r.choice([vfmbx.REQ, vfmbx.ACK, vfmbx.VFU, vfmbx.REQ | vfmbx.VFU,
                         vfmbx.ACK | vfmbx.REQ, 0, r.randrange(0x100)])
        if r.random() < 0.5:        # the buffer written without holding it
            for i in range(r.randrange(1, 17)):
                self.mbx.wr(vfmbx.VMBMEM + 4 * i, r.randrange(1 << 32))
        self.mbx.wr(vfmbx.V2PMAILBOX, bits)
        self.stats.add("register writes")
        if self.trace:
            print(f"# poke {bits:#x}", flush=True)

    def step(self):
        r = self.rng
        roll = r.random()
        if roll < 0.7:
            self.send()
        elif roll < 0.8:
            rep = self.mbx.send([0x01], timeout=0.5)
            self.stats.add("resets: " + ("answered" if rep is not None else "no reply"))
        elif roll < 0.93:
            self.poke()
        elif roll < 0.97:
            for _ in range(20):
                self.send(timeout=0.05)
            self.stats.add("floods")
        else:
            held = self.mbx.lock()
            time.sleep(r.random() * 0.3)
            self.mbx.wr(vfmbx.V2PMAILBOX, 0)
            self.stats.add("buffer held: " + ("yes" if held else "not taken"))


class Admin:
    """ip link set vf, devlink, VF resets: what an admin does meanwhile."""

    def __init__(self, pf, netdev, rng, stats, maxvfs, flr=True):
        self.pf, self.dev, self.rng, self.stats, self.maxvfs = pf, netdev, rng, stats, maxvfs
        self.flr = flr          # VF function resets among the calls
        self.current = None     # the call in progress, to name a hang

    def run(self, cmd, name):
        self.current = " ".join(cmd)
        try:
            p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=30)
            self.stats.add(f"admin {name}: {'ok' if p.returncode == 0 else 'refused'}")
        except subprocess.TimeoutExpired:
            self.stats.add(f"admin {name}: TIMED OUT")
        self.stats.add("admin calls")
        self.current = None

    def step(self):
        r = self.rng
        vf = str(r.randrange(self.maxvfs + 1))
        h = f"pci/{self.pf}"
        roll = r.randrange(11)
        ipvf = ["ip", "link", "set", "dev", self.dev, "vf", vf]
        if roll == 0:
            self.run(ipvf + ["mac", mac_str(mac(r))], "ip link set vf mac")
        elif roll == 1:
            self.run(ipvf + ["vlan", str(r.choice([0, 0, 100, 300, 4095, 4096])),
                             "qos", str(r.randrange(9))], "ip link set vf vlan")
        elif roll == 2:
            self.run(ipvf + ["spoofchk", r.choice(["on", "off"])], "ip link set vf spoofchk")
        elif roll == 3:
            self.run(ipvf + ["trust", r.choice(["on", "off"])], "ip link set vf trust")
        elif roll == 4:
            self.run(ipvf + ["state", r.choice(["auto", "enable", "disable"])],
                     "ip link set vf state")
        elif roll == 5:
            self.run(ipvf + ["max_tx_rate", str(r.choice([0, 10, 100, 1000, 100000]))],
                     "ip link set vf max_tx_rate")
        elif roll == 6:
            self.run(["devlink", "dev", "param", "set", h, "name", "vf_msg_rate", "value",
                      str(r.choice([1, 20, 200, 1000, 100000])), "cmode", "runtime"],
                     "devlink param vf_msg_rate")
        elif roll == 7:
            self.run(["devlink", "health", r.choice(["diagnose", "recover", "dump show"]),
                      h, "reporter", "vf_mbx"], "devlink health")
        elif roll == 8:
            port = f"{h}/{r.randrange(self.maxvfs + 2)}"
            self.run(["devlink", "port", "function", "set", port, "hw_addr",
                      mac_str(mac(r))], "devlink port function hw_addr")
        elif roll == 9 or not self.flr:
            self.run(["ip", "-d", "-j", "link", "show", "dev", self.dev], "ip link show")
        else:
            bdf = vf_bdf(self.pf, int(vf))
            self.current = f"echo 1 > /sys/bus/pci/devices/{bdf}/reset"
            res = sysfs_write(f"/sys/bus/pci/devices/{bdf}/reset", "1") if bdf else "no VF"
            self.current = None
            self.stats.add(f"VF function reset: {res}")


def set_numvfs(pf, n, stats):
    """Disable SR-IOV and enable n VFs; VFs on igbvf are unbound first."""
    d = f"/sys/bus/pci/devices/{pf}"
    for i in range(8):
        bdf = vf_bdf(pf, i)
        if bdf and os.path.exists(f"/sys/bus/pci/devices/{bdf}/driver"):
            sysfs_write(f"/sys/bus/pci/devices/{bdf}/driver/unbind", bdf)
    res = sysfs_write(f"{d}/sriov_numvfs", "0")
    if res == "ok":
        res = sysfs_write(f"{d}/sriov_numvfs", str(n))
    stats.add(f"numvfs changes: {res}")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pf")
    ap.add_argument("--vf", type=int, default=1)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--trace", action="store_true")
    ap.add_argument("--no-flr", action="store_true",
                    help="no VF function resets among the admin's calls")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(2**32)
    print(f"# mbx-fuzz: seed {seed}, {a.seconds:g} seconds, PF {a.pf}, raw VF {a.vf}", flush=True)
    netdev = os.listdir(f"/sys/bus/pci/devices/{a.pf}/net")[0]
    maxvfs = int(open(f"/sys/bus/pci/devices/{a.pf}/sriov_totalvfs").read())
    stats = Stats()
    rng = random.Random(f"{seed}/mailbox")
    start = time.monotonic()
    deadline = start + a.seconds
    admin = Admin(a.pf, netdev, random.Random(f"{seed}/admin"), stats, maxvfs,
                  flr=not a.no_flr)

    def admin_loop():
        while time.monotonic() < deadline:
            admin.step()
    t = threading.Thread(target=admin_loop, daemon=True)
    t.start()
    fz = MailboxFuzzer(a.pf, a.vf, rng, stats, a.trace)
    while time.monotonic() < deadline:
        if not fz.mbx and not fz.attach():
            time.sleep(0.2)
            continue
        for _ in range(rng.randrange(20, 200)):
            if time.monotonic() >= deadline:
                break
            fz.step()
        # Now and then the VFs go away and come back, the admin racing it.
        if rng.random() < 0.3:
            fz.detach()
            set_numvfs(a.pf, rng.randrange(a.vf + 1, maxvfs + 1), stats)
    fz.detach()
    t.join(timeout=60)
    stats.print()
    if t.is_alive():
        print(f"# admin call hung: {admin.current}", flush=True)
    print(f"# seed {seed} done in {time.monotonic() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
