#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_net against a userspace guest driver (vnet-guest): frames both ways
# through a tap, every byte checked, for each ring layout and header mode;
# the same runs against in-tree vhost-net prove the driver is faithful.
. "$(dirname "$0")/ktap.sh"

guest=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest
kmod_load tun
kmod_load vhost_net

run() { # DEVICE TAP ARGS...
	local dev=$1 tap=$2
	shift 2
	"$guest" --dev "$dev" --tap "$tap" "$@"
}

ktap_check "viox-net exists as a misc device" test -c /dev/viox-net
ktap_check "viox-net split ring" run /dev/viox-net vx0 --count 300
ktap_check "viox-net split ring, mergeable RX buffers" \
	run /dev/viox-net vx1 --mrg --rx-buf 256 --size 1500 --count 300
ktap_check "viox-net split ring, header added by the device" \
	run /dev/viox-net vx2 --hdr-by-dev --count 300
ktap_check "viox-net packed ring" run /dev/viox-net vx3 --packed --count 300
ktap_check "viox-net packed ring, mergeable RX buffers" \
	run /dev/viox-net vx4 --packed --mrg --rx-buf 256 --size 1500 --count 300
ktap_check "viox-net packed ring, header added by the device" \
	run /dev/viox-net vx5 --packed --hdr-by-dev --count 300
ktap_check "vhost-net split ring (driver check)" run /dev/vhost-net vh0 --count 300
ktap_check "vhost-net split ring, mergeable RX buffers (driver check)" \
	run /dev/vhost-net vh1 --mrg --rx-buf 256 --size 1500 --count 300
ktap_check "vhost-net split ring, header added by the device (driver check)" \
	run /dev/vhost-net vh2 --hdr-by-dev --count 300
ktap_finish
