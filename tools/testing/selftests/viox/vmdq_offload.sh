#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_vmdq's vports on a viox_igb uplink (the emulated 82576): the first
# vports take the NIC's pools and the NIC steers and replicates to them,
# the rest run in the software classifier, and a vport moves between the
# two whole: when another leaves its pool, when VFs take pools back and
# give them up again, through a device reset, and when the PF goes away
# under live vports. Each vport, in a namespace of its own, stands for a
# VM; the virtio-net NIC in the wire namespace for the wire.
# With kmemleak on, its PF resets and some 400 ip commands take five
# minutes and more (448 s in a full run):
# viox-timeout: 720
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"
. "$(dirname "$0")/vmdq_lib.sh"

igb_debug_kernel_only "vports offloaded onto the 82576's pools"
top=$(cd "$(dirname "$0")/../../../.." && pwd)
export IP_LIB_DIR=$top/tools/ip
[ -e "$IP_LIB_DIR/link_viox.so" ] || { echo "Bail out! no $IP_LIB_DIR/link_viox.so"; exit 1; }

kmod_load 8021q
kmod_load igb
[ -d /sys/module/viox_igb ] || insmod "$(viox_ko viox_igb)"
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"
igb_viox_pf_up
W=$IGB_WIRE_NS
ip netns exec $W sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1

N=8			# vports: seven pools for them (the PF keeps one), one more
cleanup() {
	local i
	for i in $(seq $N); do ip netns del "oq$i" 2>/dev/null; done
	ip link del v0 2>/dev/null
	ip link del v9 2>/dev/null
	ip -n $W link del wv10 2>/dev/null
}
trap 'cleanup; rm -rf "$ktap_out" "$listen_dir"' EXIT
cleanup
ip -n $W link add link "$wire" name wv10 type vlan id 10
ip -n $W addr replace 198.51.10.2/24 dev wv10
ip -n $W link set wv10 up

mac() { printf '02:00:00:00:72:%02x' "$1"; }
addr() { [ "$1" = 2 ] && echo 198.51.10.50 || echo "192.0.2.$((100 + $1))"; }
in_vm() { local i=$1; shift; ip netns exec "oq$i" "$@"; }
rx() { in_vm "$1" cat "/sys/class/net/v$1/statistics/rx_packets"; }
vstat() { # N NAME: one of vport N's own counters
	ip -n "oq$1" -s -d link show "v$1" | grep -o "$2 [0-9]*" | cut -d' ' -f2
}
pool_of() { # N: vport N's pool, or "none" (no python: it is polled)
	local pool
	pool=$(ip -n "oq$1" -d link show "v$1" | grep -o ' offload on pool [0-9]*')
	echo "${pool:- none}" | awk '{ print $NF }'
}
pools() { # the pool of each vport, in order
	local i out=''
	for i in $(seq $N); do out+="$(pool_of "$i") "; done
	echo "${out% }"
}
wait_pools() { # WANT: pools() becomes WANT within 10 s
	local end=$((SECONDS + 10))
	until [ "$(pools)" = "$1" ]; do
		[ $SECONDS -lt $end ] || { expect pools "$(pools)" "$1"; return; }
		sleep 0.2
	done
}
# Echo replies from the wire, each once: no pool and no classifier copy
# delivers a frame twice.
pings_once() { # N [COUNT]
	local out
	out=$(in_vm "$1" ping -c "${2:-3}" -i 0.1 -W 2 "$([ "$1" = 2 ] && echo 198.51.10.2 || echo "$IGB_WIRE_IP")") ||
		{ echo "v$1 does not reach the wire"; return 1; }
	! grep -q DUP <<<"$out" || { echo "v$1: duplicate replies"; return 1; }
}
all_reach_wire() {
	local i
	for i in $(seq $N); do pings_once "$i" 2 || return 1; done
}
rx_all() { local i out=''; for i in $(seq $N); do out+="$(rx "$i") "; done; echo "$out"; }
# Per vport, how many frames it received between two rx_all readings.
rx_delta() { # BEFORE AFTER
	local b=($1) a=($2) i out=
	for i in "${!a[@]}"; do out+="$((a[i] - b[i])) "; done
	echo "${out% }"
}

# A vport whose pool cannot be set up (the PF has its MAC: an fdb entry)
# stays in software and does not try again: its first pool and the
# release reset the PF, and the PF's carrier coming back is no reason to.
FDB_MAC=02:00:00:00:72:f0
kmsg_mark
bridge fdb add $FDB_MAC dev "$pf" self permanent
ip link add link "$pf" name v0 type viox mac $FDB_MAC
ip link set v0 up
tries_v0() { kmsg_since | grep -c "pool [0-9] reserved for v0"; }
one_try() {
	local i
	for i in $(seq 20); do
		kmsg_since | grep -q "v0: no pool of $pf: -98; in software" && break
		sleep 0.2
	done
	wait_carrier "$pf"
	sleep 2		# long enough for the PF's carrier to bring a retry
	expect "v0's reservations" "$(tries_v0)" 1 &&
		expect "v0's pool" "$(ip -d link show v0 | grep -c ' pool ')" 0
}
ktap_check "a vport whose pool the NIC refuses tries once and stays in software" one_try
asks_again() {
	ip link set v0 type viox offload on 2>&1 |
		grep -q 'Warning: .*PF, a VF or another pool has this address' ||
		{ echo "no warning with the reason"; return 1; }
	expect "v0's reservations" "$(tries_v0)" 2
}
ktap_check "offload on asks again, once, with the reason" asks_again
ip link del v0
bridge fdb del $FDB_MAC dev "$pf" self
wait_carrier "$pf"

wire_mac=$(ip netns exec $W cat "/sys/class/net/$wire/address")
# Each vport's set-up and static neighbours (no ARP: the counts below are
# of the frames each check sends only) in one batch per namespace: each
# ip command takes a good part of a second in the debug guest.
host_batch=() wire_batch=()
for i in $(seq $N); do
	ip netns add "oq$i"
	ip netns exec "oq$i" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	vlan=
	[ "$i" = 2 ] && vlan="vlan 10"
	host_batch+=("link add link $pf name v$i type viox mac $(mac "$i") $vlan"
		     "link set v$i netns oq$i")
done
printf '%s\n' "${host_batch[@]}" | ip -batch -
for i in $(seq $N); do
	vm_batch=("addr add $(addr "$i")/24 dev v$i" "link set v$i up")
	if [ "$i" = 2 ]; then
		vm_batch+=("neigh replace 198.51.10.2 lladdr $wire_mac dev v2 nud permanent")
		wire_batch+=("neigh replace $(addr 2) lladdr $(mac 2) dev wv10 nud permanent")
	else
		vm_batch+=("neigh replace $IGB_WIRE_IP lladdr $wire_mac dev v$i nud permanent")
		wire_batch+=("neigh replace $(addr "$i") lladdr $(mac "$i") dev $wire nud permanent")
		for j in 1 3 8; do
			[ "$i" = "$j" ] ||
				vm_batch+=("neigh replace $(addr "$j") lladdr $(mac "$j") dev v$i nud permanent")
		done
	fi
	printf '%s\n' "${vm_batch[@]}" | ip -n "oq$i" -batch -
done
printf '%s\n' "${wire_batch[@]}" | ip -n $W -batch -

ktap_check "the first seven vports take pools 7 down to 1, the eighth runs in software" \
	wait_pools "7 6 5 4 3 2 1 none"
ktap_check "the kernel log says so" \
	sh -c "dmesg | grep -q 'v1: in pool 7 of $pf' && dmesg | grep -q 'v7: in pool 1 of $pf'"
for i in $(seq $N); do wait_carrier "v$i" "oq$i"; done
ktap_check "every vport reaches the wire, no reply twice" all_reach_wire
ktap_check "the wire reaches a pooled and a software vport" \
	sh -c "ip netns exec $W ping -c 2 -i 0.1 -W 2 $(addr 1) >/dev/null &&
	       ip netns exec $W ping -c 2 -i 0.1 -W 2 $(addr 8) >/dev/null"
check_nic_delivers() {
	expect "v1 rx_classified" "$(vstat 1 rx_classified)" 0 &&
	expect "v1 rx_broadcast" "$(vstat 1 rx_broadcast)" 0 &&
	[ "$(vstat 1 rx_pool)" -gt 0 ] &&
	expect "v8 rx_pool" "$(vstat 8 rx_pool)" 0 &&
	[ "$(vstat 8 rx_classified)" -gt 0 ]
}
ktap_check "the NIC delivers to pooled vports: the software classifier counts nothing for them" \
	check_nic_delivers
ktap_check "VLAN 10 reaches its access vport in a pool, untagged" pings_once 2 3

# A pooled vport's receive CPU: its pool's interrupt goes there, and so
# does what it receives (a connected UDP socket says where it was).
pool_irqs() { # POOL CPU: the pool's interrupts on CPU so far
	awk -v n="$pf-pool$1" -v c=$(($2 + 2)) '$NF == n { print $c }' /proc/interrupts
}
udp_cpus() { # N: the CPUs vport N's socket saw 10 datagrams from the wire on
	local ready=/tmp/vq-udp.ready
	rm -f "$ready"
	in_vm "$1" /usr/bin/python3 -I -S -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[2], 5555))
s.connect((sys.argv[3], 6666))
s.settimeout(10)
open(sys.argv[1], "w").close()
cpus = set()
for _ in range(10):
	s.recv(64)
	cpus.add(s.getsockopt(socket.SOL_SOCKET, 49))	# SO_INCOMING_CPU
print(" ".join(map(str, sorted(cpus))))
' "$ready" "$(addr "$1")" "$IGB_WIRE_IP" > /tmp/vq-udp.out &
	local pid=$! i
	for i in $(seq 50); do [ -e "$ready" ] && break; sleep 0.1; done
	ip netns exec $W /usr/bin/python3 -I -S -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 6666))
for _ in range(10):
	s.sendto(b"x", (sys.argv[2], 5555))
	time.sleep(0.02)
' "$IGB_WIRE_IP" "$(addr "$1")"
	wait $pid
	cat /tmp/vq-udp.out
}
check_pool_rx_cpu() { # CPU: vport 3 (pool 5) set to receive there
	local before
	ip -n oq3 link set v3 type viox rx_cpu "$1" || return 1
	before=$(pool_irqs 5 "$1")
	expect "CPUs v3 received on" "$(udp_cpus 3)" "$1" || return 1
	[ "$(pool_irqs 5 "$1")" -gt "$before" ] && return 0
	echo "pool 5's interrupts on CPU $1: $before, then $(pool_irqs 5 "$1")"
	return 1
}
if [ "$(nproc)" -ge 2 ]; then
	ktap_check "rx_cpu 1: a pooled vport's interrupt and frames on CPU 1" check_pool_rx_cpu 1
	ktap_check "rx_cpu 0: on CPU 0" check_pool_rx_cpu 0
else
	ktap_skip "a pooled vport's rx_cpu" "one CPU only"
fi
ip -n oq3 link set v3 type viox rx_cpu none

vm_to_vm() { # FROM TO: replies once
	local out
	out=$(in_vm "$1" ping -c 3 -i 0.1 -W 2 "$(addr "$2")") || return 1
	! grep -q DUP <<<"$out"
}
ktap_check "vport to vport, pooled to pooled, no reply twice" vm_to_vm 1 3
ktap_check "vport to vport, pooled to software, no reply twice" vm_to_vm 1 8

# Broadcast, counted per vport: each vport of the VLAN once, the sender
# and the other VLAN never.
check_bcast_from_wire() {
	local before after
	before=$(rx_all)
	send_raw $W "$wire" ff:ff:ff:ff:ff:ff "$wire_mac" 88b5 5
	sleep 0.5
	after=$(rx_all)
	expect "frames each vport got" "$(rx_delta "$before" "$after")" "5 0 5 5 5 5 5 5"
}
ktap_check "5 broadcasts from the wire: 5 to each untagged vport, none to VLAN 10" \
	check_bcast_from_wire
check_bcast_from() { # N: from vport N
	local before after want='' i
	before=$(rx_all)
	send_raw "oq$1" "v$1" ff:ff:ff:ff:ff:ff "$(mac "$1")" 88b5 5
	sleep 0.5
	after=$(rx_all)
	for i in $(seq $N); do
		if [ "$i" = "$1" ] || [ "$i" = 2 ]; then want+="0 "; else want+="5 "; fi
	done
	expect "frames each vport got" "$(rx_delta "$before" "$after")" "${want% }"
}
ktap_check "5 broadcasts from a pooled vport: 5 to each other vport, none back" \
	check_bcast_from 1
ktap_check "5 broadcasts from the software vport: the same" check_bcast_from 8

# Multicast from the wire: the 82576's multicast table is the NIC's, not a
# pool's, so every pool that takes table hits hears every vport's groups;
# each vport gets only its own, whether pooled (v3, v4) or not (v8).
G1=01:00:5e:01:02:03 G2=01:00:5e:01:02:04
group_reaches() { # N GROUP: the NIC lets GROUP in for vport N within 5 s
	local r end=$((SECONDS + 5))
	r=$(rx "$1")
	until [ "$(rx "$1")" -gt "$r" ]; do
		[ $SECONDS -lt $end ] || { echo "v$1 never heard $2"; return 1; }
		send_raw $W "$wire" "$2" "$wire_mac" 88b5 1
		sleep 0.2
	done
}
multicast_counts() { # what each vport got of 5 frames to G1 and 3 to G2
	local before after
	in_vm 3 ip maddr add $G1 dev v3 && in_vm 8 ip maddr add $G1 dev v8 &&
		in_vm 4 ip maddr add $G2 dev v4 || return 1
	group_reaches 3 $G1 && group_reaches 8 $G1 && group_reaches 4 $G2 || return 1
	sleep 0.3
	before=$(rx_all)
	send_raw $W "$wire" $G1 "$wire_mac" 88b5 5
	send_raw $W "$wire" $G2 "$wire_mac" 88b5 3
	sleep 0.5
	after=$(rx_all)
	rx_delta "$before" "$after"
}
check_multicast() {
	local got
	got=$(multicast_counts)
	in_vm 3 ip maddr del $G1 dev v3; in_vm 8 ip maddr del $G1 dev v8
	in_vm 4 ip maddr del $G2 dev v4
	expect "frames each vport got" "$got" "0 0 5 3 0 0 0 5"
}
ktap_check "multicast from the wire: each pooled and software vport its own groups only" \
	check_multicast

# A pooled vport sends through the same checks as one in software: a
# frame from another MAC is dropped and counted, and the wire hears none.
check_spoofed() {
	local s0
	s0=$(vstat 3 drop_spoofed)
	listen wire $W "$wire" || return 1
	send_raw oq3 v3 "$wire_mac" 02:00:00:00:72:ee 88b5 4
	sleep 0.5
	expect "the wire heard" "$(heard wire)" 0 &&
	expect "v3 drop_spoofed" "$(vstat 3 drop_spoofed)" $((s0 + 4))
}
ktap_check "a pooled vport's frames from another MAC are dropped, counted, not on the wire" \
	check_spoofed

# A vport leaving its pool makes room for one in software; each move is
# an RTM_NEWLINK in the vport's namespace.
ip -n oq8 -d monitor link > /tmp/vq-monitor 2>&1 &
monitor=$!
# ip takes a while to start in the debug guest: a link event of our own
# shows when it listens (lo up: a down link's new alias is no event).
ip -n oq8 link set dev lo up
for i in $(seq 50); do
	ip -n oq8 link set dev lo alias "vq-sync-$i"
	grep -q ": lo:" /tmp/vq-monitor && break
	sleep 0.1
done
offload_off() { ip -n oq1 link set v1 type viox offload off && wait_pools "$1"; }
ktap_check "offload off: v1 leaves pool 7 and v8 takes it" \
	offload_off "none 6 5 4 3 2 1 7"
notified() {
	local i
	for i in $(seq 20); do
		grep -q "offload on pool 7" /tmp/vq-monitor && return 0
		sleep 0.1
	done
	echo "ip monitor in v8's namespace saw:"
	cat /tmp/vq-monitor
	return 1
}
ktap_check "v8's move into pool 7 is a link notification" notified
kill $monitor 2>/dev/null
wait $monitor 2>/dev/null
ktap_check "ip -d shows offload off" \
	sh -c "ip -n oq1 -d link show v1 | grep -q 'offload off'"
offload_on_full() {
	ip -n oq1 link set v1 type viox offload on 2>&1 | grep -q 'Warning: .*no free pool' &&
		expect "v1's pool" "$(pool_of 1)" none
}
ktap_check "offload on with no pool free: a warning, and it stays in software" \
	offload_on_full
ktap_check "both reach the wire after the move" all_reach_wire

# VFs take pools 0-3 back; their vports go on in software.
ktap_check "3 VFs take pools 3 to 1 back from their vports" \
	sh -c "echo 3 > $numvfs &&
	       dmesg | grep -q 'v5: pool 3 taken back (VFs took it)' &&
	       dmesg | grep -q 'v7: pool 1 taken back (VFs took it)'"
ktap_check "no vport is left in a VF's pool" wait_pools "none 6 5 4 none none none 7"
# A VF's MAC: the NIC gives it to the VF alone, so no vport may have it,
# pooled (v2) or in software (v5), changed to it or made with it.
vf_mac=02:00:00:00:74:01
vf_mac_refused() {
	local err old
	ip link set "$pf" vf 0 mac $vf_mac || return 1
	old=$(in_vm 2 cat /sys/class/net/v2/address)
	err=$(in_vm 2 ip link set v2 address $vf_mac 2>&1) &&
		{ echo "pooled v2 took a VF's MAC"; return 1; }
	grep -q "Address already in use" <<<"$err" || { echo "refused with: $err"; return 1; }
	dmesg | grep -q "v2: $vf_mac is a VF's of $pf" &&
		expect "v2's MAC" "$(in_vm 2 cat /sys/class/net/v2/address)" "$old" &&
		expect "v2's pool" "$(pool_of 2)" 6 &&
		expect "v5's pool" "$(pool_of 5)" none || return 1
	err=$(in_vm 5 ip link set v5 type viox mac $vf_mac 2>&1) &&
		{ echo "v5 in software took a VF's MAC"; return 1; }
	grep -q "the MAC is a VF's of the uplink" <<<"$err" || { echo "v5 refused with: $err"; return 1; }
	err=$(ip link add link "$pf" name v0 type viox mac $vf_mac 2>&1) &&
		{ echo "a vport made with a VF's MAC"; return 1; }
	grep -q "the MAC is a VF's of the uplink" <<<"$err" || { echo "v0 refused with: $err"; return 1; }
	# Other MACs are taken, in the pool.
	in_vm 2 ip link set v2 address 02:00:00:00:74:02 &&
		expect "v2's pool with a MAC of its own" "$(pool_of 2)" 6 &&
		in_vm 2 ip link set v2 address "$old" &&
		expect "v2's pool with its MAC back" "$(pool_of 2)" 6 &&
		pings_once 2 2
}
ktap_check "a VF's MAC is refused to a pooled vport, a software one and a new one" vf_mac_refused
# Down, a software vport's MAC is not on the NIC: a VF may take it, and
# the vport then does not come up on it.
vf_took_mac() {
	in_vm 5 ip link set v5 down &&
		ip link set "$pf" vf 1 mac "$(mac 5)" || return 1
	in_vm 5 ip link set v5 up 2>/dev/null && { echo "v5 up on a VF's MAC"; return 1; }
	dmesg | grep -q "v5: $(mac 5) is now a VF's of $pf" &&
		ip link set "$pf" vf 1 mac 02:00:00:00:74:03 &&
		in_vm 5 ip link set v5 up &&
		wait_carrier v5 oq5 &&
		pings_once 5 2
}
ktap_check "a vport down whose MAC a VF took does not come up until the VF lets it go" \
	vf_took_mac
ktap_check "every vport still reaches the wire" all_reach_wire
igb_vfs_unbind "$bdf"
echo 0 > "$numvfs"
# In the order they were made: v1 (offload on again) first.
ktap_check "with the VFs gone, the vports in software take pools again" \
	wait_pools "3 6 5 4 2 1 none 7"
ktap_check "and reach the wire" all_reach_wire

# Down and up again, a vport keeps its pool: no PF reset for a tenant to
# cause, and no pool changes hands.
down_up_keeps_pool() {
	local changes pool
	changes=$(cat "/sys/class/net/$pf/carrier_changes")
	in_vm 4 ip link set v4 down
	pool=$(pool_of 4)
	in_vm 4 ip link set v4 up
	expect "v4's pool while down" "$pool" 4 || return 1
	wait_carrier v4 oq4
	expect "pools" "$(pools)" "3 6 5 4 2 1 none 7" &&
		expect "the PF's carrier changes" \
			"$(cat "/sys/class/net/$pf/carrier_changes")" "$changes" &&
		pings_once 4 2
}
ktap_check "a vport down and up keeps its pool, the PF untouched" down_up_keeps_pool

# Two vports with one MAC on two VLANs: the NIC filters an address for
# one pool or the PF, so both run in software and the freed pool goes
# to a vport waiting for one.
ip link add link "$pf" name v9 type viox mac "$(mac 3)" vlan 20
ktap_check "a vport taking a pooled vport's MAC on another VLAN moves it to software" \
	wait_pools "3 6 none 4 2 1 5 7"
ktap_check "where it still reaches the wire" pings_once 3 2
ip -n oq7 link set v7 type viox offload off
stays_shared() { sleep 1; expect "v3's pool" "$(pool_of 3)" none; }
ktap_check "a vport with a shared MAC does not take a free pool" stays_shared
ip link del v9
ktap_check "alone with its MAC again, it takes the free pool" \
	wait_pools "3 6 5 4 2 1 none 7"
ip -n oq7 link set v7 type viox offload on 2>/dev/null
ktap_check "and reaches the wire from it" pings_once 3 2

# The NIC's VLAN filters run out (32 in VMDq mode, shared with the VFs):
# a vport on one VLAN too many is refused, saying why, and the others
# keep working.
vlans_run_out() {
	local i err made n want=
	# One ip for all 41 (each ip takes a good part of a second here):
	# -force goes on past the first refusal, and so do the later ones.
	err=$(for i in $(seq 100 140); do
		echo "link add link $pf name vl$i type viox mac 02:00:00:00:73:$(printf %02x $((i - 100))) vlan $i"
	done | ip -force -batch - 2>&1)
	made=$(ip -o link show | grep -o ': vl1[0-4][0-9]@' | tr -d ':@ ' | sort)
	n=$(echo $made | wc -w)
	for i in $made; do echo "link del $i"; done | ip -batch -
	[ "$n" -ge 20 ] && [ "$n" -lt 41 ] || { echo "$n VLANs taken"; return 1; }
	# The first n, each refused from the first the NIC had no filter for.
	for ((i = 100; i < 100 + n; i++)); do want+="vl$i "; done
	expect "vports made" "$(echo $made)" "${want% }" || return 1
	grep -q "takes no VLAN $((100 + n))" <<<"$err" || { echo "refused with: $err"; return 1; }
}
ktap_check "a vport on one VLAN too many for the NIC's filters is refused, saying why" \
	vlans_run_out
ktap_check "and the pooled vports still reach the wire" pings_once 3 2

ethtool --reset "$pf" all >/dev/null
wait_carrier "$pf"
ktap_check "pools survive a device reset" wait_pools "3 6 5 4 2 1 none 7"
reaches_wire_soon() { # N: within 10 s of a reset
	local i
	for i in $(seq 10); do
		pings_once "$1" 2 2>/dev/null && return 0
		sleep 1
	done
	pings_once "$1" 2
}
ktap_check "and pass traffic after it" reaches_wire_soon 3

# The PF goes away under live vports, with traffic flowing.
in_vm 3 ping -f -w 30 "$IGB_WIRE_IP" >/dev/null 2>&1 &
flood=$!
sleep 1
ktap_check "unbinding viox_igb under live vports takes their pools back first" \
	sh -c "echo $bdf > /sys/bus/pci/drivers/viox_igb/unbind &&
	       dmesg | grep -q 'v8: pool 7 taken back (the NIC is going away)'"
ktap_check "and removes the vports with their uplink" \
	sh -c "! ip -n oq3 link show v3 2>/dev/null && ! ip -n oq8 link show v8 2>/dev/null"
kill "$flood" 2>/dev/null
wait "$flood" 2>/dev/null

pci_bind "$bdf" viox_igb >/dev/null
ktap_finish
