#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox-net's setup paths with every one of their fault points failed in
# turn (allocations and user copies, through /proc/thread-self/fail-nth):
# each call fails with an errno or succeeds, the next call without
# injection works, and the kernel logs no splat; kmemleak judges leaks
# after the run. fault_inject_igb does the 82576's.
# The debug kernel only: Debian's has no fault injection.
# viox-net's tests take turns in one lane: the fuzzers count every open
# viox-net device.
# viox-lane: vnet
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/fault_lib.sh"

debug_kernel_only "fault injection on viox-net's setup paths"
kmod_load tun
fault_lock -s
fault_quiet
# With no scenario named, fault-sweep.py sweeps all of viox-net's.
fault_sweep
