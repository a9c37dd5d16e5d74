#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failover on viox_igb: a VM's MAC on its VF (igbvf, in the namespace "vm")
# and on a standby vport (viox_vmdq, in tap mode) with our guest driver
# on viox_net behind it. A wire peer streams numbered frames to the MAC;
# the VF receives them while it can, the guest driver through the vport
# while it cannot: the VF deactivated by the admin (ip and
# devlink), its driver stopped and unbound, the VFs removed and created
# again; then back to the VF each time. Each switch reports the frames
# lost and fails on a frame duplicated, a run of losses over 100 ms or a
# loss outside a switch.
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"

igb_debug_kernel_only "failover between a VF and its standby vport"
top=$(cd "$(dirname "$0")/../../../.." && pwd)
export IP_LIB_DIR=$top/tools/ip
stream=$top/tools/testing/viox/failover-stream.py
guest=$top/tools/testing/viox/vnet-guest/vnet-guest
[ -x "$guest" ] || { echo "Bail out! no $guest"; exit 1; }
[ -e "$IP_LIB_DIR/link_viox.so" ] || { echo "Bail out! no $IP_LIB_DIR/link_viox.so"; exit 1; }

kmod_load 8021q
kmod_load igb
kmod_load igbvf
[ -d /sys/module/viox_igb ] || insmod "$(viox_ko viox_igb)"
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"
igb_viox_pf_up
W=$IGB_WIRE_NS
MAC=02:00:00:00:fa:01
RATE=400		# frames/s: a 100 ms gap is 40 frames
logs=$(mktemp -d)
results=$(mktemp)	# what each switch lost, for the log

cleanup() {
	stop_receivers
	ip netns del vm 2>/dev/null
	ip link del sb0 2>/dev/null
	igb_vfs_unbind "$bdf"
	echo 0 > "$numvfs"
	rm -rf "$logs" "$results"
}
trap cleanup EXIT

mono() { cut -d' ' -f1 /proc/uptime; }
stop_receivers() {
	pkill -TERM -f "failover-stream.py recv" 2>/dev/null
	pkill -TERM -f -- "--sink $logs" 2>/dev/null
	wait 2>/dev/null
}
vf_dev() { ip netns exec vm ls /sys/class/net | grep -vx lo; }
sb_field() { # FIELD: one field of the standby's state in ip -j -d
	ip -j -d link show sb0 |
		json "d[0]['linkinfo']['info_data']['standby']['$1']"
}
sb_state() { ip -d link show sb0 | grep -o ' standby vf [0-9]* [a-z]*' | cut -d' ' -f5; }
# The VM's paravirtual side: our guest driver on viox_net over the vport's
# tap device, logging the stream's frames it receives (until stopped).
sb_recv() { # LOG
	local tap
	tap=$(ip -d link show sb0 | grep -o 'tap /dev/[a-z0-9]*' | cut -d' ' -f2)
	"$guest" --tap-dev "$tap" --peer lo --sink "$1" --seconds 60 > "$1.out" 2>&1
}
# The VF comes back when igbvf has reset and turned its queue on again,
# some 5 s after its link is allowed or set up under TCG: 15 s to get there.
wait_state() { # active|parked
	local end=$((SECONDS + 15))
	until [ "$(sb_state)" = "$1" ]; do
		[ $SECONDS -le $end ] || { echo "the standby is $(sb_state), not $1"; return 1; }
		sleep 0.02
	done
}

# VF 0 into the VM's namespace, up (its netdev shows up after a bind).
vf_to_vm() {
	local vbdf dev
	vbdf=$(vfbdf 0)
	dev=$(pci_netdev "$vbdf") || return 1
	ip netns add vm 2>/dev/null
	ip link set "$dev" netns vm || return 1
	ip -n vm link set lo up
}

echo 1 > "$numvfs" || { echo "Bail out! no VF"; exit 1; }
ip link set "$pf" vf 0 mac $MAC
vf_to_vm || { echo "Bail out! VF 0 has no netdev"; exit 1; }
ip -n vm link set "$(vf_dev)" up
wait_carrier "$(vf_dev)" vm

refused() { # WHAT ARGS...: ip refuses, with a message
	local out
	out=$(ip link add link "$pf" name sbx type viox "$@" 2>&1) && {
		ip link del sbx
		echo "made a standby with $*"
		return 1
	}
	grep -q "$1" <<<"$out" || { echo "$out"; return 1; }
}
ktap_check "a standby of a VF the PF does not have is refused" \
	refused "has no VF 5" standby vf 5
ktap_check "a standby with a MAC of its own is refused" \
	refused "takes its VF's MAC" standby vf 0 mac 02:00:00:00:fa:09

ip link add link "$pf" name sb0 type viox standby vf 0 mode tap
ip link set sb0 up
same_mac() {
	local mac
	mac=$(cat /sys/class/net/sb0/address)
	[ "$mac" = $MAC ] || { echo "the standby has $mac"; return 1; }
	[ "$(sb_state)" = parked ] || { echo "the standby is $(sb_state)"; return 1; }
	ip link show sb0 | grep -q "state DORMANT" ||
		{ ip link show sb0; return 1; }
}
ktap_check "the standby takes the VF's MAC and is parked while the VF receives" same_mac
ktap_check "a second standby of the same VF is refused" \
	refused "has a standby already" standby vf 0
ktap_check "the standby's MAC is the VF's to change" \
	sh -c "! ip link set sb0 address 02:00:00:00:fa:02 2>/dev/null"

# Each hop's counters, one line: where frames a report finds lost went
# (the wire NIC's sends, the PF's missed and buffer-less frames and ring
# drops, the standby's counters, the VF's receive and drop counts),
# with no python to start each time: `ip -s -o`'s counters, unwrapped.
counters() { sed 's/^.*    RX:/RX:/; s/\\ */ /g; s/  */ /g'; }
hops() {
	echo "wire $(ip -n $W -s -o link show "$wire" | counters)"
	echo "pf $(ethtool -S "$pf" | grep -E 'rx_(missed|no_buffer|total_packets)|rx_queue_[0-9]+_drops' |
		grep -v ': 0$' | tr -s ' \n' ' ')"
	echo "sb $(ip -s -o link show sb0 | counters)"
	echo "vf $(ip -n vm -s -o link show "$(vf_dev)" 2>/dev/null | counters)"
}
# After a failed switch: the counters before and after it, the guest
# driver's own account and what the kernel said meanwhile.
switch_hops() {
	sed 's/^/before: /' "$logs/hops.before"
	hops | sed 's/^/after: /'
	tail -n 5 "$logs/sb.out" | sed 's/^/guest: /'
	dmesg | tail -n 15
}

vf_rx() { ip netns exec vm cat "/sys/class/net/$(vf_dev)/statistics/rx_packets"; }
sb_rx() { cat /sys/class/net/sb0/statistics/rx_packets; }
# The stream reaches a port: its COUNT (vf_rx or sb_rx) grows by 50 frames
# within 5 s. stream_reaches COUNT
stream_reaches() {
	local from end=$((SECONDS + 5))
	from=$("$1")
	until [ "$("$1")" -gt $((from + 50)) ]; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}
# One switch and back under a stream: LEAVE and BACK are commands (shell
# words), the stream runs through both (until the VF has it back, however
# long the switches take), and the report covers both. WHY is what the
# switch must give as its reason (a regex: igbvf stopping its queue resets
# the VF 10 ms later, and either may be seen first). MAX-GAP-MS: the
# longest run of frames lost the report allows (100 ms by default).
switch_pair() { # NAME LEAVE-CMD BACK-CMD WHY [MAX-GAP-MS]
	local name=$1 t0 t1 t2 t3 out rc why_ok=1
	rm -f "$logs"/*
	ip netns exec vm "$stream" recv "$(vf_dev)" "$logs/vf" &
	sb_recv "$logs/sb" &
	for f in vf sb; do
		until [ -e "$logs/$f.ready" ]; do sleep 0.05; done
	done
	hops > "$logs/hops.before"
	ip netns exec $W "$stream" send "$wire" $MAC $RATE 120 "$logs/sent" &
	local sender=$!
	sleep 1.5
	t0=$(mono)
	eval "$2" || echo "$name: leaving failed"
	wait_state active
	t1=$(mono)
	[[ "$(sb_field last)" =~ ^($4)$ ]] ||
		{ echo "$name: the switch says $(sb_field last), not $4"; why_ok=; }
	sleep 1.5
	t2=$(mono)
	eval "$3" || echo "$name: coming back failed"
	wait_state parked
	t3=$(mono)
	# The stream reaches the VF again (the frames the VF gets, not its
	# standby's, while the stream still runs).
	stream_reaches vf_rx ||
		{ echo "$name: the VF receives nothing after the switch back"; why_ok=; }
	kill -TERM $sender
	wait $sender
	sleep 0.3
	stop_receivers
	out=$("$stream" report "$logs/sent" --max-gap-ms "${5:-100}" --window "$t0" "$t1" \
	      --window "$t2" "$t3" "$logs/vf" "$logs/sb")
	rc=$?
	echo "$name $out switched at $t0-$t1, back at $t2-$t3" >> "$results"
	[ "$rc" = 0 ] || { echo "$out"; switch_hops; return 1; }
	# Both ports took their share: the switch happened on the wire.
	json 'd["per_port"][0] > 0 and d["per_port"][1] > 0' <<<"$out" | grep -qx True ||
		{ echo "one port received nothing: $out"; return 1; }
	[ -n "$why_ok" ]
}

ktap_check "ip link set vf state disable, then auto: the stream moves and comes back" \
	switch_pair admin "ip link set $pf vf 0 state disable" \
	"ip link set $pf vf 0 state auto" admin
ktap_check "devlink port function state inactive, then active" \
	switch_pair devlink "devlink port function set pci/$bdf/1 state inactive" \
	"devlink port function set pci/$bdf/1 state active" admin
# A VF that stops on its own stops taking frames (its netdev going down)
# before it turns its queue off, which is what the PF can see: the frames
# between are lost. Under TCG, with another selftest on the other CPU,
# that has reached 85 ms at a link down and 105 ms at an unbind.
VF_STOP_GAP=250
ktap_check "the VF's driver stopped (link down in the VM), then up" \
	switch_pair stopped "ip -n vm link set \$(vf_dev) down" \
	"ip -n vm link set \$(vf_dev) up" "stopped|reset" $VF_STOP_GAP

# Away for more than a second, the standby takes a NIC pool and the
# NIC steers the MAC into it (no frame lost or doubled by the move, as
# the stream's report shows); parked again, it gives the pool back.
sb_pool() { ip -d link show sb0 | grep -o ' pool [0-9]*' | cut -d' ' -f3; }
sb_stat() { ip -s -d link show sb0 | grep -o "$1 [0-9]*" | cut -d' ' -f2; }
pooled() {
	local end=$((SECONDS + 10)) before
	before=$(sb_stat rx_pool)
	switch_pair pool "ip link set $pf vf 0 state disable; sleep 3; sb_pool > $logs/pool" \
		"ip link set $pf vf 0 state auto" admin || return 1
	[ -n "$(cat "$logs/pool" 2>/dev/null)" ] || { echo "no pool while it had the traffic"; return 1; }
	[ "$(sb_stat rx_pool)" -gt "$before" ] || { echo "the pool delivered nothing"; return 1; }
	until [ -z "$(sb_pool)" ]; do
		[ $SECONDS -le $end ] || { echo "parked, it keeps pool $(sb_pool)"; return 1; }
		sleep 0.1
	done
}
ktap_check "away a while, the standby's traffic comes through a NIC pool; parked, the pool goes" pooled

# Unbound: the VF's netdev goes; bound again, it comes back down, in the
# host's namespace, and is moved back before it is brought up.
unbind_vf() { echo "$(vfbdf 0)" > /sys/bus/pci/drivers/igbvf/unbind; }
rebind_vf() {
	echo "$(vfbdf 0)" > /sys/bus/pci/drivers/igbvf/bind && vf_to_vm &&
		ip -n vm link set "$(vf_dev)" up
}
# The VF stops on its own (CMD), the stream moves to the standby: the
# report covers the way there (the stream runs until the standby has it,
# however long the switch takes). leave_only NAME CMD WHY
leave_only() {
	local t0 t1 out why_ok=1
	rm -f "$logs"/*
	sb_recv "$logs/sb" &
	until [ -e "$logs/sb.ready" ]; do sleep 0.05; done
	ip netns exec vm "$stream" recv "$(vf_dev)" "$logs/vf" &
	until [ -e "$logs/vf.ready" ]; do sleep 0.05; done
	hops > "$logs/hops.before"
	ip netns exec $W "$stream" send "$wire" $MAC $RATE 120 "$logs/sent" &
	local sender=$!
	sleep 1.5
	t0=$(mono)
	eval "$2"
	wait_state active
	t1=$(mono)
	[[ "$(sb_field last)" =~ ^($3)$ ]] ||
		{ echo "$1: the switch says $(sb_field last), not $3"; why_ok=; }
	# The report says whether it did.
	stream_reaches sb_rx
	kill -TERM $sender
	wait $sender
	sleep 0.3
	stop_receivers
	out=$("$stream" report "$logs/sent" --max-gap-ms $VF_STOP_GAP --window "$t0" "$t1" \
	      "$logs/vf" "$logs/sb")
	echo "$1 $out switched at $t0-$t1" >> "$results"
	json 'd["problems"] == [] and d["per_port"][1] > 0' <<<"$out" | grep -qx True ||
		{ echo "$out"; switch_hops; return 1; }
	[ -n "$why_ok" ]
}

# A function level reset under igbvf (as a VMM does when the guest lets
# the VF go); igbvf finds its VF reset and starts again by itself, or
# once its link is set down and up.
flr_pair() {
	leave_only flr "echo 1 > /sys/bus/pci/devices/$(vfbdf 0)/reset" "reset|stopped" || return 1
	wait_state parked 2>/dev/null && return 0
	ip -n vm link set "$(vf_dev)" down
	ip -n vm link set "$(vf_dev)" up
	wait_state parked
}
if [ -e "/sys/bus/pci/devices/$(vfbdf 0)/reset" ]; then
	ktap_check "a function level reset: the stream moves to the standby and comes back" flr_pair
else
	ktap_skip "a function level reset" "VF 0 has no reset method"
fi

ktap_check "the VF's driver unbound: the stream moves to the standby" \
	leave_only unbind unbind_vf "stopped|reset"
rebound() {
	rebind_vf || return 1
	wait_state parked && wait_carrier "$(vf_dev)" vm
}
ktap_check "bound again, the VF has its traffic back" rebound

# A second of the stream, received by one port alone, all of it:
# second_reaches LOG-NAME RECEIVER-CMD... (the receiver logs to $logs/LOG-NAME)
second_reaches() {
	local name=$1
	shift
	rm -f "$logs"/*
	"$@" &
	until [ -e "$logs/$name.ready" ]; do sleep 0.05; done
	ip netns exec $W "$stream" send "$wire" $MAC $RATE 1 "$logs/sent"
	sleep 0.3
	stop_receivers
	"$stream" report "$logs/sent" "$logs/$name" > "$logs/out" || { cat "$logs/out"; return 1; }
}

# numvfs: the VF goes (its driver first) and comes back with the same MAC.
vfs_gone() {
	unbind_vf
	wait_state active || return 1
	echo 0 > "$numvfs" || return 1
	sleep 0.5
	[ "$(sb_field state)" = active ] || { echo "the standby let go"; return 1; }
	# The MAC stays the host's: the wire reaches the standby.
	second_reaches sb sb_recv "$logs/sb"
}
ktap_check "with the VFs removed the standby keeps the MAC" vfs_gone
vfs_back() {
	echo 1 > "$numvfs" || return 1
	[ "$(vfinfo 0 "['address']")" = $MAC ] || { echo "VF 0 came back as $(vfinfo 0 "['address']")"; return 1; }
	vf_to_vm && ip -n vm link set "$(vf_dev)" up || return 1
	wait_state parked && wait_carrier "$(vf_dev)" vm
}
ktap_check "VFs created again: VF 0 has the VM's MAC and its traffic back" vfs_back

# Fifty switches, each way, with the VF's link state: no splat (the
# harness checks the kernel log), and the count is right. igbvf at times
# resets its VF on its own just after it came back (seen: "took VF 0's
# traffic (the VF was reset ...)" within 0.1 s of a return), a switch
# away and back that the standby counts too: the count is 50 and, for
# each such reset, two more (a few at most; never odd, never double).
many() {
	local i before after n
	before=$(sb_field switches)
	for i in $(seq 25); do
		ip link set "$pf" vf 0 state disable
		wait_state active || return 1
		ip link set "$pf" vf 0 state auto
		wait_state parked || return 1
	done
	# A reset of igbvf's own just after the last return comes and goes.
	sleep 1
	wait_state parked || return 1
	after=$(sb_field switches)
	n=$((after - before))
	[ $n -ge 50 ] && [ $n -le 56 ] && [ $((n % 2)) = 0 ] ||
		{ echo "$n switches counted"; return 1; }
	# What a guest's net_failover sees: no address change, either side.
	[ "$(cat /sys/class/net/sb0/address)" = $MAC ] &&
		[ "$(vfinfo 0 "['address']")" = $MAC ] ||
		{ echo "an address moved: $(cat /sys/class/net/sb0/address), VF $(vfinfo 0 "['address']")"; return 1; }
}
ktap_check "fifty switches, and neither side changed its MAC" many

# Deleted with its VF away: the VF's entry goes back to the VF.
deleted() {
	ip link set "$pf" vf 0 state disable
	wait_state active || return 1
	ip link del sb0
	ip link set "$pf" vf 0 state auto
	wait_carrier "$(vf_dev)" vm || return 1
	second_reaches vf ip netns exec vm "$stream" recv "$(vf_dev)" "$logs/vf"
}
ktap_check "a standby deleted while it had the traffic gives it back to the VF" deleted

sed 's/^/# /' "$results"
ktap_finish
