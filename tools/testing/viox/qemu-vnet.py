#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run an unmodified QEMU with a virtio-net-pci NIC whose backend is a vhost
device (-netdev tap,vhost=on,vhostfd=N) and be its guest driver through
the qtest protocol: no guest OS, the script programs the PCI device, the
virtqueues and guest memory itself. QEMU does all the vhost work: it
opens the tap, negotiates features with the vhost device, hands it the
memory table and rings, stops and restarts it, and migrates.

usage: qemu-vnet.py --vhost-dev PATH|none --tap NAME [options]
       qemu-vnet.py --vhost-dev PATH|none --tap-dev PATH --peer NAME [options]

With --tap QEMU creates a tun/tap interface NAME and frames are exchanged
on it; with --tap-dev QEMU is given an open tap character device (-netdev
tap,fd=N: a viox vport's /dev/vioxtapN or a macvtap's /dev/tapN, opened anew by each
QEMU) and frames are exchanged on interface NAME, the vport's wire.

The checks, each printed as one KTAP line:
  - the device negotiates VERSION_1 (and RING_PACKED with --packed);
  - COUNT frames from guest to tap and COUNT from tap to guest arrive in
    order, every byte equal, and MSI-X interrupts reach the guest;
  - stop and cont (QEMU takes the vrings back from the vhost device and
    gives them again): frames sent into the tap while stopped are
    received after, nothing lost or repeated;
  - --migrate: a live migration to a second QEMU with a new vhost fd while
    frames are received; pages written by the vhost device after QEMU sent
    them reach the destination only through the dirty log, so every frame
    and used-ring entry is compared on the destination, and traffic goes
    on both ways from exactly where it stopped.

--vhost-dev none runs QEMU's own userspace backend (a check of the
script itself on a host without vhost).
"""
import argparse
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from virtio_qtest import (NO_VECTOR, S_ACK, S_DRIVER, S_DRIVER_OK,  # noqa: E402
                          S_FEATURES_OK, Fail, Ktap, PackedRing, Qemu, SplitRing,
                          VirtioPci, wait_for)

# Guest physical layout (below 64 MiB of RAM, above the legacy holes).
RING_BASE = {0: 0x100000, 1: 0x110000}   # per queue: desc, +4K driver, +8K device
RX_BUF_BASE = 0x200000
TX_BUF_BASE = 0x800000
MEM_MB = 16
FILL = 0xA5                              # RAM pattern before the run
QSIZE = 256
ETH_TYPE = 0x88B5
GUEST_MAC = bytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x56])
PEER_MAC = bytes([0x02, 0, 0, 0, 0, 1])
HDR_LEN = 12                             # virtio_net_hdr_v1
SO_RCVBUFFORCE = 33

# Feature bits
F_MRG_RXBUF, F_EVENT_IDX, F_VERSION_1, F_RING_PACKED = 15, 29, 32, 34


def start_qemu(args, tmpdir, name, incoming=False):
    """QEMU with the NIC under test on its vhost device and tap."""
    fds = []
    if args.tap_dev:
        # QEMU asks the file itself whether it has a vnet header.
        fds.append(os.open(args.tap_dev, os.O_RDWR))
        netdev = f"tap,id=n0,fd={fds[-1]}"
    else:
        netdev = f"tap,id=n0,ifname={args.tap},script=no,downscript=no,vnet_hdr=on"
    if args.vhost_dev == "none":
        netdev += ",vhost=off"
    else:
        fds.append(os.open(args.vhost_dev, os.O_RDWR))
        netdev += f",vhost=on,vhostfd={fds[-1]}"
    device = ("virtio-net-pci,netdev=n0,addr=03.0,disable-legacy=on,romfile=,"
              f"mac={':'.join(f'{b:02x}' for b in GUEST_MAC)},"
              f"packed={'on' if args.packed else 'off'},vectors=3")
    try:
        return Qemu(args.qemu, tmpdir, name, MEM_MB, ["-netdev", netdev, "-device", device],
                    fds, incoming)
    finally:
        for fd in fds:
            os.close(fd)


def frame(seq, size, dst, src):
    """Frame SEQ: its sequence number, then a pattern that differs per frame,
    up to a length that differs per frame (at most SIZE)."""
    length = 60 + (seq * 37) % (size - 59)
    head = dst + src + struct.pack("!HI", ETH_TYPE, seq)
    return head + bytes((seq + i) & 0xFF for i in range(length - len(head)))


class Guest:
    """The guest driver of the NIC's one queue pair."""

    def __init__(self, args):
        self.args = args
        self.rx_buf = args.rx_buf
        self.rx_seq = self.tx_seq = 0
        self.tx_free = list(range(QSIZE))
        self.frozen = False     # no writes to guest memory (a migration's end is near)
        self.held = []          # RX buffers to post again once unfrozen
        self.rx_log = []        # (used entry number, buffer id, length) per RX buffer used
        self.first_buf = b""    # the first buffer of the frame being put together

    def attach(self, qemu, assign):
        self.qt = qemu.qt
        self.dev = VirtioPci(self.qt, 3 << 3, assign)
        for ring in getattr(self, "rings", {}).values():
            ring.qt = self.qt

    def setup(self):
        dev, args = self.dev, self.args
        dev.set(dev.STATUS, 0)
        wait_for("device reset", lambda: dev.get(dev.STATUS) == 0)
        dev.set(dev.STATUS, S_ACK | S_DRIVER)
        offered = 0
        for sel in (0, 1):
            dev.set(dev.DFSEL, sel)
            offered |= dev.get(dev.DF) << (32 * sel)
        want = 1 << F_VERSION_1 | 1 << F_EVENT_IDX
        if args.mrg:
            want |= 1 << F_MRG_RXBUF
        if args.packed:
            want |= 1 << F_RING_PACKED
        if offered & want != want:
            raise Fail(f"device offers {offered:#x}, the test needs {want:#x}")
        for sel in (0, 1):
            dev.set(dev.GFSEL, sel)
            dev.set(dev.GF, (want >> (32 * sel)) & 0xFFFFFFFF)
        dev.set(dev.STATUS, S_ACK | S_DRIVER | S_FEATURES_OK)
        if not dev.get(dev.STATUS) & S_FEATURES_OK:
            raise Fail("device refused the features")
        dev.enable_msix(3)
        dev.set(dev.CFG_VEC, NO_VECTOR)
        ring_type = PackedRing if args.packed else SplitRing
        self.rings, self.notify = {}, {}
        for q in (0, 1):
            dev.set(dev.QSEL, q)
            if dev.get(dev.QSIZE_) < QSIZE:
                raise Fail(f"queue {q} is smaller than {QSIZE}")
            dev.set(dev.QSIZE_, QSIZE)
            dev.set(dev.QVEC, q)
            if dev.get(dev.QVEC) != q:
                raise Fail(f"queue {q} refused MSI-X vector {q}")
            base = RING_BASE[q]
            dev.set(dev.QDESC, base)
            dev.set(dev.QDRV, base + 0x1000)
            dev.set(dev.QDEV, base + 0x2000)
            self.notify[q] = dev.notify + dev.get(dev.QNOFF) * dev.notify_mult
            self.rings[q] = ring_type(self.qt, base, QSIZE)
            dev.set(dev.QEN, 1)
        for buf_id in range(QSIZE):
            self.post_rx(buf_id)
        self.rings[0].publish()
        dev.set(dev.STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)
        self.kick(0)

    def kick(self, q):
        self.qt.wr("w", self.notify[q], q)

    def post_rx(self, buf_id):
        self.rings[0].add(buf_id, RX_BUF_BASE + buf_id * self.rx_buf, self.rx_buf, True)

    def thaw(self):
        self.frozen = False
        for buf_id in self.held:
            self.post_rx(buf_id)
        self.held = []
        self.rings[0].publish()
        self.kick(0)

    # Transmit -------------------------------------------------------------

    def transmit(self, count, peer):
        """Send COUNT frames; the peer must get each one, in order."""
        ring = self.rings[1]
        for _ in range(count):
            while not self.tx_free:
                self.reap_tx()
                time.sleep(0.001)
            buf_id = self.tx_free.pop()
            data = bytes(HDR_LEN) + frame(self.tx_seq, self.args.size, PEER_MAC, GUEST_MAC)
            addr = TX_BUF_BASE + buf_id * 2048
            self.qt.write(addr, data)
            ring.add(buf_id, addr, len(data), False)
            ring.publish()
            self.kick(1)
            self.tx_seq += 1
        peer.expect(self.tx_seq - count, count, self.args.size)
        wait_for("TX completions", lambda: self.reap_tx() == QSIZE)

    def reap_tx(self):
        self.tx_free.extend(buf_id for buf_id, _ in self.rings[1].take_used(True))
        return len(self.tx_free)

    # Receive --------------------------------------------------------------

    def receive(self, count, size, give_up=None, may_lose_first=False):
        """Take frames COUNT frames on (each at most SIZE bytes) off the RX
        ring, every byte checked. With MAY_LOSE_FIRST the first of them
        may be missing. Stops early once GIVE_UP() is true and nothing
        more comes. Returns how many sequence numbers it got past."""
        ring = self.rings[0]
        end = time.monotonic() + 60
        first = self.rx_seq
        pending = []
        giving_up = False
        while self.rx_seq - first < count:
            done = ring.take_used(not self.frozen)
            if not done:
                if giving_up:
                    break
                # One more look once told to give up: a frame may have
                # come in since this one.
                giving_up = give_up and give_up()
                if giving_up:
                    continue
                if time.monotonic() > end:
                    raise Fail(f"received {self.rx_seq - first} of {count} frames")
                time.sleep(0.002)
                continue
            for buf_id, length in done:
                self.rx_log.append((len(self.rx_log), buf_id, length))
                pending.append((buf_id, length))
                data = self.complete_frame(pending)
                if data is None:
                    continue
                pending = []
                if may_lose_first and data and self.rx_seq == first and \
                        data != frame(self.rx_seq, size, GUEST_MAC, PEER_MAC):
                    self.rx_seq += 1
                    print(f"# frame {first} was lost", flush=True)
                self.check_frame(data, size)
            if not self.frozen:
                ring.publish()
                self.kick(0)
        if pending:
            raise Fail("a frame's buffers were left incomplete")
        return self.rx_seq - first

    def complete_frame(self, bufs):
        """A frame once all its buffers are in (None before), which are
        then posted again. The host stack's frames are skipped (b"")."""
        if len(bufs) == 1:
            self.first_buf = self.qt.read(RX_BUF_BASE + bufs[0][0] * self.rx_buf, bufs[0][1])
        nbufs = struct.unpack_from("<H", self.first_buf, 10)[0] if self.args.mrg else 1
        if len(bufs) < nbufs:
            return None
        data = self.first_buf + b"".join(self.qt.read(RX_BUF_BASE + b * self.rx_buf, n)
                                         for b, n in bufs[1:])
        for b, _ in bufs:
            if self.frozen:
                self.held.append(b)
            else:
                self.post_rx(b)
        data = data[HDR_LEN:]
        if len(data) >= 14 and struct.unpack_from("!H", data, 12)[0] != ETH_TYPE:
            return b""
        return data

    def check_frame(self, data, size):
        if data == b"":
            return
        want = frame(self.rx_seq, size, GUEST_MAC, PEER_MAC)
        if data != want:
            raise Fail(f"RX frame {self.rx_seq}: {len(data)} bytes where {len(want)} "
                       "were sent" if len(data) != len(want)
                       else f"RX frame {self.rx_seq}: content differs")
        self.rx_seq += 1


class Peer:
    """The host side of the tap, or the interface given as --peer."""

    def __init__(self, tap, made_by_qemu):
        self.tap = tap
        self.made_by_qemu = made_by_qemu
        self.sock = None

    def up(self):
        if self.made_by_qemu:
            subprocess.run(["sysctl", "-qw", f"net.ipv6.conf.{self.tap}.disable_ipv6=1"],
                           check=True)
            subprocess.run(["ip", "link", "set", self.tap, "up"], check=True)
        if self.sock:
            self.sock.close()
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_TYPE))
        # Room for every frame of a run: they are read after all are sent.
        self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 16 << 20)
        self.sock.bind((self.tap, ETH_TYPE))
        self.sock.settimeout(30)

    def send(self, first, count, size):
        for seq in range(first, first + count):
            self.sock.send(frame(seq, size, GUEST_MAC, PEER_MAC))

    def expect(self, first, count, size):
        for seq in range(first, first + count):
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                raise Fail(f"the tap got {seq - first} of {count} frames")
            if data != frame(seq, size, PEER_MAC, GUEST_MAC):
                raise Fail(f"TX frame {seq}: the tap got {len(data)} bytes that differ")


def migrate(args, tmpdir, qemus, guest, peer):
    """Live-migrate while frames arrive, check on the destination what the
    source received during the migration, and go on with traffic there."""
    src = qemus[-1]
    stream = os.path.join(tmpdir, "migration")
    # Slow enough that the rings and RX buffers (in the first megabytes)
    # are sent long before the frames below are written into them.
    src.qmp.execute("migrate-set-parameters", **{"max-bandwidth": 8 << 20})
    # No driver writes from here on: once the migration completes they
    # would reach the source only.
    guest.frozen = True
    src.qmp.execute("migrate", uri=f"exec:cat > {stream}")
    # RAM goes out in address order: wait until it is past the RX buffers.
    past = RX_BUF_BASE + QSIZE * guest.rx_buf + (1 << 20)

    def info():
        return src.qmp.execute("query-migrate")

    def ended():
        """The migration's final state, or None while it runs."""
        i = info()
        return i if i.get("status") in ("completed", "failed", "cancelled") else None

    def past_buffers():
        i = info()
        return i.get("status") != "active" or i.get("ram", {}).get("transferred", 0) > past

    wait_for("the migration to send the RX buffers", past_buffers, 60)
    first_entry = len(guest.rx_log)
    batches = frames = 0
    # The buffers are not posted again while frozen: stop before they run out.
    while not ended() and frames + 16 <= QSIZE - 32:
        peer.send(guest.rx_seq, 16, 200)
        frames += guest.receive(16, 200, give_up=ended)
        batches += 1
    status = wait_for("the migration", ended)
    if status.get("status") != "completed":
        raise Fail(f"migration ended as {status.get('status')}: {status.get('error-desc', '')}")
    if batches < 2:
        raise Fail(f"only {batches} batches of frames arrived during the migration")
    # What the source's memory holds now is what the destination must hold.
    entries = guest.rx_log[first_entry:]
    buffers = {b: guest.qt.read(RX_BUF_BASE + b * guest.rx_buf, n) for _, b, n in entries}
    used = [guest.rings[0].used_entry(n) for n, _, _ in entries] \
        if isinstance(guest.rings[0], SplitRing) else []
    src.quit()

    dst = start_qemu(args, tmpdir, "dst", incoming=True)
    qemus.append(dst)
    dst.qmp.execute("migrate-incoming", uri=f"exec:cat {stream}")
    wait_for("the destination to run",
             lambda: dst.qmp.execute("query-status").get("status") == "running", 60)
    guest.attach(dst, assign=False)
    for b, data in buffers.items():
        if guest.qt.read(RX_BUF_BASE + b * guest.rx_buf, len(data)) != data:
            raise Fail(f"RX buffer {b} differs on the destination")
    for (n, _, _), entry in zip(entries, used):
        if guest.rings[0].used_entry(n) != entry:
            raise Fail(f"used entry {n} differs on the destination")
    print(f"# {frames} frames in {batches} batches during the migration, "
          f"{len(buffers)} buffers and {len(used)} used entries equal on the destination")
    peer.up()
    guest.thaw()
    guest.transmit(args.count, peer)
    peer.send(guest.rx_seq, args.count, args.size)
    guest.receive(args.count, args.size)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 2)[2],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vhost-dev", required=True, help="vhost device to open, or none")
    ap.add_argument("--tap", help="name of the tap QEMU creates")
    ap.add_argument("--tap-dev", help="tap character device QEMU is given (fd=)")
    ap.add_argument("--peer", help="with --tap-dev: the interface frames are exchanged on")
    ap.add_argument("--packed", action="store_true", help="negotiate the packed ring")
    ap.add_argument("--mrg", action="store_true", help="negotiate mergeable RX buffers")
    ap.add_argument("--rx-buf", type=int, default=2048, help="RX buffer size (default 2048)")
    ap.add_argument("--size", type=int, default=1514, help="largest frame (default 1514)")
    ap.add_argument("--count", type=int, default=300, help="frames each way (default 300)")
    ap.add_argument("--migrate", action="store_true", help="live-migrate to a second QEMU")
    ap.add_argument("--qemu", default="qemu-system-x86_64", help="the QEMU binary")
    args = ap.parse_args()
    if bool(args.tap) == bool(args.tap_dev) or bool(args.peer) != bool(args.tap_dev):
        ap.error("give --tap NAME, or --tap-dev PATH and --peer NAME")
    if not 60 <= args.size <= 1514:
        ap.error("--size must be 60 to 1514")
    if not args.mrg and args.rx_buf < args.size + HDR_LEN:
        ap.error("without --mrg an RX buffer must hold the largest frame")
    if not HDR_LEN < args.rx_buf <= (TX_BUF_BASE - RX_BUF_BASE) // QSIZE:
        ap.error("--rx-buf out of range")

    print("KTAP version 1", flush=True)
    ktap = Ktap()
    tmp = tempfile.TemporaryDirectory()
    guest, peer = Guest(args), Peer(args.peer or args.tap, not args.tap_dev)
    qemus = []
    what = f"{args.vhost_dev} {'packed' if args.packed else 'split'} ring"

    def start():
        q = start_qemu(args, tmp.name, "src")
        qemus.append(q)
        q.qt.memset(0x100000, (MEM_MB << 20) - 0x100000, FILL)
        guest.attach(q, assign=True)
        guest.setup()
        peer.up()

    def traffic():
        dev = guest.dev
        for v in (0, 1):
            dev.msi_clear(v)
        guest.transmit(args.count, peer)
        peer.send(guest.rx_seq, args.count, args.size)
        guest.receive(args.count, args.size)
        wait_for("MSI-X messages for both queues",
                 lambda: dev.msi_seen(0) and dev.msi_seen(1), 10)

    def stop_cont():
        q = qemus[-1]
        q.qmp.execute("stop")
        peer.send(guest.rx_seq, args.count, args.size)
        time.sleep(0.5)
        q.qmp.execute("cont")
        # Stopped, QEMU reads the tap itself until one frame finds no
        # way in, keeps that one queued and purges it when it gives the
        # rings back to the vhost device (virtio_net_vhost_status()):
        # with vhost=on the first frame may be lost, nothing else.
        guest.receive(args.count, args.size, may_lose_first=args.vhost_dev != "none")
        guest.transmit(args.count, peer)

    ok = ktap.check(f"{what}: QEMU starts the device", start)
    ok = ok and ktap.check(f"{what}: {args.count} frames each way, every byte, interrupts",
                           traffic)
    ok = ok and ktap.check(f"{what}: stop and cont, frames sent while stopped arrive after",
                           stop_cont)
    if args.migrate and ok:
        ktap.check(f"{what}: live migration to a new vhost fd while receiving",
                   lambda: migrate(args, tmp.name, qemus, guest, peer))
    for q in qemus:
        q.quit()
    if ktap.failed:
        for q in qemus:
            if q.output():
                print("# QEMU: " + q.output().replace("\n", "\n# "))
    print(f"1..{ktap.n}")
    sys.exit(1 if ktap.failed else 0)


if __name__ == "__main__":
    main()
