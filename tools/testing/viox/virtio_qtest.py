# SPDX-License-Identifier: GPL-2.0
"""A virtio guest driver through QEMU's qtest protocol, shared by the
scripts that play the guest of an unmodified QEMU (qemu-vnet.py,
qemu-vblk.py): the qtest and QMP connections, PCI configuration space,
the modern virtio-pci transport with MSI-X, split and packed rings.
Guest memory layout: rings from RING_BASE, MSI-X messages at MSI_BASE,
BARs from BAR_BASE; the scripts put their buffers elsewhere."""
import base64
import json
import os
import socket
import struct
import subprocess
import time

MSI_BASE = 0x120000                      # one 16-byte slot per MSI-X vector
BAR_BASE = 0xE0000000

# Status bits
S_ACK, S_DRIVER, S_DRIVER_OK, S_FEATURES_OK = 1, 2, 4, 8
# Descriptor flags
D_NEXT, D_WRITE, D_AVAIL, D_USED = 1, 2, 1 << 7, 1 << 15
NO_VECTOR = 0xFFFF


class Fail(Exception):
    pass


def wait_for(what, cond, timeout=30.0):
    end = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > end:
            raise Fail(f"timed out waiting for {what}")
        time.sleep(0.002)


class QTest:
    """The qtest protocol: one command line, one OK line back."""

    def __init__(self, conn):
        self.sock = conn
        self.rf = conn.makefile("rb")

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        while True:
            resp = self.rf.readline()
            if not resp:
                raise Fail("QEMU closed the qtest connection")
            resp = resp.decode().strip()
            if resp.startswith("IRQ"):
                continue
            if resp == "OK" or resp.startswith("OK "):
                return resp[3:]
            raise Fail(f"qtest '{line[:60]}': {resp}")

    def inp(self, width, port):
        return int(self.cmd(f"in{width} {port:#x}"), 0)

    def out(self, width, port, val):
        self.cmd(f"out{width} {port:#x} {val:#x}")

    def rd(self, width, addr):
        return int(self.cmd(f"read{width} {addr:#x}"), 0)

    def wr(self, width, addr, val):
        self.cmd(f"write{width} {addr:#x} {val:#x}")

    def read(self, addr, size):
        return base64.b64decode(self.cmd(f"b64read {addr:#x} {size:#x}"))

    def write(self, addr, data):
        self.cmd(f"b64write {addr:#x} {len(data):#x} {base64.b64encode(data).decode()}")

    def memset(self, addr, size, val):
        self.cmd(f"memset {addr:#x} {size:#x} {val:#x}")


class Qmp:
    def __init__(self, conn):
        self.sock = conn
        self.rf = conn.makefile("rb")
        self.recv()                       # greeting
        self.execute("qmp_capabilities")

    def recv(self):
        while True:
            line = self.rf.readline()
            if not line:
                raise Fail("QEMU closed the QMP connection")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def execute(self, name, **args):
        req = {"execute": name}
        if args:
            req["arguments"] = args
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        resp = self.recv()
        if "error" in resp:
            raise Fail(f"QMP {name}: {resp['error'].get('desc')}")
        return resp.get("return")


class Pci:
    """Configuration space through the 0xcf8/0xcfc ports, bus 0."""

    def __init__(self, qt, devfn):
        self.qt, self.devfn = qt, devfn

    def _sel(self, off):
        self.qt.out("l", 0xCF8, 0x80000000 | (self.devfn << 8) | (off & 0xFC))
        return 0xCFC + (off & 3)

    def rd(self, width, off):
        return self.qt.inp(width, self._sel(off))

    def wr(self, width, off, val):
        self.qt.out(width, self._sel(off), val)


class VirtioPci:
    """The modern virtio-pci transport: capabilities, common config, MSI-X."""

    def __init__(self, qt, devfn, assign, device_id=1):
        self.qt = qt
        self.pci = Pci(qt, devfn)
        ids = self.pci.rd("l", 0)
        if ids != (0x1040 + device_id) << 16 | 0x1AF4:
            raise Fail(f"no modern virtio device {device_id} at devfn {devfn:#x} "
                       f"(vendor:device {ids & 0xFFFF:04x}:{ids >> 16:04x})")
        self.bars = {}
        caps = {}
        ptr = self.pci.rd("b", 0x34)
        while ptr:
            cap_id = self.pci.rd("b", ptr)
            if cap_id == 0x09:
                kind = self.pci.rd("b", ptr + 3)
                caps.setdefault(kind, (self.pci.rd("b", ptr + 4),
                                       self.pci.rd("l", ptr + 8),
                                       self.pci.rd("l", ptr + 16) if kind == 2 else 0))
            elif cap_id == 0x11:
                self.msix_cap = ptr
                table = self.pci.rd("l", ptr + 4)
                self.msix_table = (table & 7, table & ~7)
            ptr = self.pci.rd("b", ptr + 1)
        for kind in (1, 2):
            if kind not in caps:
                raise Fail(f"virtio capability {kind} missing")
        next_addr = BAR_BASE
        bars = {caps[1][0], caps[2][0], self.msix_table[0]}
        if 4 in caps:           # device-specific configuration
            bars.add(caps[4][0])
        for bar in sorted(bars):
            if assign:
                next_addr = self.map_bar(bar, next_addr)
            else:       # a migrated device keeps what the source assigned
                self.bars[bar] = self.pci.rd("l", 0x10 + 4 * bar) & ~0xF
        if assign:
            self.pci.wr("w", 4, self.pci.rd("w", 4) | 0x6)  # memory, bus master
        self.common = self.bars[caps[1][0]] + caps[1][1]
        self.notify = self.bars[caps[2][0]] + caps[2][1]
        self.notify_mult = caps[2][2]
        self.device_cfg = self.bars[caps[4][0]] + caps[4][1] if 4 in caps else None

    def map_bar(self, bar, addr):
        off = 0x10 + 4 * bar
        self.pci.wr("l", off, 0xFFFFFFFF)
        lo = self.pci.rd("l", off)
        is64 = (lo & 0x6) == 0x4
        size = (~(lo & ~0xF) + 1) & 0xFFFFFFFF
        addr = (addr + size - 1) & ~(size - 1)
        self.pci.wr("l", off, addr)
        if is64:
            self.pci.wr("l", off + 4, 0)
        self.bars[bar] = addr
        return addr + size

    # common configuration fields: (offset, width)
    DFSEL, DF, GFSEL, GF = (0x00, "l"), (0x04, "l"), (0x08, "l"), (0x0C, "l")
    CFG_VEC, STATUS = (0x10, "w"), (0x14, "b")
    QSEL, QSIZE_, QVEC, QEN, QNOFF = (0x16, "w"), (0x18, "w"), (0x1A, "w"), (0x1C, "w"), (0x1E, "w")
    QDESC, QDRV, QDEV = (0x20, "q"), (0x28, "q"), (0x30, "q")

    def get(self, field):
        return self.qt.rd(field[1], self.common + field[0])

    def set(self, field, val):
        self.qt.wr(field[1], self.common + field[0], val)

    def enable_msix(self, vectors):
        bir, off = self.msix_table
        for v in range(vectors):
            entry = self.bars[bir] + off + 16 * v
            self.qt.write(entry, struct.pack("<QII", MSI_BASE + 16 * v, 0x100 + v, 0))
        ctl = self.pci.rd("w", self.msix_cap + 2)
        self.pci.wr("w", self.msix_cap + 2, (ctl | 0x8000) & ~0x4000)

    def msi_seen(self, vector):
        return self.qt.rd("l", MSI_BASE + 16 * vector) == 0x100 + vector

    def msi_clear(self, vector):
        self.qt.wr("l", MSI_BASE + 16 * vector, 0)


class SplitRing:
    def __init__(self, qt, base, size):
        self.qt, self.size = qt, size
        self.desc, self.avail, self.used = base, base + 0x1000, base + 0x2000
        self.avail_idx = self.last_used = 0
        qt.memset(base, 0x3000, 0)

    def add(self, buf_id, addr, length, write):
        # Descriptor i carries buffer i: ids and descriptors are the same.
        self.qt.write(self.desc + 16 * buf_id,
                      struct.pack("<QIHH", addr, length, D_WRITE if write else 0, 0))
        self.qt.wr("w", self.avail + 4 + 2 * (self.avail_idx % self.size), buf_id)
        self.avail_idx = (self.avail_idx + 1) & 0xFFFF

    def add_chain(self, head, segs):
        """A chain of (addr, length, write) in descriptors head, head+1, ..."""
        raw = b""
        for i, (addr, length, write) in enumerate(segs):
            last = i == len(segs) - 1
            raw += struct.pack("<QIHH", addr, length,
                               (D_WRITE if write else 0) | (0 if last else D_NEXT),
                               0 if last else head + i + 1)
        self.qt.write(self.desc + 16 * head, raw)
        self.qt.wr("w", self.avail + 4 + 2 * (self.avail_idx % self.size), head)
        self.avail_idx = (self.avail_idx + 1) & 0xFFFF

    def publish(self):
        self.qt.wr("w", self.avail + 2, self.avail_idx)

    def take_used(self, may_write):
        done = []
        used_idx = self.qt.rd("w", self.used + 2)
        while self.last_used != used_idx:
            # The new entries up to the ring's end in one read.
            start = self.last_used % self.size
            n = min((used_idx - self.last_used) & 0xFFFF, self.size - start)
            raw = self.qt.read(self.used + 4 + 8 * start, 8 * n)
            done += [struct.unpack_from("<II", raw, 8 * i) for i in range(n)]
            self.last_used = (self.last_used + n) & 0xFFFF
        if done and may_write:      # used_event: EVENT_IDX is always negotiated
            self.qt.wr("w", self.avail + 4 + 2 * self.size, self.last_used)
        return done

    def used_entry(self, n):
        """The used entry at used index n, as the device wrote it."""
        return struct.unpack("<II", self.qt.read(self.used + 4 + 8 * (n % self.size), 8))


class PackedRing:
    def __init__(self, qt, base, size):
        self.qt, self.size = qt, size
        self.desc = base
        self.next_avail, self.avail_wrap = 0, 1
        self.next_used, self.used_wrap = 0, 1
        qt.memset(base, 0x3000, 0)     # driver and device event areas: notify on all

    def add(self, buf_id, addr, length, write):
        slot = self.desc + 16 * self.next_avail
        flags = (D_WRITE if write else 0) | (D_AVAIL if self.avail_wrap else D_USED)
        self.qt.write(slot, struct.pack("<QIH", addr, length, buf_id))
        self.qt.wr("w", slot + 14, flags)        # flags last: this publishes it
        self.next_avail += 1
        if self.next_avail == self.size:
            self.next_avail, self.avail_wrap = 0, self.avail_wrap ^ 1

    def publish(self):
        pass

    def take_used(self, may_write):
        done = []
        while True:
            slot = self.desc + 16 * self.next_used
            flags = self.qt.rd("w", slot + 14)
            avail, used = bool(flags & D_AVAIL), bool(flags & D_USED)
            if avail != used or used != bool(self.used_wrap):
                return done
            _, length, buf_id = struct.unpack("<QIH", self.qt.read(slot, 14))
            done.append((buf_id, length))
            self.next_used += 1
            if self.next_used == self.size:
                self.next_used, self.used_wrap = 0, self.used_wrap ^ 1


class Qemu:
    """One QEMU with TCG, a firmware of one hlt, qtest and QMP connections,
    and DEVICE_ARGS (its -netdev/-device options); FDS are passed to it."""

    def __init__(self, binary, tmpdir, name, mem_mb, device_args, fds=(), incoming=False):
        qt_path = os.path.join(tmpdir, f"{name}.qtest")
        qmp_path = os.path.join(tmpdir, f"{name}.qmp")
        listeners = []
        for path in (qt_path, qmp_path):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(path)
            s.listen(1)
            listeners.append(s)
        bios = os.path.join(tmpdir, "halt.bin")
        with open(bios, "wb") as f:
            # The reset vector (16 bytes from the end): cli; hlt; jmp back.
            f.write(bytes(0xFFF0) + bytes([0xFA, 0xF4, 0xEB, 0xFD]) + bytes(12))
        cmd = [binary, "-machine", "pc", "-accel", "tcg", "-bios", bios, "-nodefaults",
               "-display", "none", "-m", str(mem_mb),
               "-qtest", f"unix:{qt_path}", "-qtest-log", "/dev/null",
               "-chardev", f"socket,path={qmp_path},id=qmp0",
               "-mon", "chardev=qmp0,mode=control"] + device_args
        if incoming:
            cmd += ["-incoming", "defer"]
        self.log = open(os.path.join(tmpdir, f"{name}.log"), "w+")
        self.proc = subprocess.Popen(cmd, pass_fds=fds, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        try:
            self.qt = QTest(self.accept(listeners[0]))
            self.qmp = Qmp(self.accept(listeners[1]))
        finally:
            for s in listeners:
                s.close()

    def accept(self, listener):
        listener.settimeout(0.2)
        end = time.monotonic() + 120
        while True:
            try:
                return listener.accept()[0]
            except socket.timeout:
                if self.proc.poll() is not None or time.monotonic() > end:
                    raise Fail(f"QEMU did not connect: {self.output()}")

    def output(self):
        self.log.seek(0)
        return self.log.read().strip()

    def quit(self):
        try:
            self.qmp.execute("quit")
        except (Fail, OSError):
            pass
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Ktap:
    """One KTAP line per check: ok, or not ok with why."""

    def __init__(self):
        self.n = self.failed = 0

    def check(self, name, fn):
        self.n += 1
        start = time.monotonic()
        try:
            fn()
            print(f"ok {self.n} {name}\n# {time.monotonic() - start:.1f} s", flush=True)
            return True
        except (Fail, OSError, struct.error, subprocess.CalledProcessError) as e:
            print(f"not ok {self.n} {name}\n# {e}", flush=True)
            self.failed += 1
            return False
