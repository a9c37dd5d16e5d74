#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Speak the 82576 VF side of the PF<->VF mailbox straight through a VF's
BAR 0, as a hostile guest would: no igbvf, any message.

usage: vf-mbx.py VF-PCI-ADDRESS [--word] COMMAND [ARGS...]
  reset               VF_RESET; prints the reply
  raw WORD [WORD...]  send these 32-bit words (hex or decimal)
  flood COUNT         COUNT empty multicast lists back to back
  spray COUNT WORD    post COUNT one-word messages, waiting only for the
                      PF to take each (no reply is awaited)
  hold                take the mailbox buffer and keep it (exit holding it)

Prints one JSON object per command: the replies' first words, or for a
flood the number of ACKs, NACKs and timeouts. With --word, reset and raw
print the reply's first word alone, in hex, or "none" (one process per
message instead of two: each costs a second in a debug-kernel guest). The VF must be bound to no
driver; the script enables its memory decoding itself.
"""
import json
import mmap
import os
import struct
import sys
import time

V2PMAILBOX = 0x0C40
VMBMEM = 0x0800
REQ, ACK, VFU, PFU, PFSTS, PFACK = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
MSG_ACK, MSG_NACK = 0x80000000, 0x40000000


class VfMailbox:
    def __init__(self, bdf):
        dev = f"/sys/bus/pci/devices/{bdf}"
        if os.path.exists(f"{dev}/driver"):
            sys.exit(f"{bdf} is bound to a driver: unbind it first")
        with open(f"{dev}/enable", "w") as f:
            f.write("1")
        path = f"{dev}/resource0"
        fd = os.open(path, os.O_RDWR | os.O_SYNC)
        self.map = mmap.mmap(fd, os.path.getsize(path), mmap.MAP_SHARED,
                             mmap.PROT_READ | mmap.PROT_WRITE)
        os.close(fd)
        # 32-bit accesses: the device ignores narrower ones.
        self.regs = memoryview(self.map).cast("I")
        self.sticky = 0     # read-to-clear bits seen but not yet consumed

    def rd(self, off):
        return self.regs[off // 4]

    def wr(self, off, val):
        self.regs[off // 4] = val & 0xFFFFFFFF

    def mailbox(self):
        self.sticky |= self.rd(V2PMAILBOX)
        return self.sticky

    def take(self, bit, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.mailbox() & bit:
                self.sticky &= ~bit
                return True
            time.sleep(0.0005)
        return False

    def lock(self):
        for _ in range(100):
            self.wr(V2PMAILBOX, VFU)
            if self.mailbox() & VFU:
                return True
            time.sleep(0.001)
        return False

    def post(self, words):
        if not self.lock():
            return False
        self.sticky &= ~(PFACK | PFSTS)
        for i, w in enumerate(words[:16]):
            self.wr(VMBMEM + 4 * i, w)
        self.wr(V2PMAILBOX, REQ)        # drops VFU
        return True

    def send(self, words, timeout=1.0):
        """Post a message; the PF's reply word 0, or None on timeout."""
        if not self.post(words) or not self.take(PFACK, timeout):
            return None
        if not self.take(PFSTS, timeout):
            return None
        if not self.lock():
            return None
        reply = self.rd(VMBMEM)
        self.wr(V2PMAILBOX, ACK)        # drops VFU
        return reply


def num(s):
    return int(s, 0)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    word = argv[2] == "--word"
    if word:
        del argv[2]
    mbx = VfMailbox(argv[1])
    cmd, args = argv[2], argv[3:]
    if cmd == "reset":
        out = {"reply": mbx.send([0x01])}
    elif cmd == "raw":
        out = {"reply": mbx.send([num(a) for a in args])}
    elif cmd == "spray":
        taken = 0
        for _ in range(num(args[0])):
            if mbx.post([num(args[1])]) and mbx.take(PFACK, 0.5):
                taken += 1
        out = {"taken": taken}
    elif cmd == "hold":
        out = {"held": mbx.lock()}
    elif cmd == "flood":
        acks = nacks = lost = 0
        for _ in range(num(args[0])):
            r = mbx.send([0x03], timeout=0.5)
            if r is None:
                lost += 1
            elif r & MSG_NACK:
                nacks += 1
            elif r & MSG_ACK:
                acks += 1
        out = {"acks": acks, "nacks": nacks, "lost": lost}
    else:
        sys.exit(__doc__)
    if word and "reply" in out:
        print("none" if out["reply"] is None else "%08x" % out["reply"])
    else:
        print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
