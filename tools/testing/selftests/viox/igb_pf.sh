#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_igb's PF against the wire peer (a virtio-net NIC on the same QEMU
# hub, in its own netns): binding next to in-tree igb, link, ping and
# iperf3 both ways, jumbo frames, a VLAN, queue and ring changes, and the
# counters that ethtool and ip report. Then, on Debian's kernel, the same
# traffic on in-tree igb, bound the same way, proves the scenario (the
# debug kernel's minutes go to viox's own code).
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"
. "$(dirname "$0")/fault_lib.sh"

kmod_load 8021q
kmod_load igb
insmod "$(viox_ko viox_igb)" 2>/dev/null
bdf=$(igb_pf_bdf) || { echo "Bail out! no 82576"; exit 1; }
wire=$(igb_wire_setup) || { echo "Bail out! no wire NIC"; exit 1; }
# However it ends, the next selftest gets a PF probed afresh: not the
# channels, rings and features changed here, nor in-tree igb.
trap 'igb_pf_fresh "$bdf"; rm -f "$ktap_out"' EXIT


pf_traffic() { # DRIVER: the checks both drivers must pass
	local drv=$1 dev
	ktap_check "$drv: binds through driver_override" pci_bind "$bdf" "$drv"
	dev=$(pci_netdev "$bdf") || return
	ktap_check "$drv: link comes up" igb_pf_setup "$dev"
	ktap_check "$drv: ping the wire" ping -c 5 -i 0.2 -W 2 "$IGB_WIRE_IP"
	ktap_check "$drv: TCP to the wire" igb_iperf 3
	ktap_check "$drv: TCP from the wire" igb_iperf 3 -R
	ip link add link "$dev" name pfv100 type vlan id 100
	ip addr add 198.51.100.1/24 dev pfv100
	ip link set pfv100 up
	ktap_check "$drv: ping over VLAN 100" ping -c 3 -i 0.2 -W 2 198.51.100.2
	ip link del pfv100
	ip link set "$dev" mtu 9000
	ip -n "$IGB_WIRE_NS" link set "$wire" mtu 9000
	ktap_check "$drv: 8000-byte frames at MTU 9000" \
		sh -c "sleep 1; ping -c 3 -i 0.2 -W 2 -s 8000 -M do $IGB_WIRE_IP"
	ip link set "$dev" mtu 1500
	ip -n "$IGB_WIRE_NS" link set "$wire" mtu 1500
	ip link set "$dev" down
}

ip -n "$IGB_WIRE_NS" link add link "$wire" name wv100 type vlan id 100
ip -n "$IGB_WIRE_NS" addr add 198.51.100.2/24 dev wv100
ip -n "$IGB_WIRE_NS" link set wv100 up

pf_traffic viox_igb
dev=$(pci_netdev "$bdf")
igb_pf_setup "$dev"

tso_sum() { ethtool -S "$dev" | awk '/tx_queue_[0-9]+_tso/ { s += $2 } END { print s }'; }
ktap_check "TSO is on" sh -c "ethtool -k $dev | grep -qx 'tcp-segmentation-offload: on'"
ktap_check "the device segmented the TCP stream (iperf3 checked it arrived)" \
	test "$(tso_sum)" -gt 0
ethtool -K "$dev" tso off
before=$(tso_sum)
ktap_check "with TSO off, TCP to the wire still flows" igb_iperf 2
ktap_check "... and nothing was segmented by the device" test "$(tso_sum)" = "$before"
ethtool -K "$dev" tso on

ktap_check "ethtool -i names viox_igb and the PCI address" \
	sh -c "ethtool -i $dev | grep -qx 'driver: viox_igb' && ethtool -i $dev | grep -qx 'bus-info: $bdf'"
ktap_check "ethtool reports 1000 Mb/s full duplex" \
	sh -c "ethtool $dev | grep -q 'Speed: 1000Mb/s' && ethtool $dev | grep -q 'Duplex: Full'"

rx_before=$(ip -j -s link show "$dev" | json 'd[0]["stats64"]["rx"]["packets"]')
ping -c 20 -i 0.05 -W 2 "$IGB_WIRE_IP" >/dev/null
rx_after=$(ip -j -s link show "$dev" | json 'd[0]["stats64"]["rx"]["packets"]')
ktap_check "ip -s counts the 20 echo replies" test $((rx_after - rx_before)) -ge 20

queue_sum() { # the per-queue rx packet counters of ethtool -S, summed
	ethtool -S "$dev" | awk '/rx_queue_[0-9]+_packets/ { s += $2 } END { print s }'
}
rx_packets() { ip -j -s link show "$dev" | json 'd[0]["stats64"]["rx"]["packets"]'; }
queues_add_up() { # between two reads of the interface total: no race
	local lo hi sum
	lo=$(rx_packets)
	sum=$(queue_sum)
	hi=$(rx_packets)
	echo "interface $lo..$hi, queues $sum"
	[ "$sum" -ge "$lo" ] && [ "$sum" -le "$hi" ]
}
ktap_check "per-queue counters add up to the interface's" queues_add_up
ktap_check "the hardware counted what the rings received" \
	sh -c "[ \$(ethtool -S $dev | awk '/rx_packets_hw/ {print \$2}') -ge $rx_after ]"

max=$(ethtool -l "$dev" | awk '/^Combined/ { print $2; exit }')
ktap_check "channels: down to one queue pair" ethtool -L "$dev" combined 1
ktap_check "channels: traffic on one queue pair" \
	sh -c "sleep 1; ping -c 3 -i 0.2 -W 2 $IGB_WIRE_IP"
ktap_check "channels: back to $max" ethtool -L "$dev" combined "$max"
ktap_check "channels: more than the maximum is refused" \
	sh -c "! ethtool -L $dev combined $((max + 1)) 2>/dev/null"
ktap_check "rings: 512 RX, 128 TX" ethtool -G "$dev" rx 512 tx 128
ktap_check "rings: reported back" \
	sh -c "ethtool -g $dev | awk '/Current/,0' | grep -q 'RX:.*512'"
ktap_check "rings: traffic after the resize" \
	sh -c "sleep 1; ping -c 3 -i 0.2 -W 2 $IGB_WIRE_IP"
ktap_check "rings: too few descriptors are refused" \
	sh -c "! ethtool -G $dev rx 16 2>/dev/null"
ktap_check "MTU above 9216 is refused" sh -c "! ip link set $dev mtu 9217 2>/dev/null"
ktap_check "ethtool -d dumps the registers" sh -c "ethtool -d $dev | grep -q 0x0000"

# An RX ring that failed allocations emptied refills by itself, with the
# PF sending nothing (no transmit interrupt to help it): a UDP socket that
# never reads holds the pages, so refills must allocate while every atomic
# page allocation viox_igb makes fails, until the ring is empty: the
# stack trace filter keeps the failures to viox_igb's text, and other
# lanes' allocations go on. Debug kernel only.
fpa=/sys/kernel/debug/fail_page_alloc
module_text() { # MODULE: the lowest and highest address of its functions
	/usr/bin/python3 -I -S -c '
import sys
a = [int(l.split()[0], 16) for l in open("/proc/kallsyms")
     if l.split()[1] in "tT" and l.rstrip().endswith("[%s]" % sys.argv[1])]
print("%#x %#x" % (min(a), max(a) + 4096))' "$1"
}
alloc_failed() { ethtool -S "$dev" | awk '/rx_queue_[0-9]+_alloc_failed/ { s += $2 } END { print s }'; }
udp_burst() { # COUNT datagrams from the wire to the PF's port 9999
	ip netns exec "$IGB_WIRE_NS" bash -c \
		"for i in \$(seq $1); do echo x > /dev/udp/$IGB_PF_IP/9999; done" 2>/dev/null
	return 0
}
rx_refills_alone() {
	local holder i knobs=() k failed before text_start text_end
	ethtool -G "$dev" rx 64 || return 1
	sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
	ip -n "$IGB_WIRE_NS" neigh replace "$IGB_PF_IP" lladdr "$(cat "/sys/class/net/$dev/address")" dev "$wire"
	sleep 1
	/usr/bin/python3 -I -S -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE
s.bind((sys.argv[1], 9999))
print("ready", flush=True)
time.sleep(120)' "$IGB_PF_IP" > /tmp/holder.out &
	holder=$!
	for i in $(seq 100); do grep -q ready /tmp/holder.out && break; sleep 0.1; done
	fault_lock -x
	for k in probability interval times min-order ignore-gfp-wait ignore-gfp-highmem task-filter \
		 verbose require-start require-end; do
		knobs+=("$k=$(cat "$fpa/$k")")
	done
	read -r text_start text_end < <(module_text viox_igb)
	[ -n "$text_end" ] ||
		{ fault_unlock; kill "$holder"; wait "$holder"; echo "no viox_igb text"; return 1; }
	failed=$(alloc_failed)
	echo "$text_start" > "$fpa/require-start"
	echo "$text_end" > "$fpa/require-end"
	echo 0 > "$fpa/verbose"
	echo N > "$fpa/task-filter"
	echo Y > "$fpa/ignore-gfp-wait"		# atomic allocations only
	echo 0 > "$fpa/min-order"
	echo 1 > "$fpa/interval"
	echo -1 > "$fpa/times"
	echo 100 > "$fpa/probability"
	udp_burst 400
	echo 0 > "$fpa/probability"
	for k in "${knobs[@]}"; do echo "${k#*=}" > "$fpa/${k%%=*}"; done
	fault_unlock
	echo "allocations failed: $failed -> $(alloc_failed)"
	if [ "$(alloc_failed)" -le "$failed" ]; then
		kill "$holder"; wait "$holder"
		echo "the ring never ran short: the check proves nothing"
		return 1
	fi
	before=$(rx_packets)
	udp_burst 100
	for i in $(seq 40); do
		[ $(($(rx_packets) - before)) -ge 50 ] && break
		udp_burst 10
		sleep 0.25
	done
	echo "received $(($(rx_packets) - before)) frames after the fault"
	kill "$holder"
	wait "$holder"
	[ $(($(rx_packets) - before)) -ge 50 ]
}
if [ "${VIOX_KERNEL:-}" = stock ]; then
	ktap_skip "an RX ring emptied by failed allocations refills by itself" \
		"Debian's kernel has no fault injection"
else
	ktap_check "an RX ring emptied by failed allocations refills by itself" rx_refills_alone
fi
ethtool -G "$dev" rx 256
sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=0"
ip link set "$dev" down

# The scenario is sound: in-tree igb passes the same traffic checks.
if [ "${VIOX_KERNEL:-}" = stock ]; then
	pf_traffic igb
else
	ktap_skip "in-tree igb passes the same traffic checks" "the peer runs on Debian's kernel"
fi
ktap_finish
