#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_vmdq at scale: the steering rate with 1, 64, 1024 and 4096 vports
# on an uplink, what making and deleting a vport cost with 4096 vports on
# the uplink against with one, and making and deleting against macvlan at
# 4096 (the kernel's share of a netdev's creation: registration, sysfs,
# sysctl, and for macvlan the uplink's upper-device list, walked on each
# link). The four uplinks (veths) live side by side, each with its vports,
# so that the rounds interleave them: under TCG the host's pace drifts
# more between minutes than the classifier's cost does between sizes.
# RX is pktgen on an uplink's peer blasting 64-byte frames at its first
# vport, each size measured twice a round, there and back; 64 vports are
# made in one ip batch and deleted with one `ip link del group`. Medians
# of rounds, and of each round's ratio.
set -u
. "$VIOX_TOP/tools/testing/viox/bench/lib.sh"
rounds=${VIOX_BENCH_ROUNDS:-5}
export IP_LIB_DIR=$VIOX_TOP/tools/ip
modprobe veth
modprobe macvlan
modprobe pktgen
batch=$(mktemp)
sizes=(1 64 1024 4096)
cleanup() {
	local n
	for n in "${sizes[@]}"; do ip link del "vs$n-up" 2>/dev/null; done
	ip link del vm-up 2>/dev/null
	rm -f "$batch"
}
trap cleanup EXIT
cleanup
# One uplink per table size, and macvlan's (an uplink has one handler).
for n in "${sizes[@]}" m; do
	up=vs$n-up wire=vs$n-wire
	[ "$n" = m ] && up=vm-up wire=vm-wire
	ip link add "$up" type veth peer name "$wire" || exit 1
	quiet_up "$up" "$wire"
done

# Vport I of the uplink with N: a MAC of its own on every uplink.
mac() { # N I
	local k
	case $1 in 1) k=1 ;; 64) k=2 ;; 1024) k=3 ;; 4096) k=4 ;; *) k=0 ;; esac
	local m=$((k * 8192 + $2))
	printf '02:00:00:%02x:%02x:%02x' $((m >> 16)) $(((m >> 8) & 255)) $((m & 255))
}
now_us() { echo $(($(date +%s%N) / 1000)); }
made() { # N FIRST COUNT GROUP [macvlan] -> microseconds per vport
	local i t0
	for i in $(seq "$2" $(($2 + $3 - 1))); do
		if [ "${5:-}" = macvlan ]; then
			echo "link add link vm-up name vm$i group $4 address $(mac 0 "$i") type macvlan mode bridge"
		else
			echo "link add link vs$1-up name vs$1-$i group $4 type viox mac $(mac "$1" "$i")"
		fi
	done > "$batch"
	t0=$(now_us)
	ip -batch "$batch" || exit 1
	echo $((($(now_us) - t0) / $3))
}
deleted() { # GROUP COUNT -> microseconds per vport
	local t0
	t0=$(now_us)
	ip link del group "$1" || exit 1
	echo $((($(now_us) - t0) / $2))
}
rx_pps() { # N: frames/s vport 0 of the uplink with N takes in from pktgen
	local before after
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device vs$1-wire"
	pg "vs$1-wire" "count 0"
	pg "vs$1-wire" "pkt_size 64"
	pg "vs$1-wire" "delay 0"
	pg "vs$1-wire" "dst_mac $(mac "$1" 0)"
	before=$(cat "/sys/class/net/vs$1-0/statistics/rx_packets")
	pg pgctrl start &
	sleep 2
	after=$(cat "/sys/class/net/vs$1-0/statistics/rx_packets")
	pg pgctrl stop
	wait
	echo $(((after - before) / 2))
}
ratios() { # A-LIST B-LIST: each round's A / B
	local -a a b
	local i
	read -ra a <<<"$1"
	read -ra b <<<"$2"
	for i in "${!a[@]}"; do awk -v x="${a[i]}" -v y="${b[i]}" 'BEGIN { printf "%.3f ", x / y }'; done
}

# Each uplink's vports, group 10 (the RX target, vport 0, up).
for n in "${sizes[@]}"; do
	made "$n" 0 "$n" 10 >/dev/null
	ip link set "vs$n-0" up
done

declare -A mk=() del=() rx=() first=()
for ((r = 0; r < rounds; r++)); do
	# The sizes there and back (1 64 1024 4096 4096 1024 64 1, the
	# other way round every other round): the host's drift within a
	# round weighs on each size alike. What follows making and deleting
	# reads high, so a second of it first is thrown away.
	order=("${sizes[@]}")
	# shellcheck disable=SC2207
	((r % 2)) && order=($(printf '%s\n' "${sizes[@]}" | tac))
	rx_pps "${order[0]}" >/dev/null
	first=()
	for n in "${order[@]}" $(printf '%s\n' "${order[@]}" | tac); do
		v=$(rx_pps "$n")
		if [ -z "${first[$n]:-}" ]; then
			first[$n]=$v
		else
			rx[$n]+="$(((first[$n] + v) / 2)) "
		fi
	done
	# 64 vports made on top of the one, and of the 4096, then deleted,
	# either first in turn.
	pair=(1 4096)
	((r % 2)) && pair=(4096 1)
	for n in "${pair[@]}"; do
		mk[$n]+="$(made "$n" 8000 64 1) "
		del[$n]+="$(deleted 1 64) "
	done
done
for n in "${sizes[@]}"; do ip link del "vs$n-up"; done
made 0 0 1 4 macvlan >/dev/null
for ((r = 0; r < rounds; r++)); do
	mk[mv1]+="$(made 0 8000 64 3 macvlan) "
	del[mv1]+="$(deleted 3 64) "
done
made 0 1 4031 4 macvlan >/dev/null
for ((r = 0; r < rounds; r++)); do
	mk[mv4096]+="$(made 0 8000 64 3 macvlan) "
	del[mv4096]+="$(deleted 3 64) "
done

name="viox_vmdq 4096 vports on an uplink"
# shellcheck disable=SC2046,SC2086
{
	for n in 64 1024 4096; do
		row "$name" "RX 64 B to one vport at $n" "pps" "$(median ${rx[$n]})" "at 1 vport" \
			"$(median ${rx[1]})" true "$(spread ${rx[$n]})" "$(spread ${rx[1]})"
	done
	row "$name" "make a vport" "us" "$(median ${mk[4096]})" "at 1 vport" "$(median ${mk[1]})" false
	row "$name" "delete a vport" "us" "$(median ${del[4096]})" "at 1 vport" "$(median ${del[1]})" false
	row "$name" "make a vport at 4096" "us" "$(median ${mk[4096]})" "macvlan at 4096" "$(median ${mk[mv4096]})" false
	row "$name" "delete a vport at 4096" "us" "$(median ${del[4096]})" "macvlan at 4096" "$(median ${del[mv4096]})" false
	echo "$name: over $rounds interleaved rounds: RX at 1, 64, 1024, 4096" \
		"$(spread ${rx[1]}) / $(spread ${rx[64]}) / $(spread ${rx[1024]}) / $(spread ${rx[4096]}) pps;" \
		"each round's 4096 / 1: $(ratios "${rx[4096]}" "${rx[1]}")(median $(median $(ratios "${rx[4096]}" "${rx[1]}")));" \
		"make at 1 / 4096 $(spread ${mk[1]}) / $(spread ${mk[4096]}) us," \
		"delete $(spread ${del[1]}) / $(spread ${del[4096]}) us;" \
		"macvlan make $(spread ${mk[mv1]}) / $(spread ${mk[mv4096]}) us," \
		"delete $(spread ${del[mv1]}) / $(spread ${del[mv4096]}) us" >&2
}
