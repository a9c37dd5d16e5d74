#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unmodified QEMU on /dev/viox-net: a virtio-net-pci NIC on
# `-netdev tap,vhost=on,vhostfd=N`, its guest driver played through qtest
# by qemu-vnet.py. QEMU opens the tap, negotiates with the device, starts
# and stops it around `stop`/`cont`, and live-migrates to a second QEMU
# with a new fd while frames are received, which only the dirty log
# carries over. The split-ring runs against in-tree vhost-net prove the
# script a faithful driver; the packed ring only viox_net offers QEMU.
# Last, the same QEMU on a tap-mode viox_vmdq vport's /dev/vioxtapN
# (-netdev tap,fd=N), its frames exchanged with the vport's wire.
# A lane of its own: it breaks no vq (net_hostile counts broken vqs' log
# lines), and the fuzzers, which count every open viox-net device, run in
# the kmemleak boot, where it does not.
# viox-lane: qemu
. "$(dirname "$0")/ktap.sh"

script=$VIOX_TOP/tools/testing/viox/qemu-vnet.py
kmod_load tun
kmod_load vhost_net
kmod_load tap
export IP_LIB_DIR=$VIOX_TOP/tools/ip
kmod_load veth
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"

if ! command -v qemu-system-x86_64 >/dev/null; then
	ktap_skip "QEMU with vhostfd=/dev/viox-net" "qemu-system-x86_64 not installed"
	ktap_finish
fi

n=0
t() { # NAME DEVICE ARGS...
	local name=$1 dev=$2
	shift 2
	n=$((n + 1))
	[ "$dev" = /dev/vhost-net ] && name+=" (driver check)"
	ktap_check "QEMU vhostfd=$dev: $name" "$script" --vhost-dev "$dev" --tap "vq$n" --count 150 "$@"
}

t "split ring, mergeable RX buffers: traffic, stop/cont, live migration" \
	/dev/viox-net --mrg --rx-buf 256 --migrate
t "packed ring: traffic, stop/cont, live migration" /dev/viox-net --packed --migrate
t "split ring, mergeable RX buffers: traffic, stop/cont, live migration" \
	/dev/vhost-net --mrg --rx-buf 256 --migrate

# A vport with the guest's MAC on a veth whose peer, in its own namespace,
# is the wire.
cleanup() { ip netns del vqn-wire 2>/dev/null; ip link del vqn-up 2>/dev/null; }
trap 'cleanup; rm -rf "$ktap_out"' EXIT
cleanup
vport_on_wire() {
	ip netns add vqn-wire &&
	ip link add vqn-up type veth peer name vqn-wire netns vqn-wire &&
	ip link add link vqn-up name vqn-vm type viox mac 52:54:00:12:34:56 mode tap ||
		return 1
	for d in vqn-up vqn-vm; do
		sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
		ip link set "$d" up
	done
	ip netns exec vqn-wire sysctl -qw net.ipv6.conf.vqn-wire.disable_ipv6=1
	ip -n vqn-wire link set vqn-wire up
}
ktap_check "a viox vport with the guest's MAC, on a veth" vport_on_wire
tap=$(ip -d -j link show vqn-vm 2>/dev/null | jq -r '.[0].linkinfo.info_data.tap')
ktap_check "QEMU vhostfd=/dev/viox-net on a tap-mode vport's /dev/vioxtapN: packed ring, traffic, stop/cont, live migration" \
	ip netns exec vqn-wire "$script" --vhost-dev /dev/viox-net --tap-dev "/dev/$tap" \
	--peer vqn-wire --count 150 --packed --migrate
ktap_finish
