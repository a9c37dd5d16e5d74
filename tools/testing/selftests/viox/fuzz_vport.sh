#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_vmdq's front doors under random messages: rtnetlink's new and
# delete link for the kind "viox" (random IFLA_INFO_DATA, on veth
# uplinks, on vports, on nothing) and the viox family's vport commands.
# Nothing may reach the kernel log, some vports must have been made on
# the way, and afterwards ip makes, shows and deletes a vport as ever.
# viox_vmdq's tests take turns in one lane.
# viox-lane: vmdq
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/fuzz_lib.sh"

debug_kernel_only "hostile vport messages"

top=$(cd "$(dirname "$0")/../../../.." && pwd)
export IP_LIB_DIR=$top/tools/ip
kmod_load veth
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"

fuzz_start vport 20
# In a network namespace of its own: its links are all it can touch.
fuzz_run unshare -n /usr/bin/python3 "$FUZZ_DIR/vport-fuzz.py" --seed "$FUZZ_SEED" \
	--seconds "$secs"
ktap_check "vport: rtnetlink messages sent" fuzz_at_least "$log" "sent rtnl newlink" $((secs * 5))
ktap_check "vport: generic netlink messages sent" \
	fuzz_at_least "$log" "sent genl cmd 2" $((secs * 2))
ktap_check "vport: some were good enough to make vports" fuzz_at_least "$log" "vports made" 5

still_works() {
	local ns=fzv
	ip netns add $ns || return 1
	ip -n $ns link add fu0 type veth peer name fw0 &&
	ip -n $ns link add link fu0 name v0 type viox mac 02:00:00:00:7f:01 vlan 5 &&
	ip -n $ns -d -j link show v0 | jq -e '.[0].linkinfo.info_data.vlan == 5' >/dev/null &&
	ip -n $ns link del v0
	local r=$?
	ip netns del $ns
	return $r
}
ktap_check "vport: ip still makes, shows and deletes a vport" still_works
rm -f "$log"
ktap_finish
