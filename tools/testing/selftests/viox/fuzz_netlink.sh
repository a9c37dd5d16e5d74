#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The viox generic netlink family under random messages (commands, flags,
# attributes, lengths, batches, abandoned dumps), from root and from
# nobody at once, while device files come and go. Nothing may reach the
# kernel log; the family still answers a dump correctly afterwards.
# viox-net's tests take turns in one lane: the fuzzers count every open
# device, and broken vqs share one rate-limited log line.
# viox-lane: vnet
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/fuzz_lib.sh"
. "$(dirname "$0")/net_lib.sh"

debug_kernel_only "hostile netlink messages"

fuzz_start netlink 20
# In a network namespace of its own: random commands with small ifindexes
# must not delete or change another test's links.
fuzz_run unshare -n /usr/bin/python3 "$FUZZ_DIR/nl-fuzz.py" --seed "$FUZZ_SEED" --seconds "$secs"
ktap_check "netlink: messages sent as root" fuzz_at_least "$log" "messages root" $((secs * 10))
ktap_check "netlink: messages sent as nobody" fuzz_at_least "$log" "messages nobody" $((secs * 10))
ktap_check "netlink: devices were answered for" fuzz_at_least "$log" "root reply device" 1
ktap_check "netlink: devices came and went meanwhile" \
	fuzz_at_least "$log" "root churn device opened" 5
ktap_check "netlink: every device file released" fuzz_devices_released

dump_empty() {
	local out
	out=$(viox_ynl --dump dev-get) || return 1
	echo "$out"
	[ "$out" = "[]" ]
}
ktap_check "netlink: the family still answers a dump, with no device" dump_empty
rm -f "$log"
ktap_finish
