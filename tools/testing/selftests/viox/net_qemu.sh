#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unmodified QEMU on /dev/viox-net: a virtio-net-pci NIC on
# `-netdev tap,vhost=on,vhostfd=N`, its guest driver played through qtest
# by qemu-vnet.py. QEMU opens the tap, negotiates with the device, starts
# and stops it around `stop`/`cont`, and live-migrates to a second QEMU
# with a new fd while frames are received, which only the dirty log
# carries over. The split-ring runs against in-tree vhost-net prove the
# script a faithful driver; the packed ring only viox_net offers QEMU.
. "$(dirname "$0")/ktap.sh"

script=$VIOX_TOP/tools/testing/viox/qemu-vnet.py
kmod_load tun
kmod_load vhost_net

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
ktap_finish
