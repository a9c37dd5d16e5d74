#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What stands between the wire and a VM: a tap-mode viox_vmdq vport's
# /dev/vioxtapN against bridge + tap and macvtap, the same guest driver
# (vnet-guest) behind each. Each path has a veth of its own as the
# uplink, its peer as the wire.
# RX: pktgen on the wire sends to the VM's MAC (02:00:00:00:00:02), a
# producer that holds no socket, as a NIC's frames do, on a CPU of its own
# (the bench VM's third; the device worker has CPU 0, the guest driver
# CPU 1), where it takes no CPU from the worker and is itself the limit
# (Documentation/viox-vmdq.rst, Speed); into (a) the vport
# + viox_net, (b) the vport's tap + vhost-net, (c) macvtap + vhost-net,
# (d) bridge + tap + vhost-net, split rings (vhost-net has no packed).
# TX: the VM's frames leave through the uplink to the wire, viox_net
# (packed ring) behind each path.
# Packets/s (Gbit/s at 1500 B) and the device worker's CPU per packet,
# 64 B and 1500 B frames, medians of interleaved rounds.
# viox-bench-cpus: 3
set -u
. "$VIOX_TOP/tools/testing/viox/bench/lib.sh"
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
modprobe vhost_net
# Loaded again: it makes a thread for each CPU online at load, and an
# earlier benchmark may have loaded it on two.
modprobe -r pktgen 2>/dev/null
modprobe pktgen

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

wire_of() { case $1 in vport*) echo vb1-wire ;; macvtap*) echo vb2-wire ;; *) echo vb3-wire ;; esac; }
where_of() { # CFG: vnet-guest's arguments for the path's tap
	case $1 in
	vport*) echo --tap-dev "/dev/$(ip -d -j link show vb-vport |
		jq -r '.[0].linkinfo.info_data.tap')" --peer vb1-wire ;;
	macvtap*) echo --tap-dev "/dev/tap$(cat /sys/class/net/vb-mvt/ifindex)" --peer vb2-wire ;;
	bridge*) echo --tap vb-tap --peer vb3-wire ;;
	esac
}
guest_json() { # JSON KEY...: the keys' values, space separated
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(*(d[k] for k in sys.argv[2:]))' "$@"
}

# TX: CFG SIZE -> "pps ns_per_packet"
measure_tx() {
	local out
	# shellcheck disable=SC2046
	out=$("$guest" --dev /dev/viox-net --packed $(where_of "$1") --bench tx \
	      --size "$2" --seconds "$secs") || return 1
	guest_json "$out" pps worker_ns_per_packet
}

# pktgen's thread: CPU 2, or with two CPUs the worker's (CPU 0).
pg_thread=kpktgend_0
[ -e /proc/net/pktgen/kpktgend_2 ] && pg_thread=kpktgend_2
echo "vmdq RX: pktgen on $pg_thread, of $(nproc) CPUs" >&2

# RX from pktgen: CFG (vport, vport-vhost, macvtap, bridge) SIZE ->
# "pps bps ns_per_packet"
measure_rx() {
	local cfg=$1 size=$2 wire dev=/dev/vhost-net out pgpid
	wire=$(wire_of "$cfg")
	[ "$cfg" = vport ] && dev=/dev/viox-net
	pg "$pg_thread" rem_device_all
	pg "$pg_thread" "add_device $wire"
	pg "$wire" "count 0"
	pg "$wire" "delay 0"
	# pktgen's size counts the frame check sequence, which is not sent.
	pg "$wire" "pkt_size $((size + 4))"
	pg "$wire" "dst_mac $vm_mac"
	pg pgctrl start &
	pgpid=$!
	# shellcheck disable=SC2046
	out=$("$guest" --dev "$dev" $(where_of "$cfg") --bench count \
	      --size "$size" --seconds "$secs")
	pg pgctrl stop
	wait "$pgpid"
	[ -n "$out" ] || return 1
	guest_json "$out" pps bps worker_ns_per_packet
}


# RX: (a) against (b), (c) and (d).
label_of() {
	case $1 in
	vport-vhost) echo "vport tap + vhost-net" ;; macvtap) echo "macvtap + vhost-net" ;;
	bridge) echo "bridge+tap + vhost-net" ;;
	esac
}
for size in 64 1500; do
	declare -A pps=() gbps=() cost=()
	for ((r = 0; r < rounds; r++)); do
		for cfg in vport vport-vhost macvtap bridge; do
			read -r p b c < <(measure_rx "$cfg" "$size") || exit 1
			pps[$cfg]+="$p " cost[$cfg]+="$c "
			gbps[$cfg]+="$(awk -v b="$b" 'BEGIN { printf "%.3f", b / 1e9 }') "
		done
	done
	name="viox_vmdq vport + viox_net RX ${size} B from pktgen"
	for peer in vport-vhost macvtap bridge; do
		if [ "$size" = 64 ]; then
			# shellcheck disable=SC2086
			row "$name" "packets/s" "pps" "$(median ${pps[vport]})" "$(label_of $peer)" \
				"$(median ${pps[$peer]})" true "$(spread ${pps[vport]})" \
				"$(spread ${pps[$peer]})"
		else
			# shellcheck disable=SC2086
			row "$name" "Gbit/s" "Gbit/s" "$(median ${gbps[vport]})" "$(label_of $peer)" \
				"$(median ${gbps[$peer]})" true "$(spread ${gbps[vport]})" \
				"$(spread ${gbps[$peer]})"
		fi
		# shellcheck disable=SC2086
		row "$name" "worker CPU per packet" "ns" "$(median ${cost[vport]})" \
			"$(label_of $peer)" "$(median ${cost[$peer]})" false
	done
	unset pps gbps cost
done

# TX: the vport against bridge + tap and macvtap, viox_net behind each.
for size in 64 1500; do
	declare -A pps=() cost=()
	for ((r = 0; r < rounds; r++)); do
		for cfg in vport macvtap bridge; do
			read -r p c < <(measure_tx "$cfg" "$size") || exit 1
			pps[$cfg]+="$p " cost[$cfg]+="$c "
		done
	done
	name="viox_vmdq vport tap TX ${size} B"
	for peer in bridge macvtap; do
		label=$peer
		[ "$peer" = bridge ] && label="bridge+tap"
		# shellcheck disable=SC2086
		row "$name" "packets/s" "pps" "$(median ${pps[vport]})" "$label" \
			"$(median ${pps[$peer]})" true "$(spread ${pps[vport]})" \
			"$(spread ${pps[$peer]})"
		# shellcheck disable=SC2086
		row "$name" "worker CPU per packet" "ns" "$(median ${cost[vport]})" \
			"$label" "$(median ${cost[$peer]})" false
	done
	unset pps cost
done
