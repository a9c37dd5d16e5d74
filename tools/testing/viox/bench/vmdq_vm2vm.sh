#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# VM to VM on one host: one guest (vnet-guest) sends to another's MAC
# through two tap-mode vports of one uplink, which loops the frames back
# in software, and through a bridge of two taps; viox_net (packed ring)
# behind all four. Each guest has a CPU of its own with its device
# worker (as VMs on cores of their own): the sender's CPU does the
# switching, and a sender that outruns the receiver cannot take the
# receiver's CPU. The receiving guest counts what arrives while the
# other sends. Packets/s, 64 B and 1500 B frames, medians of interleaved
# rounds.
set -u
. "$VIOX_TOP/tools/testing/viox/bench/lib.sh"
guest=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest
secs=${VIOX_BENCH_SECONDS:-3}
rounds=${VIOX_BENCH_ROUNDS:-5}
vm_mac=02:00:00:00:00:02
vm2_mac=02:00:00:00:00:03
export IP_LIB_DIR=$VIOX_TOP/tools/ip
modprobe tun
modprobe veth
modprobe bridge

cleanup() {
	local d
	for d in vv-up vv-br vv-ta vv-tb; do ip link del "$d" 2>/dev/null; done
}
trap cleanup EXIT
cleanup

# Two vports on one uplink (its wire leads nowhere), and a bridge of two
# taps. The guests' --peer (the wire) sees none of the frames: it keeps
# their packet sockets off the taps.
ip link add vv-up type veth peer name vv-wire || exit 1
quiet_up vv-up vv-wire
ip link add link vv-up name vv-vport1 type viox mac $vm_mac mode tap || exit 1
ip link add link vv-up name vv-vport2 type viox mac $vm2_mac mode tap || exit 1
quiet_up vv-vport1 vv-vport2
ip link add vv-br type bridge || exit 1
ip tuntap add vv-ta mode tap vnet_hdr || exit 1
ip tuntap add vv-tb mode tap vnet_hdr || exit 1
ip link set vv-ta master vv-br
ip link set vv-tb master vv-br
quiet_up vv-br vv-ta vv-tb
# Known, so the bridge forwards rather than floods.
bridge fdb add $vm2_mac dev vv-tb master static

# VM to VM: CFG (vport, bridge) SIZE -> "pps": what the receiving guest
# counts while the other sends, its run inside the sender's.
vm_tap_dev() { echo "/dev/$(ip -d -j link show "$1" | jq -r '.[0].linkinfo.info_data.tap')"; }
measure_vm2vm() {
	local cfg=$1 size=$2 out txpid
	local -a a b
	if [ "$cfg" = vport ]; then
		a=(--tap-dev "$(vm_tap_dev vv-vport1)" --peer vv-wire)
		b=(--tap-dev "$(vm_tap_dev vv-vport2)" --peer vv-wire)
	else
		a=(--tap vv-ta --peer vv-wire) b=(--tap vv-tb --peer vv-wire)
	fi
	"$guest" --dev /dev/viox-net --packed "${a[@]}" --bench tx --size "$size" \
		--macs "$vm2_mac,$vm_mac" --seconds $((secs + 2)) --cpu 0 >/dev/null &
	txpid=$!
	sleep 1
	out=$("$guest" --dev /dev/viox-net --packed "${b[@]}" --bench count \
	      --size "$size" --seconds "$secs" --cpu 1)
	wait "$txpid" || return 1
	[ -n "$out" ] || return 1
	python3 -c 'import json,sys; print(json.loads(sys.argv[1])["pps"])' "$out"
}
for size in 64 1500; do
	declare -A pps=()
	for ((r = 0; r < rounds; r++)); do
		for cfg in vport bridge; do
			p=$(measure_vm2vm "$cfg" "$size") || exit 1
			pps[$cfg]+="$p "
		done
	done
	name="viox_vmdq VM to VM ${size} B, two vports of one uplink"
	# shellcheck disable=SC2086
	row "$name" "packets/s" "pps" "$(median ${pps[vport]})" "bridge+tap" \
		"$(median ${pps[bridge]})" true "$(spread ${pps[vport]})" \
		"$(spread ${pps[bridge]})"
	unset pps
done
