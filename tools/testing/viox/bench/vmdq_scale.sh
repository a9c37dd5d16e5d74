#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_vmdq at scale: what making, deleting and receiving through a vport
# cost with 64 vports on the uplink and with 4096 (the peer is the same
# operation on the small uplink), the steering rate with 1, 64, 1024 and
# 4096 vports on it, and making and deleting against macvlan
# at 4096 (the kernel's own share of a netdev's creation: registration,
# sysfs, sysctl, the upper-device lists that every stacked device pays).
# 64 vports are made in one ip batch and deleted with one `ip link del
# group`; RX is pktgen on the veth's peer blasting 64-byte frames at the
# first of them. Medians of rounds.
set -u
. "$VIOX_TOP/tools/testing/viox/bench/lib.sh"
rounds=${VIOX_BENCH_ROUNDS:-5}
export IP_LIB_DIR=$VIOX_TOP/tools/ip
modprobe veth
modprobe macvlan
modprobe pktgen
batch=$(mktemp)
cleanup() { ip link del vs-up 2>/dev/null; ip link del vm-up 2>/dev/null; rm -f "$batch"; }
trap cleanup EXIT
cleanup
# viox's uplink, and macvlan's (an uplink has one receive handler).
ip link add vs-up type veth peer name vs-wire || exit 1
ip link add vm-up type veth peer name vm-wire || exit 1
for d in vs-up vs-wire vm-up vm-wire; do
	sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
	ip link set "$d" up
done

mac() { printf '02:00:00:%02x:%02x:%02x' $(($1 >> 16)) $((($1 >> 8) & 255)) $(($1 & 255)); }
now_us() { echo $(($(date +%s%N) / 1000)); }
made() { # FIRST COUNT GROUP [macvlan] -> microseconds per vport
	local i t0
	for i in $(seq "$1" $(($1 + $2 - 1))); do
		if [ "${4:-}" = macvlan ]; then
			echo "link add link vm-up name vm$i group $3 address $(mac "$i") type macvlan mode bridge"
		else
			echo "link add link vs-up name vs$i group $3 type viox mac $(mac "$i")"
		fi
	done > "$batch"
	t0=$(now_us)
	ip -batch "$batch" || exit 1
	echo $((($(now_us) - t0) / $2))
}
deleted() { # GROUP COUNT -> microseconds per vport
	local t0
	t0=$(now_us)
	ip link del group "$1" || exit 1
	echo $((($(now_us) - t0) / $2))
}
rx_pps() { # I: frames/s vport I takes in from pktgen on the wire
	local before after
	ip link set "vs$1" up
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device vs-wire"
	pg vs-wire "count 0"
	pg vs-wire "pkt_size 64"
	pg vs-wire "delay 0"
	pg vs-wire "dst_mac $(mac "$1")"
	before=$(cat "/sys/class/net/vs$1/statistics/rx_packets")
	pg pgctrl start &
	sleep 2
	after=$(cat "/sys/class/net/vs$1/statistics/rx_packets")
	pg pgctrl stop
	wait
	echo $(((after - before) / 2))
}


declare -A mk=() del=() rx=()
measure() { # LABEL: 64 vports made on top of what is there, RX, deleted
	local r
	for ((r = 0; r < rounds; r++)); do
		mk[$1]+="$(made 0 64 1) "
		rx[$1]+="$(rx_pps 0) "
		del[$1]+="$(deleted 1 64) "
	done
}
measure_macvlan() { # LABEL: 64 macvlans made on top of what is there, deleted
	local r
	for ((r = 0; r < rounds; r++)); do
		mk[$1]+="$(made 0 64 3 macvlan) "
		del[$1]+="$(deleted 3 64) "
	done
}
rx_alone() { # LABEL: RX to vport 0, made on top of what is there
	local r
	made 0 1 1 >/dev/null
	for ((r = 0; r < rounds; r++)); do rx[$1]+="$(rx_pps 0) "; done
	deleted 1 1 >/dev/null
}
rx_alone one
measure small
made 64 960 2 >/dev/null
rx_alone k1
made 1024 3072 2 >/dev/null
measure big
ip link del vs-up
measure_macvlan mv-small
made 64 4032 4 macvlan >/dev/null
measure_macvlan mv-big

name="viox_vmdq 4096 vports on an uplink"
# shellcheck disable=SC2086
{
	row "$name" "make a vport" "us" "$(median ${mk[big]})" "at 64 vports" "$(median ${mk[small]})" false
	row "$name" "delete a vport" "us" "$(median ${del[big]})" "at 64 vports" "$(median ${del[small]})" false
	row "$name" "RX 64 B to one vport" "pps" "$(median ${rx[big]})" "at 64 vports" "$(median ${rx[small]})" true
	row "$name" "RX 64 B to one vport at 1024" "pps" "$(median ${rx[k1]})" "at 1 vport" "$(median ${rx[one]})" true
	row "$name" "RX 64 B to one vport at 4096" "pps" "$(median ${rx[big]})" "at 1 vport" "$(median ${rx[one]})" true
	row "$name" "make a vport at 4096" "us" "$(median ${mk[big]})" "macvlan at 4096" "$(median ${mk[mv-big]})" false
	row "$name" "delete a vport at 4096" "us" "$(median ${del[big]})" "macvlan at 4096" "$(median ${del[mv-big]})" false
	echo "$name: spread over $rounds rounds (64 vports, then 4096):" \
		"make $(spread ${mk[small]}) / $(spread ${mk[big]}) us," \
		"delete $(spread ${del[small]}) / $(spread ${del[big]}) us," \
		"RX $(spread ${rx[small]}) / $(spread ${rx[big]}) pps" \
		"(at 1: $(spread ${rx[one]}), at 1024: $(spread ${rx[k1]}));" \
		"macvlan make $(spread ${mk[mv-small]}) / $(spread ${mk[mv-big]}) us," \
		"delete $(spread ${del[mv-small]}) / $(spread ${del[mv-big]}) us" >&2
}
