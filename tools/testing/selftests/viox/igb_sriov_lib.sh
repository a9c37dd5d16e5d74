# SPDX-License-Identifier: GPL-2.0
# The SR-IOV scenario that viox_igb and in-tree igb both run (igb_sriov,
# igb_intree): seven VFs on igbvf, each in its own netns, talking to each
# other, to the PF and to the wire, and the `ip link set vf` knobs they
# share. Sourced after igb_lib.sh, so not executable.

NVF=7

vf_ip() { echo "192.0.2.$((10 + $1))"; }
vf_dev() { ip netns exec "vf$1" ls /sys/class/net | grep -vx lo; }
in_vf() { local i=$1; shift; ip netns exec "vf$i" "$@"; }
vf_rx() { in_vf "$1" cat "/sys/class/net/$(vf_dev "$1")/statistics/rx_packets"; }
ping_from() { local i=$1; shift; in_vf "$i" ping -c 3 -i 0.2 -W 2 "$@"; }

# Create the VFs and put each in its own namespace with an address.
vfs_up() {
	local i vbdf dev
	echo "$NVF" > "$numvfs" || return 1
	for i in $(seq 0 $((NVF - 1))); do
		vbdf=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/virtfn$i")")
		dev=$(pci_netdev "$vbdf") || return 1
		ip netns add "vf$i" 2>/dev/null
		ip link set "$dev" netns "vf$i" || return 1
		ip -n "vf$i" link set lo up
		ip -n "vf$i" addr add "$(vf_ip "$i")/24" dev "$dev"
		ip -n "vf$i" link set "$dev" up
	done
	for i in $(seq 0 $((NVF - 1))); do
		wait_carrier "$(vf_dev "$i")" "vf$i" || return 1
	done
}

vfs_down() {
	local i
	for i in $(seq 0 $((NVF - 1))); do
		ip netns del "vf$i" 2>/dev/null
	done
	igb_vfs_unbind "$bdf"
	echo 0 > "$numvfs"
}

# Unicast from the wire to VF 3 (no ARP: a static neighbour) lands on VF 3.
unicast_reaches_one_vf() {
	local mac i before=() n=20
	mac=$(in_vf 3 cat "/sys/class/net/$(vf_dev 3)/address")
	ip -n "$IGB_WIRE_NS" neigh replace "$(vf_ip 3)" lladdr "$mac" dev "$wire"
	for i in $(seq 0 $((NVF - 1))); do before[i]=$(vf_rx "$i"); done
	ip netns exec "$IGB_WIRE_NS" ping -c $n -i 0.05 -W 2 "$(vf_ip 3)" >/dev/null || return 1
	for i in $(seq 0 $((NVF - 1))); do
		local got=$(($(vf_rx "$i") - before[i]))
		echo "VF $i received $got"
		if [ "$i" = 3 ]; then
			[ "$got" -ge $n ] || return 1
		else
			[ "$got" -lt $n ] || return 1
		fi
	done
}

common_scenario() { # DRIVER
	local drv=$1
	ktap_check "$drv: PF bound" pci_bind "$bdf" "$drv"
	pf=$(pci_netdev "$bdf")
	igb_pf_setup "$pf"
	[ "$drv" = igb ] && igb_hold_mc_list "$pf"
	ip -n "$IGB_WIRE_NS" neigh flush all
	ktap_check "$drv: sriov_totalvfs is $NVF" test "$(cat "/sys/bus/pci/devices/$bdf/sriov_totalvfs")" -ge $NVF
	ktap_check "$drv: $NVF VFs on igbvf get carrier" vfs_up
	ktap_check "$drv: VF 0 pings the wire" ping_from 0 "$IGB_WIRE_IP"
	ktap_check "$drv: VF 1 pings the PF" ping_from 1 "$IGB_PF_IP"
	ktap_check "$drv: VF 2 pings VF 6" ping_from 2 "$(vf_ip 6)"
	ktap_check "$drv: the wire pings VF 5" ip netns exec "$IGB_WIRE_NS" ping -c 3 -i 0.2 -W 2 "$(vf_ip 5)"
	ktap_check "$drv: wire unicast for VF 3 reaches VF 3 only" unicast_reaches_one_vf
	ktap_check "$drv: a new VF count without going through 0 is refused" \
		sh -c "! echo 2 > $numvfs 2>/dev/null"
	ip link set "$pf" vf 4 vlan 100
	ip -n vf4 addr add 198.51.100.14/24 dev "$(vf_dev 4)"
	ktap_check "$drv: vlan 100 shows in ip -d link" test "$(vfinfo 4 "['vlan_list'][0]['vlan']")" = 100
	ktap_check "$drv: VF 4 reaches VLAN 100 on the wire, tags added and stripped" \
		ping_from 4 198.51.100.2
	ip link set "$pf" vf 4 vlan 0
	ip link set "$pf" vf 5 spoofchk off
	ktap_check "$drv: spoofchk off shows" test "$(vfinfo 5 "['spoofchk']")" = False
	ip link set "$pf" vf 5 trust on
	ktap_check "$drv: trust on shows" test "$(vfinfo 5 "['trust']")" = True
	ip link set "$pf" vf 6 max_tx_rate 100
	ktap_check "$drv: max_tx_rate 100 shows" test "$(vfinfo 6 "['rate']['max_tx']")" = 100
}

# The PF, the wire with VLAN 100 on it, and the modules: sets bdf, wire
# and numvfs.
igb_sriov_setup() {
	kmod_load 8021q
	kmod_load igb
	kmod_load igbvf
	insmod "$(viox_ko viox_igb)" 2>/dev/null
	bdf=$(igb_pf_bdf) || { echo "Bail out! no 82576"; exit 1; }
	wire=$(igb_wire_setup) || { echo "Bail out! no wire NIC"; exit 1; }
	numvfs=/sys/bus/pci/devices/$bdf/sriov_numvfs
	ip -n "$IGB_WIRE_NS" link add link "$wire" name wv100 type vlan id 100
	ip -n "$IGB_WIRE_NS" addr add 198.51.100.2/24 dev wv100
	ip -n "$IGB_WIRE_NS" link set wv100 up
}
