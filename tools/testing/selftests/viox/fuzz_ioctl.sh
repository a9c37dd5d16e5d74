#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_net's ioctls from several threads in random sequences with random
# and half-valid arguments (memory tables swapped and shrunk, backends of
# every fd kind, features, log bases, ring addresses, RESET_OWNER), racing
# traffic, guest memory unmapped and write-protected under the device,
# files closed while in use and inherited by children. Nothing may reach
# the kernel log, every file is released, the device works afterwards.
# viox-net's tests take turns in one lane: the fuzzers count every open
# device, and broken vqs share one rate-limited log line.
# viox-lane: vnet
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/fuzz_lib.sh"

debug_kernel_only "hostile ioctls"

kmod_load tun
fuzz_start ioctl 30
fuzz_run "$FUZZ_BIN" ioctl --seed "$FUZZ_SEED" --seconds "$secs"
ktap_check "ioctl: calls made" fuzz_at_least "$log" calls $((secs * 50))
for op in VHOST_SET_MEM_TABLE VHOST_NET_SET_BACKEND VHOST_SET_VRING_ADDR \
	  "setup: owner, features, memory, rings, backend" "close and reopen"; do
	ktap_check "ioctl: $op called" fuzz_at_least "$log" "$op" 1
done
ktap_check "ioctl: a sound setup succeeded at least once" \
	grep -q '^# setup: owner, features, memory, rings, backend: .*, ok [1-9]' "$log"
ktap_check "ioctl: guest memory damaged under the device" \
	fuzz_at_least "$log" "mem: munmap and map again" 1
ktap_check "ioctl: every device file released" fuzz_devices_released
ktap_check "ioctl: the device passes traffic afterwards" fuzz_device_works
rm -f "$log"
ktap_finish
