#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pool offload interface of viox_igb, driven by its test consumer
# (vioxtest_pool, link kind "vioxpt"): ports in their own netns get a pool
# each, the wire reaches them by MAC and by VLAN through the NIC's filters
# only, ports reach each other through the NIC's loopback, and the pools
# live through VFs coming and going, a device reset and the PF going away.
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"

igb_debug_kernel_only "the pool offload interface"
consumer=$(dirname "$(viox_ko viox_igb)")/vioxtest_pool.ko
[ -e "$consumer" ] || { echo "Bail out! no $consumer"; exit 1; }

kmod_load 8021q
kmod_load igb
insmod "$(viox_ko viox_igb)" 2>/dev/null
insmod "$consumer"
igb_viox_pf_up
dev=$pf
# The VFs here come and go for their pools only: none is given a driver
# (igbvf's probe and removal take seconds each in the debug guest).
autoprobe=/sys/bus/pci/devices/$bdf/sriov_drivers_autoprobe
echo 0 > "$autoprobe"
trap 'echo 1 > "$autoprobe"; rm -f "$ktap_out"' EXIT

# Quiet wire: no IPv6 chatter in the counters compared below.
ip netns exec "$IGB_WIRE_NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1

MAC0=02:00:00:00:70:01
MAC1=02:00:00:00:70:02

port_add() { # NAME MAC NS ADDR: a port in its own namespace, up
	ip netns add "$3"
	ip link add "$1" link "$dev" address "$2" type vioxpt || return 1
	ip link set "$1" netns "$3"
	ip -n "$3" addr add "$4/24" dev "$1"
	ip -n "$3" link set "$1" up || return 1
	wait_carrier "$1" "$3"
}

port_reopen() { # NAME NS: down and up again, as after its pool was taken
	ip -n "$2" link set "$1" down
	ip -n "$2" link set "$1" up
	wait_carrier "$1" "$2"
}

rx_packets() { # DEV [NS]: the interface's received packets
	local ns=()
	[ -n "${2:-}" ] && ns=(-n "$2")
	ip "${ns[@]}" -j -s link show "$1" | json 'd[0]["stats64"]["rx"]["packets"]'
}

pf_queue_rx() { ethtool -S "$dev" | awk '/rx_queue_0_packets/ { print $2 }'; }

# Tagged frames to MAC with VLAN VID from the wire, whoever answers:
# wire_send_tagged VID MAC COUNT. A static neighbour makes the wire send
# them even if nothing is listening.
wire_send_tagged() {
	ip -n "$IGB_WIRE_NS" link add link "$wire" name "wv$1" type vlan id "$1" 2>/dev/null
	ip -n "$IGB_WIRE_NS" addr replace "203.0.$1.2/24" dev "wv$1"
	ip -n "$IGB_WIRE_NS" link set "wv$1" up
	ip -n "$IGB_WIRE_NS" neigh replace "203.0.$1.50" lladdr "$2" dev "wv$1" nud permanent
	ip netns exec "$IGB_WIRE_NS" ping -c "$3" -i 0.05 -W 1 "203.0.$1.50" >/dev/null 2>&1
	return 0
}

ktap_check "a port reserves a pool (pool 7 first) and comes up" \
	port_add vp0 "$MAC0" pn0 192.0.2.50
ktap_check "the kernel log names pool 7 for vp0" \
	sh -c "dmesg | grep -q 'pool 7 reserved for vp0'"
ktap_check "the PF left RSS for VMDq: one queue pair" \
	sh -c "ethtool -l $dev | awk '/Current/ { c = 1 } c && /Combined/ { print \$2; exit }' | grep -qx 1"
ktap_check "the port pings the wire through its pool" \
	ip netns exec pn0 ping -c 5 -i 0.2 -W 2 "$IGB_WIRE_IP"
ktap_check "the wire pings the port" \
	ip netns exec "$IGB_WIRE_NS" ping -c 5 -i 0.2 -W 2 192.0.2.50

# Unicast to the port's MAC lands in its pool's queue, not the PF's.
pf_before=$(pf_queue_rx)
vp_before=$(rx_packets vp0 pn0)
ip netns exec "$IGB_WIRE_NS" ping -c 20 -i 0.05 -W 2 192.0.2.50 >/dev/null
vp_after=$(rx_packets vp0 pn0)
pf_after=$(pf_queue_rx)
ktap_check "20 echo requests arrive in the port's pool" test $((vp_after - vp_before)) -ge 20
ktap_check "and not in the PF's queue (at most the ARP broadcasts)" \
	test $((pf_after - pf_before)) -lt 5
ktap_check "the PF still passes its own traffic" \
	ping -c 3 -i 0.2 -W 2 "$IGB_WIRE_IP"

# VLAN filters: a VID the port did not register is dropped by the NIC;
# a VLAN device on the port registers its VID with the pool.
vp_before=$(rx_packets vp0 pn0)
wire_send_tagged 100 "$MAC0" 10
vp_after=$(rx_packets vp0 pn0)
ktap_check "frames tagged with an unregistered VLAN never reach the port" \
	test "$vp_after" = "$vp_before"
ip -n pn0 link add link vp0 name vp0.100 type vlan id 100
ip -n pn0 addr add 203.0.100.50/24 dev vp0.100
ip -n pn0 link set vp0.100 up
ktap_check "with VLAN 100 on the port, tagged traffic flows both ways" \
	ip netns exec pn0 ping -c 5 -i 0.2 -W 2 203.0.100.2
ip -n pn0 link del vp0.100
vp_before=$(rx_packets vp0 pn0)
wire_send_tagged 100 "$MAC0" 10
vp_after=$(rx_packets vp0 pn0)
ktap_check "removing the VLAN device removes the filter" \
	test "$vp_after" = "$vp_before"

ktap_check "a second port gets pool 6" port_add vp1 "$MAC1" pn1 192.0.2.51
ktap_check "the kernel log names pool 6 for vp1" \
	sh -c "dmesg | grep -q 'pool 6 reserved for vp1'"
vp1_before=$(rx_packets vp1 pn1)
ip netns exec "$IGB_WIRE_NS" ping -c 20 -i 0.05 -W 2 192.0.2.50 >/dev/null
vp1_after=$(rx_packets vp1 pn1)
ktap_check "vp0's unicast does not reach vp1" test $((vp1_after - vp1_before)) -lt 5
ktap_check "port to port through the NIC's loopback" \
	ip netns exec pn0 ping -c 5 -i 0.2 -W 2 192.0.2.51

# A new MAC on a running port moves its filter.
ip -n pn1 link set vp1 address 02:00:00:00:70:03
ip -n "$IGB_WIRE_NS" neigh flush dev "$wire"
ktap_check "a port's new MAC is its pool's new filter" \
	ip netns exec "$IGB_WIRE_NS" ping -c 3 -i 0.2 -W 2 192.0.2.51

# Pools and VFs share the eight pools: VFs from 0 up, pools from 7 down.
# VFs that need reserved pools take them back from their holders.
ktap_check "7 VFs take pools 7 and 6 back from their ports" \
	sh -c "echo 7 > $numvfs &&
	       dmesg | grep -q 'pool 7 taken back from vp0: VFs need it' &&
	       dmesg | grep -q 'pool 6 taken back from vp1: VFs need it'"
ktap_check "the holders gave them back: no pool released from under them" \
	sh -c "! dmesg | grep -q 'kept it: released'"
ktap_check "a port told stops: nothing it sends goes out through a freed pool" \
	sh -c "! ip netns exec pn0 ping -c 2 -i 0.2 -W 1 $IGB_WIRE_IP"
igb_vfs_unbind "$bdf"
echo 0 > "$numvfs"
port_reopen vp0 pn0
port_reopen vp1 pn1
ktap_check "reopened, the ports get pools 7 and 6 again" \
	sh -c "[ \$(dmesg | grep -c 'pool 7 reserved for vp0') = 2 ] &&
	       [ \$(dmesg | grep -c 'pool 6 reserved for vp1') = 2 ]"
ktap_check "5 VFs fit next to the two pools" sh -c "echo 5 > $numvfs"
ktap_check "the ports pass traffic after the VF layout change" \
	sh -c "ip netns exec pn0 ping -c 3 -i 0.2 -W 2 $IGB_WIRE_IP && ip netns exec pn1 ping -c 3 -i 0.2 -W 2 $IGB_WIRE_IP"
ktap_check "no third pool while 5 VFs, the PF and two ports hold all 8" \
	sh -c "ip link add vp2 link $dev type vioxpt && ! ip link set vp2 up"
ip link del vp2 2>/dev/null
igb_vfs_unbind "$bdf"
echo 0 > "$numvfs"

kmsg_mark
ethtool --reset "$dev" all >/dev/null
wait_carrier "$dev"
ktap_check "the ports pass traffic after a device reset" \
	ip netns exec pn0 ping -c 3 -i 0.5 -w 15 "$IGB_WIRE_IP"

ktap_check "deleting the ports releases their pools" \
	sh -c "ip -n pn0 link del vp0 && ip -n pn1 link del vp1 &&
	       dmesg | grep -q 'pool 7 released by vp0' && dmesg | grep -q 'pool 6 released by vp1'"
back_on_rss() {
	local n
	n=$(ethtool -l "$dev" | awk '/Current/ { c = 1 } c && /Combined/ { print $2; exit }')
	[ "$n" = 2 ] && return 0
	echo "$n combined queue pairs; numvfs $(cat "$numvfs")"
	ethtool -l "$dev"
	kmsg_since | tail -n 12
	return 1
}
ktap_check "with no pools left the PF is back on RSS over 2 queue pairs" back_on_rss
ktap_check "the PF passes traffic again" ping -c 3 -i 0.2 -W 2 "$IGB_WIRE_IP"

# The uplink going away takes its ports (and their pools) with it.
port_add vp3 "$MAC0" pn3 192.0.2.53
ktap_check "unbinding viox_igb under a port removes the port" \
	sh -c "echo $bdf > /sys/bus/pci/drivers/viox_igb/unbind && ! ip -n pn3 link show vp3 2>/dev/null"

# In-tree igb has no pools: the port is refused, cleanly.
pci_bind "$bdf" igb
dev=$(pci_netdev "$bdf")
ip link add vp4 link "$dev" type vioxpt
ktap_check "a port on in-tree igb cannot come up" sh -c "! ip link set vp4 up"
ktap_check "and says why" sh -c "dmesg | grep -q 'vp4: no pool on $dev: .*uplink is not a viox_igb PF'"
ip link del vp4

for ns in pn0 pn1 pn3; do ip netns del "$ns" 2>/dev/null; done
rmmod vioxtest_pool
pci_bind "$bdf" viox_igb >/dev/null
ktap_finish
