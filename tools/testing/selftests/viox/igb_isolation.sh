#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# VFs in the filter tables they share with the PF: VLAN isolation between
# VFs holds while the PF is promiscuous or does not filter VLANs; VF VLAN
# filters have a quota, keep off other VFs' port VLANs and survive a
# reset; trust taken back takes back what it gave; freed VF slots leave no
# address behind; VLAN stripping follows the PF's rxvlan flag. VFs 0 and
# 2 run igbvf in namespaces; vf-mbx.py plays VF 1 through its BAR, as in
# igb_hostile.
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"
. "$(dirname "$0")/igb_vf1_lib.sh"

igb_debug_kernel_only "VF isolation"

kmod_load 8021q
igb_vf1_pf_setup

echo 3 > "/sys/bus/pci/devices/$bdf/sriov_numvfs"
for i in 0 2; do
	dev=$(pci_netdev "$(vfbdf $i)")
	ip netns add "hv$i"
	ip link set "$dev" netns "hv$i"
	ip -n "hv$i" addr add "192.0.2.$((20 + i))/24" dev "$dev"
	ip -n "hv$i" link set "$dev" up
	wait_carrier "$dev" "hv$i"
done
echo "$(vfbdf 1)" > "/sys/bus/pci/drivers/igbvf/unbind"
ip link set "$pf" vf 1 mac 02:00:00:00:bb:01

# VLAN isolation between VFs holds while the PF is promiscuous (tcpdump)
# or does not filter VLANs: VF 0 on port VLAN 100, VF 2 on port VLAN 200.
ip -n "$IGB_WIRE_NS" link add link "$wire" name wv100 type vlan id 100
ip -n "$IGB_WIRE_NS" addr add 198.51.100.2/24 dev wv100
ip -n "$IGB_WIRE_NS" link set wv100 up
ip link set "$pf" vf 0 vlan 100
ip link set "$pf" vf 2 vlan 200
ip -n hv0 addr add 198.51.100.20/24 dev "$(vf_dev 0)"
ip -n hv2 addr add 198.51.100.22/24 dev "$(vf_dev 2)"
vf0mac=$(vf_addr 0)
# Frames that must not reach VF 0: untagged ones from the wire and VF 2's
# (tagged 200), each addressed to VF 0's MAC: isolated WHAT.
isolated() {
	local before got n=20
	ip -n "$IGB_WIRE_NS" neigh replace 192.0.2.20 lladdr "$vf0mac" dev "$wire"
	ip -n hv2 neigh replace 198.51.100.20 lladdr "$vf0mac" dev "$(vf_dev 2)"
	before=$(vf_rx 0)
	ip netns exec "$IGB_WIRE_NS" ping -c $n -i 0.05 -W 1 192.0.2.20 >/dev/null
	ip netns exec hv2 ping -c $n -i 0.05 -W 1 198.51.100.20 >/dev/null &&
		{ echo "VF 2 on VLAN 200 got replies from VF 0 on VLAN 100"; return 1; }
	got=$(($(vf_rx 0) - before))
	echo "$1: VF 0 received $got of the $((2 * n)) frames addressed to it"
	[ "$got" -lt 5 ]
}
ip link set "$pf" promisc on
ktap_check "PF promiscuous: VF 0 reaches VLAN 100 on the wire" \
	ip netns exec hv0 ping -c 3 -i 0.2 -W 2 198.51.100.2
ktap_check "PF promiscuous: VF 0 gets neither untagged frames nor VF 2's VLAN 200" \
	isolated promiscuous
ktap_check "PF promiscuous: the PF still reaches the wire" ping -c 3 -i 0.2 -W 2 "$IGB_WIRE_IP"
ip link set "$pf" promisc off
ethtool -K "$pf" rx-vlan-filter off
ktap_check "PF rx-vlan-filter off: VF 0 gets neither untagged frames nor VF 2's VLAN 200" \
	isolated "rx-vlan-filter off"
ktap_check "PF rx-vlan-filter off: VF 0 reaches VLAN 100 on the wire" \
	ip netns exec hv0 ping -c 3 -i 0.2 -W 2 198.51.100.2
ethtool -K "$pf" rx-vlan-filter on

# VLAN stripping follows the PF's rxvlan flag in VMDq mode too, where the
# device strips by pool (VMOLR) and for replicated frames (RPLOLR): a tag
# stripped that the PF does not expect stripped is lost. The PF's VLAN 400
# carries unicast both ways and the ARP broadcasts that resolve it.
ip link add link "$pf" name pfv400 type vlan id 400
ip addr add 203.0.113.1/24 dev pfv400
ip link set pfv400 up
ip -n "$IGB_WIRE_NS" link add link "$wire" name wv400 type vlan id 400
ip -n "$IGB_WIRE_NS" addr add 203.0.113.2/24 dev wv400
ip -n "$IGB_WIRE_NS" link set wv400 up
vlan_both_ways() { # on|off
	ethtool -K "$pf" rxvlan "$1" || return 1
	ip neigh flush dev pfv400
	ip -n "$IGB_WIRE_NS" neigh flush dev wv400
	ping -c 3 -i 0.2 -W 2 203.0.113.2 || { echo "the PF cannot reach the wire on VLAN 400"; return 1; }
	ip neigh flush dev pfv400
	ip -n "$IGB_WIRE_NS" neigh flush dev wv400
	ip netns exec "$IGB_WIRE_NS" ping -c 3 -i 0.2 -W 2 203.0.113.1 ||
		{ echo "the wire cannot reach the PF on VLAN 400"; return 1; }
}
ktap_check "PF rxvlan off with VFs: VLAN 400 unicast and broadcast reach the PF" \
	vlan_both_ways off
ktap_check "PF rxvlan on with VFs: VLAN 400 unicast and broadcast reach the PF" \
	vlan_both_ways on
ip link del pfv400
ip -n "$IGB_WIRE_NS" link del wv400
# The shared VLAN filters: the pools in VID's filter, from the register
# dump (ethtool -d; VLVF follows 89 words of other registers): vlvf_pools VID.
vlvf_pools() {
	ethtool -d "$pf" raw on | /usr/bin/python3 -I -S -c '
import struct, sys
d = sys.stdin.buffer.read()
w = struct.unpack("<%dI" % (len(d) // 4), d[-(len(d) // 4) * 4:])
regs = w[-(89 + 32 + 96):]
for v in regs[89:89 + 32]:
    if v & 0x80000000 and v & 0xfff == int(sys.argv[1]):
        print((v >> 12) & 0xff)
        break
else:
    print(0)' "$1"
}
acked() { # ARGS...: the PF answers VF 1 with an ACK
	local r
	r=$(reply "$@")
	echo "reply $r"
	[ "$r" != none ] && (( 0x$r & 0x80000000 ))
}
vf1_reset >/dev/null
ktap_check "VF 1 cannot join VLAN 100, VF 0's port VLAN" nacked 0x04 raw 0x00010004 100
vlan_quota() {
	local v
	for v in $(seq 1001 1008); do
		acked raw 0x00010004 "$v" || { echo "VLAN $v refused"; return 1; }
	done
	nacked 0x04 raw 0x00010004 1009
}
ktap_check "VF 1 gets eight VLAN filters of its own, not a ninth" vlan_quota
vf1_reset >/dev/null
ktap_check "... and a reset gives them back" test "$(vlvf_pools 1001)" = 0
ip link set "$pf" vf 1 vlan 300
ip link set "$pf" vf 1 trust on
vf1_reset >/dev/null
reply raw 0x00010004 300 >/dev/null
reply raw 0x00010004 301 >/dev/null
# shellcheck disable=SC2046
reply raw 0x02 $(mac_words 02:00:00:00:bb:99) >/dev/null
ktap_check "trusted VF 1 changed its admin MAC" test "$(vfinfo 1 "['address']")" = 02:00:00:00:bb:99
vf1_reset >/dev/null
ktap_check "a VF reset keeps the VF in its port VLAN's filter" \
	test "$(( $(vlvf_pools 300) & 2 ))" = 2
reply raw 0x00010004 301 >/dev/null
ip link set "$pf" vf 1 trust off
ktap_check "revoking trust restores the admin MAC" test "$(vfinfo 1 "['address']")" = 02:00:00:00:bb:01
ktap_check "... and drops the VLAN VF 1 added under its port VLAN" \
	test "$(( $(vlvf_pools 301) & 2 ))" = 0
ip link set "$pf" vf 1 vlan 0
ip link set "$pf" vf 0 vlan 0
ip link set "$pf" vf 2 vlan 0

ip link set "$pf" vf 1 mac 00:00:00:00:00:00
ip -n "$IGB_WIRE_NS" link del wv100
ip netns del hv0
ip netns del hv2
igb_vfs_unbind "$bdf"
echo 0 > "/sys/bus/pci/devices/$bdf/sriov_numvfs"
# The VFs' addresses went with them: the PF does not receive for them.
gone_vf_mac() {
	local before got n=50
	ip -n "$IGB_WIRE_NS" neigh replace 192.0.2.20 lladdr "$vf0mac" dev "$wire"
	before=$(cat "/sys/class/net/$pf/statistics/rx_packets")
	ip netns exec "$IGB_WIRE_NS" ping -c $n -i 0.02 -W 1 192.0.2.20 >/dev/null
	got=$(($(cat "/sys/class/net/$pf/statistics/rx_packets") - before))
	echo "the PF received $got of $n frames for gone VF 0's $vf0mac"
	[ "$got" -lt $((n / 2)) ]
}
ktap_check "a gone VF's address is not received any more" gone_vf_mac
ip link set "$pf" down
ktap_finish
