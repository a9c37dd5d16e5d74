#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_net against in-tree vhost-net, driven by the same guest driver
# (vnet-guest) through a tap in the same VM: packets/s and Gbit/s, TX and
# RX, 64 B and 1500 B frames. vhost-net has no packed ring, so packed rows
# compare with its split ring, the best it offers.
set -u
guest=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest
secs=${VIOX_BENCH_SECONDS:-4}
modprobe tun
modprobe vhost_net

measure() { # DEVICE DIR SIZE [ARGS...] -> "pps gbps"
	local dev=$1 dir=$2 size=$3 out
	shift 3
	out=$("$guest" --dev "$dev" --tap vb0 --bench "$dir" --size "$size" \
	      --seconds "$secs" "$@") || return 1
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["pps"], d["bps"] / 1e9)' "$out"
}

row() { # NAME METRIC UNIT VIOX PEER PEER_VALUE
	printf '{"bench": "%s", "metric": "%s", "unit": "%s", "viox": %s, "peer": "%s", "peer_value": %s, "higher_is_better": true}\n' \
		"$1" "$2" "$3" "$4" "$5" "$6"
}

for dir in tx rx; do
	for size in 64 1500; do
		read -r peer_pps peer_gbps < <(measure /dev/vhost-net "$dir" "$size") || exit 1
		for layout in split packed; do
			args=()
			[ "$layout" = packed ] && args=(--packed)
			read -r pps gbps < <(measure /dev/viox-net "$dir" "$size" "${args[@]}") || exit 1
			name="viox_net ${dir^^} ${size} B ${layout}"
			row "$name" "packets/s" "pps" "$pps" "vhost-net" "$peer_pps"
			row "$name" "Gbit/s" "Gbit/s" "$gbps" "vhost-net" "$peer_gbps"
		done
	done
done
