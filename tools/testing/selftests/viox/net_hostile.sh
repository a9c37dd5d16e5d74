#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_net under a hostile guest: malformed chains break only that vq (its
# error eventfd fires, the log says why, the device's other vq still
# works), a guest that never refills RX gets backpressure, and a kick storm
# is absorbed. Each runs beside a well-behaved guest on another device,
# which must not notice.
# viox-net's tests take turns in one lane: the fuzzers count every open
# device, and broken vqs share one rate-limited log line.
# viox-lane: vnet
. "$(dirname "$0")/ktap.sh"
debug_kernel_only "viox_net under a hostile guest"

guest=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest
kmod_load tun
n=0

# Hostile guest and a good one side by side; both must pass.
beside_good() { # ARGS...
	n=$((n + 1))
	local log
	log=$(mktemp)
	"$guest" --tap good$n --count 2000 > "$log" 2>&1 &
	local good=$!
	"$guest" --tap bad$n "$@"
	local bad=$?
	wait "$good"
	local ok=$?
	sed 's/^/good guest: /' "$log"
	rm -f "$log"
	[ "$bad" = 0 ] && [ "$ok" = 0 ]
}

logged() { # REASON
	kmsg_since | grep -F "viox-net: vq 1: broken: $1"
}

for layout in split packed; do
	args=()
	[ "$layout" = packed ] && args=(--packed)
	loop="loop in the descriptor chain"
	[ "$layout" = packed ] && loop="chain longer than the ring"
	kmsg_mark
	ktap_check "$layout: descriptor loop breaks TX only, a neighbour unaffected" \
		beside_good "${args[@]}" --hostile loop
	ktap_check "$layout: the log names the loop" logged "$loop"
	kmsg_mark
	ktap_check "$layout: descriptor outside guest memory breaks TX only" \
		beside_good "${args[@]}" --hostile oob
	ktap_check "$layout: the log names the bad address" logged "descriptor outside guest memory"
	kmsg_mark
	ktap_check "$layout: nested indirect table breaks TX only" \
		beside_good "${args[@]}" --hostile nested
	ktap_check "$layout: the log names the nesting" logged "nested indirect descriptor"
	ktap_check "$layout: a guest that never refills RX gets backpressure" \
		beside_good "${args[@]}" --hostile norefill --count 3000
	ktap_check "$layout: a kick storm is absorbed" \
		beside_good "${args[@]}" --hostile kickstorm --seconds 3 --count 300
done
ktap_finish
