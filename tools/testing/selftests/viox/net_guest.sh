#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_net against a userspace guest driver (vnet-guest): frames both ways
# through a tap, every byte checked, for each ring layout and header mode,
# two queue pairs on a multiqueue tap, a migration-style move to new device
# files mid-stream, and dirty logging. The same runs against in-tree
# vhost-net (split ring only: it has no packed ring) prove the driver is
# faithful.
# A lane of its own: it breaks no vq (net_hostile counts broken vqs' log
# lines), and the fuzzers, which count every open viox-net device, run in
# the kmemleak boot, where it does not.
# viox-lane: vnet_guest
. "$(dirname "$0")/ktap.sh"

debug_kernel_only "viox_net against vnet-guest"

guest=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest
kmod_load tun
kmod_load vhost_net

run() { # DEVICE TAP ARGS...
	local dev=$1 tap=$2
	shift 2
	"$guest" --dev "$dev" --tap "$tap" "$@"
}

ktap_check "viox-net exists as a misc device" test -c /dev/viox-net

n=0
for dev in /dev/viox-net /dev/vhost-net; do
	for layout in split packed; do
		[ "$dev" = /dev/vhost-net ] && [ "$layout" = packed ] && continue
		args=()
		[ "$layout" = packed ] && args=(--packed)
		name="${dev#/dev/} $layout ring"
		[ "$dev" = /dev/vhost-net ] && suffix=" (driver check)" || suffix=
		t() { n=$((n + 1)); ktap_check "$name$1$suffix" run "$dev" "vn$n" "${args[@]}" "${@:2}"; }
		t "" --count 300
		t ", mergeable RX buffers" --mrg --rx-buf 256 --size 1500 --count 300
		t ", header added by the device" --hdr-by-dev --count 300
		t ", two queue pairs on a multiqueue tap" --queues 2 --count 400
		t ", moved to new device files mid-stream" --reattach --count 400
		t ", two queue pairs moved mid-stream, mergeable" \
			--queues 2 --reattach --mrg --rx-buf 512 --size 1500 --count 400
		t ", busy polling 50 us" --busy-poll 50 --count 300
		# A send buffer the VMM limited: no batches, each packet
		# charged to the tap's socket.
		t ", a limited send buffer" --sndbuf 65536 --count 300
		[ "$layout" = split ] &&
			t ", reset owner, no features acked again" --reset-owner --count 300
		t ", dirty log marks exactly the pages written" --dirty-log
		t ", dirty log with mergeable buffers on two queue pairs" \
			--dirty-log --queues 2 --mrg --rx-buf 512 --size 1500
	done
done
# vhost-net spins for as long as the owner asks; viox caps it and yields
# to the device's other work.
ktap_check "viox-net a 30 s busy-loop timeout stalls neither vq" \
	run /dev/viox-net vnbusy --busy-poll 30000000 --count 300
ktap_finish
