#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run an unmodified QEMU with its generic vDPA device
(-device vhost-vdpa-device-pci,vhostdev=/dev/vhost-vdpa-N) on a viox_blk
device and be its guest's virtio-blk driver through the qtest protocol:
no guest OS, the script programs the PCI device, the virtqueue and guest
memory itself. QEMU does all the vDPA work: it reads the device's ID,
queues and config space from the vhost-vdpa fd, maps guest memory, sets
up and starts the rings, suspends and resumes the device.

usage: qemu-vblk.py --vhost-dev /dev/vhost-vdpa-N --file BACKING [options]

The checks, each printed as one KTAP line:
  - the PCI device is a modern virtio-blk whose capacity is the backing
    store's, with VERSION_1 negotiated;
  - COUNT writes of SIZE bytes in flight, a flush, then the same reads:
    every byte equal in guest memory and in the backing store, the MSI-X
    interrupt seen, GET_ID answering --serial;
  - stop and cont (QEMU suspends the device, saves its ring state, resets
    it, and sets it up again from that state): requests posted before the
    stop all complete, those posted while stopped are not used until cont
    and complete after it.
"""
import argparse
import os
import resource
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from virtio_qtest import (NO_VECTOR, S_ACK, S_DRIVER, S_DRIVER_OK,  # noqa: E402
                          S_FEATURES_OK, Fail, Ktap, Qemu, SplitRing, VirtioPci,
                          wait_for)

RING_BASE = 0x100000
HDR_BASE = 0x140000             # per request: 16-byte header, status byte
DATA_BASE = 0x200000            # per request: up to DATA_MAX bytes
DATA_MAX = 0x10000
MEM_MB = 16
QSIZE = 256
MAX_REQ = QSIZE // 3            # three descriptors each
F_EVENT_IDX, F_VERSION_1, F_ACCESS_PLATFORM = 29, 32, 33
T_IN, T_OUT, T_FLUSH, T_GET_ID = 0, 1, 4, 8


def pattern(sector, length):
    """What sector SECTOR onwards holds after a write: differs per sector."""
    return b"".join(struct.pack("<QQ", sector + i // 512, i) for i in range(0, length, 16))


class Guest:
    def __init__(self, qemu):
        self.qt = qemu.qt
        self.dev = VirtioPci(self.qt, 0x18, True, device_id=2)

    def setup(self):
        dev = self.dev
        dev.set(dev.STATUS, 0)
        wait_for("device reset", lambda: dev.get(dev.STATUS) == 0)
        dev.set(dev.STATUS, S_ACK | S_DRIVER)
        offered = 0
        for sel in (0, 1):
            dev.set(dev.DFSEL, sel)
            offered |= dev.get(dev.DF) << (32 * sel)
        want = 1 << F_VERSION_1 | 1 << F_EVENT_IDX
        if offered & want != want:
            raise Fail(f"device offers {offered:#x}, the test needs {want:#x}")
        want |= offered & (1 << F_ACCESS_PLATFORM)
        for sel in (0, 1):
            dev.set(dev.GFSEL, sel)
            dev.set(dev.GF, (want >> (32 * sel)) & 0xFFFFFFFF)
        dev.set(dev.STATUS, S_ACK | S_DRIVER | S_FEATURES_OK)
        if not dev.get(dev.STATUS) & S_FEATURES_OK:
            raise Fail("device refused the features")
        self.capacity = self.qt.rd("q", dev.device_cfg)
        dev.enable_msix(2)
        dev.set(dev.CFG_VEC, NO_VECTOR)
        dev.set(dev.QSEL, 0)
        if dev.get(dev.QSIZE_) < QSIZE:
            raise Fail(f"queue 0 is smaller than {QSIZE}")
        dev.set(dev.QSIZE_, QSIZE)
        dev.set(dev.QVEC, 0)
        dev.set(dev.QDESC, RING_BASE)
        dev.set(dev.QDRV, RING_BASE + 0x1000)
        dev.set(dev.QDEV, RING_BASE + 0x2000)
        self.notify = dev.notify + dev.get(dev.QNOFF) * dev.notify_mult
        self.ring = SplitRing(self.qt, RING_BASE, QSIZE)
        dev.set(dev.QEN, 1)
        dev.set(dev.STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)

    def post(self, rid, rtype, sector, length):
        hdr = HDR_BASE + 32 * rid
        self.qt.write(hdr, struct.pack("<IIQB", rtype, 0, sector, 0xFF))
        segs = [(hdr, 16, False)]
        if length:
            segs.append((DATA_BASE + DATA_MAX * rid, length, rtype != T_OUT))
        segs.append((hdr + 16, 1, True))
        self.ring.add_chain(3 * rid, segs)

    def kick(self):
        self.ring.publish()
        self.qt.wr("w", self.notify, 0)

    def reap(self, want, timeout=30.0):
        """Ids of WANT used requests, each checked for an OK status."""
        done = []

        def more():
            done.extend(self.ring.take_used(True))
            return len(done) >= want
        wait_for(f"{want} requests used", more, timeout)
        for desc, _ in done:
            status = self.qt.rd("b", HDR_BASE + 32 * (desc // 3) + 16)
            if status != 0:
                raise Fail(f"request {desc // 3}: status {status}")
        return [desc // 3 for desc, _ in done]

    def write_all(self, first, count, size):
        for rid in range(count):
            sector = first + rid * size // 512
            self.qt.write(DATA_BASE + DATA_MAX * rid, pattern(sector, size))
            self.post(rid, T_OUT, sector, size)

    def check_read(self, first, count, size):
        for rid in range(count):
            sector = first + rid * size // 512
            if self.qt.read(DATA_BASE + DATA_MAX * rid, size) != pattern(sector, size):
                raise Fail(f"request {rid}: read back differs")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vhost-dev", required=True, help="the vhost-vdpa device")
    ap.add_argument("--file", required=True, help="the device's backing store, to compare")
    ap.add_argument("--serial", default="", help="what GET_ID must answer")
    ap.add_argument("--count", type=int, default=32, help=f"requests in flight (at most {MAX_REQ})")
    ap.add_argument("--size", type=int, default=16384, help="bytes per request (default 16384)")
    ap.add_argument("--qemu", default="qemu-system-x86_64", help="the QEMU binary")
    args = ap.parse_args()
    if not 0 < args.count <= MAX_REQ or args.size % 512 or not 0 < args.size <= DATA_MAX:
        ap.error("--count or --size out of range")
    # vhost_vdpa pins guest memory against RLIMIT_MEMLOCK.
    resource.setrlimit(resource.RLIMIT_MEMLOCK, (resource.RLIM_INFINITY,) * 2)

    print("KTAP version 1", flush=True)
    ktap = Ktap()
    tmp = tempfile.TemporaryDirectory()
    qemu = guest = None
    n, size = args.count, args.size
    store = os.open(args.file, os.O_RDONLY)

    def start():
        nonlocal qemu, guest
        qemu = Qemu(args.qemu, tmp.name, "qemu", MEM_MB,
                    ["-device", f"vhost-vdpa-device-pci,vhostdev={args.vhost_dev},addr=03.0,"
                     f"disable-legacy=on,romfile=,queue-size={QSIZE}"])
        guest = Guest(qemu)
        guest.setup()
        want = os.lseek(store, 0, os.SEEK_END) // 512
        if guest.capacity != want:
            raise Fail(f"capacity {guest.capacity}, the store has {want} sectors")

    def in_store(first):
        for rid in range(n):
            sector = first + rid * size // 512
            if os.pread(store, size, sector * 512) != pattern(sector, size):
                raise Fail(f"the store differs at sector {sector}")

    def io():
        guest.dev.msi_clear(0)
        guest.write_all(0, n, size)
        guest.kick()
        guest.reap(n)
        guest.post(0, T_FLUSH, 0, 0)
        guest.kick()
        guest.reap(1)
        for rid in range(n):
            guest.qt.memset(DATA_BASE + DATA_MAX * rid, size, 0)
            guest.post(rid, T_IN, rid * size // 512, size)
        guest.kick()
        guest.reap(n)
        guest.check_read(0, n, size)
        in_store(0)
        if not guest.dev.msi_seen(0):
            raise Fail("no MSI-X interrupt")
        guest.qt.memset(DATA_BASE, 20, 0xFF)    # a GET_ID that writes nothing fails
        guest.post(0, T_GET_ID, 0, 20)
        guest.kick()
        guest.reap(1)
        got = guest.qt.read(DATA_BASE, 20).rstrip(b"\0").decode()
        if got != args.serial:
            raise Fail(f"GET_ID answered '{got}'")

    def stop_cont():
        first = 65536
        guest.write_all(first, n // 2, size)
        guest.kick()
        qemu.qmp.execute("stop")
        done = guest.reap(0)
        print(f"# {n // 2 - len(done)} of {n // 2} writes not yet used at stop", flush=True)
        if len(done) == n // 2:
            raise Fail("every write was used before the stop: none was in flight")
        for rid in range(n // 2, n):    # while stopped
            sector = first + rid * size // 512
            guest.qt.write(DATA_BASE + DATA_MAX * rid, pattern(sector, size))
            guest.post(rid, T_OUT, sector, size)
        guest.kick()
        time.sleep(0.3)
        done += guest.reap(0)
        early = [rid for rid in done if rid >= n // 2]
        if early:
            raise Fail(f"requests {early} were used while QEMU was stopped")
        qemu.qmp.execute("cont")
        guest.reap(n - len(done))
        in_store(first)

    try:
        if ktap.check("QEMU's vhost-vdpa-device-pci is a virtio-blk of the store's size",
                      start):
            ktap.check(f"{n} writes of {size} bytes, flush, reads: bytes equal in guest "
                       "memory and store, MSI-X, GET_ID", io)
            ktap.check("stop with writes in flight, more posted while stopped, cont: "
                       "all complete, all in the store", stop_cont)
    finally:
        if qemu:
            qemu.quit()
            if ktap.failed:
                print("# QEMU said: " + qemu.output().replace("\n", "\n# "))
    print(f"1..{ktap.n}")
    return 1 if ktap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
