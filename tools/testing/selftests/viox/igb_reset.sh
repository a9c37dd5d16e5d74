#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Resets with VFs at work on igbvf, under traffic (VF 0 and the PF ping the
# wire throughout): a VF's function level reset, the PF going down and up,
# a full device reset of the PF (ethtool --reset, viox_igb only) and numvfs
# cycles between 0 and 7. After each, traffic flows again. The resets
# in-tree igb supports run on it too, the peer proving the scenario: on
# Debian's kernel, as users have it (the debug kernel's minutes go to
# viox's own code).
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"

kmod_load igb
kmod_load igbvf
insmod "$(viox_ko viox_igb)" 2>/dev/null
bdf=$(igb_pf_bdf) || { echo "Bail out! no 82576"; exit 1; }
wire=$(igb_wire_setup) || { echo "Bail out! no wire NIC"; exit 1; }
numvfs=/sys/bus/pci/devices/$bdf/sriov_numvfs


vfs_up() { # COUNT: VFs on igbvf, each in namespace rvN with an address
	local i dev
	echo "$1" > "$numvfs" || return 1
	for i in $(seq 0 $(($1 - 1))); do
		dev=$(pci_netdev "$(vfbdf "$i")") || return 1
		ip netns add "rv$i"
		ip link set "$dev" netns "rv$i"
		ip -n "rv$i" addr add "192.0.2.$((30 + i))/24" dev "$dev"
		ip -n "rv$i" link set "$dev" up
	done
	for i in $(seq 0 $(($1 - 1))); do
		wait_carrier "$(ip netns exec "rv$i" ls /sys/class/net | grep -vx lo)" "rv$i" || return 1
	done
}

vfs_down() {
	local d
	for d in /var/run/netns/rv*; do
		[ -e "$d" ] && ip netns del "$(basename "$d")"
	done
	igb_vfs_unbind "$bdf"
	echo 0 > "$numvfs"
}

# VF I reaches the wire again within SECONDS (VF drivers recover on their
# own watchdog's schedule).
vf_recovers() { # I SECONDS
	local end=$((SECONDS + $2))
	while [ $SECONDS -lt $end ]; do
		ip netns exec "rv$1" ping -c 1 -W 1 "$IGB_WIRE_IP" >/dev/null 2>&1 && return 0
		sleep 1
	done
	echo "VF $1 did not reach the wire within $2 s"
	return 1
}

vfs_recover() { # SECONDS I...: each VF I reaches the wire again
	local secs=$1 i
	shift
	for i in "$@"; do
		vf_recovers "$i" "$secs" || return 1
	done
}

cycles() { # COUNT: numvfs 0 -> 7 -> 0, traffic each time
	local n
	for n in $(seq "$1"); do
		vfs_up 7 || return 1
		vf_recovers 6 20 || return 1
		vfs_down || return 1
	done
}

# Seven VFs, only the last with a driver: after a device reset it is told
# to renegotiate at once, not after a turn for each VF that has no driver
# to answer (3 s each).
lone_vf_reset() {
	local dev t0 d=/sys/bus/pci/devices/$bdf
	echo 0 > "$d/sriov_drivers_autoprobe"
	echo 7 > "$numvfs"
	echo 1 > "$d/sriov_drivers_autoprobe"
	pci_bind "$(vfbdf 6)" igbvf || return 1
	dev=$(pci_netdev "$(vfbdf 6)") || return 1
	ip netns add rv6
	ip link set "$dev" netns rv6
	ip -n rv6 addr add 192.0.2.36/24 dev "$dev"
	ip -n rv6 link set "$dev" up
	vf_recovers 6 30 || return 1
	t0=$SECONDS
	ethtool --reset "$pf" all || return 1
	vf_recovers 6 12 || return 1
	lone_vf_secs=$((SECONDS - t0))
}

scenario() { # DRIVER
	local drv=$1 pf
	ktap_check "$drv: PF bound" pci_bind "$bdf" "$drv"
	pf=$(pci_netdev "$bdf")
	igb_pf_setup "$pf"
	[ "$drv" = igb ] && igb_hold_mc_list "$pf"
	ip -n "$IGB_WIRE_NS" neigh flush all
	ktap_check "$drv: three VFs up" vfs_up 3
	ktap_check "$drv: VF 1 passes traffic" vf_recovers 1 20
	# Background traffic through every reset below.
	ip netns exec rv0 ping -q -i 0.1 "$IGB_WIRE_IP" >/dev/null 2>&1 &
	local bg_vf=$!
	ping -q -i 0.1 "$IGB_WIRE_IP" >/dev/null 2>&1 &
	local bg_pf=$!
	echo 1 > "/sys/bus/pci/devices/$(vfbdf 1)/reset"
	ktap_check "$drv: VF 1 back after its function level reset" vf_recovers 1 40
	ktap_check "$drv: VF 0 unaffected by VF 1's reset" vf_recovers 0 5
	ip link set "$pf" down
	ip link set "$pf" up
	ktap_check "$drv: VFs back after PF down and up" vfs_recover 40 0 2
	if [ "$drv" = viox_igb ]; then
		ktap_check "$drv: ethtool --reset all" ethtool --reset "$pf" all
		ktap_check "$drv: PF traffic after the device reset" \
			sh -c "sleep 2; ping -c 3 -i 0.2 -W 2 $IGB_WIRE_IP"
		ktap_check "$drv: VFs back after the device reset" vfs_recover 60 0 1 2
		ktap_check "$drv: a partial reset is refused" \
			sh -c "! ethtool --reset $pf phy 2>/dev/null"
	fi
	kill "$bg_vf" "$bg_pf"
	wait "$bg_vf" "$bg_pf" 2>/dev/null
	ktap_check "$drv: VFs removed" vfs_down
	[ "$drv" = viox_igb ] &&
		ktap_check "$drv: numvfs 0 -> 7 -> 0 with traffic" cycles 1
	[ "$drv" = viox_igb ] &&
		ktap_check "$drv: a device reset waits for no VF without a driver" \
			lone_vf_reset &&
		echo "# VF 6 back ${lone_vf_secs} s after the device reset"
	vfs_down
	ip link set "$pf" down
}

if [ "${VIOX_KERNEL:-}" = stock ]; then
	scenario igb
else
	scenario viox_igb
fi
igb_pf_fresh "$bdf"
ktap_finish
