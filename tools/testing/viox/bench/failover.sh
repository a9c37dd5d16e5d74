#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Failover's switch gap: the wire streams numbered frames (400/s) to a
# VM's MAC, received on its VF (igbvf, namespace "vm") and on the host's
# paravirtual side (a vport, namespace "vmsb"); the MAC moves to the host
# and back. viox: a standby vport and `ip link set PF vf 0 state
# disable|auto`. Peer: the manual procedure, by a script, on a plain
# vport: the VF's MAC changed away (`ip link set PF vf 0 mac`), the
# vport given the VM's MAC, and the reverse. The gap is the widest run
# of frames lost, in ms of the stream (one frame's period when none
# was); medians of rounds, each of both.
set -u
. "$VIOX_TOP/tools/testing/viox/bench/lib.sh"
kmod_load() { modprobe "$@"; }
. "$VIOX_TOP/tools/testing/selftests/viox/igb_lib.sh"
export IP_LIB_DIR=$VIOX_TOP/tools/ip
stream=$VIOX_TOP/tools/testing/viox/failover-stream.py
rounds=${VIOX_BENCH_ROUNDS:-3}
modprobe igbvf
bdf=$(igb_pf_bdf) || exit 1
wire=$(igb_wire_setup) || exit 1
pci_bind "$bdf" viox_igb >&2 || exit 1
pf=$(pci_netdev "$bdf") || exit 1
igb_pf_setup "$pf" >&2 || exit 1
numvfs=/sys/bus/pci/devices/$bdf/sriov_numvfs
MAC=02:00:00:00:fb:01		# the VM's
VF_AWAY=02:00:00:00:fb:fe	# by hand: the VF's while the host has the VM's
IDLE=02:00:00:00:fb:ff		# by hand: the vport's while the VF has it
logs=$(mktemp -d)

field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
vf_dev() { ip netns exec vm ls /sys/class/net | grep -vx lo; }
sb_state() { ip -n vmsb -d link show "$1" | grep -o ' standby vf [0-9]* [a-z]*' | cut -d' ' -f5; }
wait_state() { # PORT STATE
	local end=$((SECONDS + 10))
	until [ "$(sb_state "$1")" = "$2" ]; do
		[ $SECONDS -le $end ] || return 1
		sleep 0.02
	done
}
# The VF's receive counter moves again: it has the MAC back.
wait_vf_rx() {
	local before end=$((SECONDS + 30))
	before=$(ip netns exec vm cat "/sys/class/net/$(vf_dev)/statistics/rx_packets")
	until [ "$(ip netns exec vm cat "/sys/class/net/$(vf_dev)/statistics/rx_packets")" -gt $((before + 5)) ]; do
		[ $SECONDS -le $end ] || return 1
		sleep 0.05
	done
}

# One switch under a stream: PORT, then the command (shell words) and
# what shows it done; prints the report.
gap() { # PORT SECONDS SWITCH-CMD DONE-CMD
	rm -f "$logs"/*
	ip netns exec vm "$stream" recv "$(vf_dev)" "$logs/vf" &
	ip netns exec vmsb "$stream" recv "$1" "$logs/sb" &
	until [ -e "$logs/vf.ready" ] && [ -e "$logs/sb.ready" ]; do sleep 0.05; done
	ip netns exec "$IGB_WIRE_NS" "$stream" send "$wire" $MAC 400 "$2" "$logs/sent" &
	local sender=$!
	sleep 1.5
	eval "$3"
	eval "$4"
	wait $sender
	sleep 0.3
	pkill -TERM -f "failover-stream.py recv"
	wait 2>/dev/null
	"$stream" report "$logs/sent" --max-gap-ms 100000 "$logs/vf" "$logs/sb" | field max_gap_ms
}

echo 1 > "$numvfs" || exit 1
ip link set "$pf" vf 0 mac $MAC
ip netns add vm
ip netns add vmsb
ip link set "$(pci_netdev "$(vfbdf 0)")" netns vm
ip -n vm link set "$(vf_dev)" up
wait_carrier "$(vf_dev)" vm >&2 || exit 1
port() { # NAME ARGS...: a vport in the host-side namespace, up
	local name=$1
	shift
	ip link add link "$pf" name "$name" type viox "$@" || return 1
	ip link set "$name" netns vmsb
	ip -n vmsb link set "$name" up
}

# The standby and the plain vport cannot both be on the uplink (one
# would have the other's key): each round makes the one it uses.
declare -a vl=() vb=() ml=() mb=()
for ((r = 0; r < rounds; r++)); do
	port sb0 standby vf 0 && wait_state sb0 parked || exit 1
	vl+=("$(gap sb0 6 "ip link set $pf vf 0 state disable" "wait_state sb0 active")")
	vb+=("$(gap sb0 6 "ip link set $pf vf 0 state auto" "wait_state sb0 parked; wait_vf_rx")")
	ip -n vmsb link del sb0
	# By hand: the VF lets the MAC go, the vport takes it; and back
	# (igbvf takes a new admin MAC at its next reset: a longer stream).
	port man0 mac $IDLE offload off || exit 1
	ml+=("$(gap man0 6 "ip link set $pf vf 0 mac $VF_AWAY; ip -n vmsb link set man0 address $MAC" true)")
	mb+=("$(gap man0 15 "ip -n vmsb link set man0 address $IDLE; ip link set $pf vf 0 mac $MAC" wait_vf_rx)")
	ip -n vmsb link del man0
done
echo "failover gaps (ms): standby away ${vl[*]}, back ${vb[*]}; by hand away ${ml[*]}, back ${mb[*]}" >&2
row failover "gap, VF to host (spread $(spread "${vl[@]}") vs $(spread "${ml[@]}"))" ms "$(median "${vl[@]}")" "by hand" "$(median "${ml[@]}")" false
row failover "gap, host to VF (spread $(spread "${vb[@]}") vs $(spread "${mb[@]}"))" ms "$(median "${vb[@]}")" "by hand" "$(median "${mb[@]}")" false
ip netns del vm
ip netns del vmsb
igb_vfs_unbind "$bdf"
echo 0 > "$numvfs"
rm -rf "$logs"
