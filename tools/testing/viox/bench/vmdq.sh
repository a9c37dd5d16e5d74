#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What stands between the wire and a VM: a tap-mode viox_vmdq vport's
# /dev/vioxtapN against bridge + tap and macvtap, with the same backend (viox_net,
# packed ring) and the same guest driver (vnet-guest) behind each. Each
# path has a veth of its own as the uplink, its peer as the wire: RX
# frames are sent on the wire to the VM's MAC (02:00:00:00:00:02), TX
# frames from it leave through the uplink to the wire. Packets/s and the device worker's CPU per
# packet, 64 B and 1500 B frames, medians of interleaved rounds.
set -u
guest=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest
secs=${VIOX_BENCH_SECONDS:-3}
rounds=${VIOX_BENCH_ROUNDS:-5}
vm_mac=02:00:00:00:00:02
export IP_LIB_DIR=$VIOX_TOP/tools/ip
modprobe tun
modprobe tap
modprobe veth
modprobe bridge
modprobe macvtap

quiet_up() {
	local d
	for d in "$@"; do
		sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
		ip link set "$d" up
	done
}
# Uplink vbN-up, wire vbN-wire.
uplink() {
	ip link add "vb$1-up" type veth peer name "vb$1-wire" || exit 1
	quiet_up "vb$1-up" "vb$1-wire"
}
cleanup() {
	local n
	ip link del vb-br 2>/dev/null
	ip link del vb-tap 2>/dev/null
	for n in 1 2 3; do ip link del "vb$n-up" 2>/dev/null; done
}
trap cleanup EXIT
cleanup

# The VM sends from its MAC to the wire's (02:00:00:00:00:01): the
# vport's spoof check is on, as by default.
uplink 1
ip link add link vb1-up name vb-vport type viox mac $vm_mac mode tap || exit 1
quiet_up vb-vport
uplink 2
ip link add link vb2-up name vb-mvt address $vm_mac type macvtap mode bridge || exit 1
quiet_up vb-mvt
uplink 3
ip link add vb-br type bridge || exit 1
ip tuntap add vb-tap mode tap vnet_hdr || exit 1
ip link set vb3-up master vb-br
ip link set vb-tap master vb-br
quiet_up vb-br vb-tap
# Known, so the bridge forwards rather than floods.
bridge fdb add $vm_mac dev vb-tap master static

measure() { # CFG DIR SIZE -> "pps ns_per_packet"
	local cfg=$1 dir=$2 size=$3 out
	local -a where
	case $cfg in
	vport) where=(--tap-dev "/dev/$(ip -d -j link show vb-vport |
		jq -r '.[0].linkinfo.info_data.tap')" --peer vb1-wire) ;;
	macvtap) where=(--tap-dev "/dev/tap$(cat /sys/class/net/vb-mvt/ifindex)" --peer vb2-wire) ;;
	bridge) where=(--tap vb-tap --peer vb3-wire) ;;
	esac
	out=$("$guest" --dev /dev/viox-net --packed "${where[@]}" --bench "$dir" \
	      --size "$size" --seconds "$secs") || return 1
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["pps"], d["worker_ns_per_packet"])' "$out"
}

row() { # NAME METRIC UNIT VIOX PEER PEER_VALUE [HIGHER_IS_BETTER]
	printf '{"bench": "%s", "metric": "%s", "unit": "%s", "viox": %s, "peer": "%s", "peer_value": %s, "higher_is_better": %s}\n' \
		"$1" "$2" "$3" "$4" "$5" "$6" "${7:-true}"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }

for dir in rx tx; do
	for size in 64 1500; do
		declare -A pps=() cost=()
		for ((r = 0; r < rounds; r++)); do
			for cfg in vport macvtap bridge; do
				read -r p c < <(measure "$cfg" "$dir" "$size") || exit 1
				pps[$cfg]+="$p " cost[$cfg]+="$c "
			done
		done
		name="viox_vmdq vport tap ${dir^^} ${size} B"
		for peer in bridge macvtap; do
			label=$peer
			[ "$peer" = bridge ] && label="bridge+tap"
			# shellcheck disable=SC2086
			row "$name" "packets/s" "pps" "$(median ${pps[vport]})" "$label" \
				"$(median ${pps[$peer]})"
			# shellcheck disable=SC2086
			row "$name" "worker CPU per packet" "ns" "$(median ${cost[vport]})" \
				"$label" "$(median ${cost[$peer]})" false
		done
		# shellcheck disable=SC2086
		echo "$name: packets/s spread over $rounds rounds: vport $(spread ${pps[vport]})," \
			"macvtap $(spread ${pps[macvtap]}), bridge+tap $(spread ${pps[bridge]})" >&2
		unset pps cost
	done
done
