#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_igb against in-tree igb on the same 82576 model in the same VM: PF
# TCP throughput to and from the wire peer (iperf3), and VF bring-up time
# (numvfs=7 until every VF on igbvf has carrier). Medians of interleaved
# rounds, the device moved between the drivers with driver_override.
set -u
. "$VIOX_TOP/tools/testing/viox/bench/lib.sh"
kmod_load() { modprobe "$@"; }
. "$VIOX_TOP/tools/testing/selftests/viox/igb_lib.sh"
secs=${VIOX_BENCH_SECONDS:-3}
rounds=${VIOX_BENCH_ROUNDS:-3}
modprobe igb
modprobe igbvf
bdf=$(igb_pf_bdf) || exit 1
igb_wire_setup >/dev/null || exit 1
numvfs=/sys/bus/pci/devices/$bdf/sriov_numvfs


# Seconds from writing numvfs=7 until all seven VF interfaces have carrier.
bringup() {
	local start end d n
	start=$(date +%s.%N)
	echo 7 > "$numvfs" || return 1
	for _ in $(seq 600); do
		n=0
		for d in /sys/bus/pci/devices/"$bdf"/virtfn*/net/*; do
			ip link set "$(basename "$d")" up 2>/dev/null
			[ "$(cat "$d/carrier" 2>/dev/null)" = 1 ] && n=$((n + 1))
		done
		[ "$n" = 7 ] && break
		sleep 0.1
	done
	end=$(date +%s.%N)
	igb_vfs_unbind "$bdf"
	echo 0 > "$numvfs"
	[ "$n" = 7 ] || return 1
	python3 -c "print(round($end - $start, 3))"
}

declare -A tx=() rx=() up=()
for ((r = 0; r < rounds; r++)); do
	for drv in viox_igb igb; do
		pci_bind "$bdf" "$drv" >&2 || exit 1
		pf=$(pci_netdev "$bdf") || exit 1
		igb_pf_setup "$pf" >&2 || exit 1
		sleep 1
		tx[$drv]+="$(igb_iperf "$secs") " || exit 1
		rx[$drv]+="$(igb_iperf "$secs" -R) " || exit 1
		up[$drv]+="$(bringup) " || exit 1
		ip link set "$pf" down
	done
done
pci_bind "$bdf" viox_igb >&2

gbit() { python3 -c "print(round($(median $1) / 1e9, 4))"; }
row "igb PF" "TCP to the wire" "Gbit/s" "$(gbit "${tx[viox_igb]}")" igb "$(gbit "${tx[igb]}")" true
row "igb PF" "TCP from the wire" "Gbit/s" "$(gbit "${rx[viox_igb]}")" igb "$(gbit "${rx[igb]}")" true
row "igb VFs" "numvfs=7 until every VF has carrier" "s" \
	"$(median ${up[viox_igb]})" igb "$(median ${up[igb]})" false
