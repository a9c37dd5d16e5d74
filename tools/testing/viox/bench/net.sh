#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_net against in-tree vhost-net, driven by the same guest driver
# (vnet-guest) through a tap in the same VM: packets/s and Gbit/s, TX and
# RX, 64 B and 1500 B frames, medians of interleaved rounds. vhost-net has
# no packed ring, so packed rows compare with its split ring, the best it
# offers. A third row per case is the device worker's CPU time per packet,
# what the backend itself decides. vnet-guest pins the device worker (and,
# for RX, the sender feeding the tap) to one vCPU and itself to the other,
# the same for every device, so runs do not depend on where the scheduler
# happens to put them.
set -u
. "$VIOX_TOP/tools/testing/viox/bench/lib.sh"
guest=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest
secs=${VIOX_BENCH_SECONDS:-3}
modprobe tun
modprobe vhost_net

measure() { # DEVICE DIR SIZE [ARGS...] -> "pps gbps ns_per_packet"
	local dev=$1 dir=$2 size=$3 out
	shift 3
	out=$("$guest" --dev "$dev" --tap vb0 --bench "$dir" --size "$size" \
	      --seconds "$secs" "$@") || return 1
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["pps"], d["bps"] / 1e9, d["worker_ns_per_packet"])' "$out"
}


# Rounds interleave the three devices so drift in the VM hits all alike;
# each figure is the median of its rounds.
rounds=${VIOX_BENCH_ROUNDS:-5}
for dir in tx rx; do
	for size in 64 1500; do
		declare -A pps=() gbps=() cost=()
		for ((r = 0; r < rounds; r++)); do
			for cfg in vhost split packed; do
				dev=/dev/viox-net args=()
				[ "$cfg" = vhost ] && dev=/dev/vhost-net
				[ "$cfg" = packed ] && args=(--packed)
				read -r p g c < <(measure "$dev" "$dir" "$size" "${args[@]}") || exit 1
				pps[$cfg]+="$p " gbps[$cfg]+="$g " cost[$cfg]+="$c "
			done
		done
		for layout in split packed; do
			name="viox_net ${dir^^} ${size} B ${layout}"
			# shellcheck disable=SC2086
			row "$name" "packets/s" "pps" "$(median ${pps[$layout]})" "vhost-net" \
				"$(median ${pps[vhost]})"
			# shellcheck disable=SC2086
			row "$name" "Gbit/s" "Gbit/s" "$(median ${gbps[$layout]})" "vhost-net" \
				"$(median ${gbps[vhost]})"
			# shellcheck disable=SC2086
			row "$name" "worker CPU per packet" "ns" "$(median ${cost[$layout]})" \
				"vhost-net" "$(median ${cost[vhost]})" false
		done
		unset pps gbps cost
	done
done
