#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_net under hostile rings: split and packed, TX and RX, chains with
# any address, length, flags, next index or indirect table, loops and
# chains longer than the ring, and a thread rewriting the rings while the
# device reads them. Nothing may reach the kernel log but the broken-vq
# lines, every device file is released, and the device works afterwards.
# viox-net's tests take turns in one lane: the fuzzers count every open
# device, and broken vqs share one rate-limited log line.
# viox-lane: vnet
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/fuzz_lib.sh"

debug_kernel_only "hostile rings"

kmod_load tun
fuzz_start rings 30
fuzz_run "$FUZZ_BIN" rings --seed "$FUZZ_SEED" --seconds "$secs"
ktap_check "rings: rounds on split rings" fuzz_at_least "$log" "round split" 3
ktap_check "rings: rounds on packed rings" fuzz_at_least "$log" "round packed" 3
ktap_check "rings: descriptors posted" fuzz_at_least "$log" descriptors $((secs * 20))
ktap_check "rings: hostile chains posted" fuzz_at_least "$log" "hostile chains" $secs
ktap_check "rings: the device used buffers" fuzz_at_least "$log" "used entries" $secs
ktap_check "rings: vqs broke and were restarted" fuzz_at_least "$log" "vq breaks" 1
ktap_check "rings: every device file released" fuzz_devices_released
ktap_check "rings: the device passes traffic afterwards" fuzz_device_works
rm -f "$log"
ktap_finish
