#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 4096 vports on one uplink, the scale viox_vmdq is built for: made in one ip
# batch, each steered to (the first, a middle one and the last checked
# against the wire), deleted by group (ip link del group: one
# unregistration each); then, on the debug kernel (in the boot where
# kmemleak watches), 64 more and the uplink deleted with them on it.
# viox_vmdq's tests take turns in one lane: vmdq_scale holds RTNL for
# seconds, where vmdq_basic waits for RTNL work and carrier.
# viox-timeout: 900
# viox-lane: vmdq
. "$(dirname "$0")/ktap.sh"

top=$(cd "$(dirname "$0")/../../../.." && pwd)
export IP_LIB_DIR=$top/tools/ip
[ -e "$IP_LIB_DIR/link_viox.so" ] || { echo "Bail out! no $IP_LIB_DIR/link_viox.so"; exit 1; }
kmod_load veth
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"

N=4096
H=vs-host W=vs-wire
batch=$(mktemp)
cleanup() { ip netns del $H 2>/dev/null; ip netns del $W 2>/dev/null; rm -f "$batch"; }
trap cleanup EXIT
cleanup
ip netns add $H
ip netns add $W
ip -n $H link add up0 type veth peer name wire0 netns $W
ip -n $H link set up0 up
ip -n $W link set wire0 up
for ns in $H $W; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
done

# Deleted by group: one message, one unregistration, under RTNL
# throughout. On the debug kernel, 4096 at once held it for 136 s, and
# other lanes' RTNL users with deadlines (a pool's move, a VF's mailbox
# reply) would wait all that time: there, 64 groups of 64 (2 s each).
if [ "${VIOX_KERNEL:-}" = stock ]; then per_group=$N; else per_group=64; fi
groups=$((N / per_group))
mac() { printf '02:00:00:%02x:%02x:%02x' $(($1 >> 16)) $((($1 >> 8) & 255)) $(($1 & 255)); }
# Vport i on VLAN i % 8 (0: untagged): the table has keys on 8 VLANs.
for i in $(seq 0 $((N - 1))); do
	echo "link add link up0 name vs$i group $((100 + i / per_group)) type viox" \
		"mac $(mac "$i") vlan $((i % 8))"
done > "$batch"
vports() { ip -n $H -j link show type viox | jq length; }
# Frames to vport I's MAC and VLAN from the wire reach it, and only it.
reaches() { # I
	local i=$1 vid=$(($1 % 8)) dev=wire0 before after
	if [ $vid != 0 ]; then
		ip -n $W link add link wire0 name w$vid type vlan id $vid 2>/dev/null
		ip -n $W link set w$vid up
		dev=w$vid
	fi
	ip -n $H link set "vs$i" up
	before=$(ip netns exec $H cat "/sys/class/net/vs$i/statistics/rx_packets")
	ip netns exec $W /usr/bin/python3 -I -S -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
frame = bytes.fromhex(sys.argv[2].replace(":", "")) + bytes.fromhex("020000ffffff") + b"\x88\xb5" + bytes(46)
for _ in range(5):
	s.send(frame)
' "$dev" "$(mac "$i")"
	after=$(ip netns exec $H cat "/sys/class/net/vs$i/statistics/rx_packets")
	[ $((after - before)) = 5 ] || { echo "vs$i received $((after - before)) of 5"; return 1; }
}

made() { # all N in one batch
	ip -n $H -batch "$batch" || return 1
	[ "$(vports)" = $N ] || { echo "$(vports) vports, expected $N"; return 1; }
}
deleted() { # a message for each group
	local g
	for g in $(seq 100 $((100 + groups - 1))); do
		ip -n $H link del group "$g" || return 1
	done
	[ "$(vports)" = 0 ]
}
steered() { reaches 0 && reaches $((N / 2 + 3)) && reaches $((N - 1)); }

kmod_load 8021q
ktap_check "$N vports made in one batch" made
ktap_check "the first, a middle and the last vport each get their frames" steered
ktap_check "all $N deleted, $per_group in each message" deleted

# Under kmemleak (the debug kernel) the uplink's deletion takes one
# group's worth with it: each vport costs some 110 ms to make there.
if [ "${VIOX_KERNEL:-}" != stock ]; then
	head -n $per_group "$batch" | ip -n $H -batch -
	uplink_gone() {
		[ "$(vports)" = $per_group ] && ip -n $H link del up0 && [ "$(vports)" = 0 ]
	}
	ktap_check "the uplink deleted with $per_group vports on it takes them all" uplink_gone
fi
ktap_finish
