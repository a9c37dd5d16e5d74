#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_vmdq removed under traffic: vports in namespaces (one rate-limited,
# one a tap-mode VM port whose tap device a VMM holds open) while pktgen
# floods the uplink with frames for them and broadcast. rmmod waits for
# nobody: with the tap open it is refused (busy); closed, the module goes
# with every vport, the uplink keeps the host's network, and it loads
# again. Run by itself: it unloads viox_vmdq.
# viox-lane: alone
. "$(dirname "$0")/ktap.sh"

top=$(cd "$(dirname "$0")/../../../.." && pwd)
export IP_LIB_DIR=$top/tools/ip
kmod_load veth
kmod_load pktgen
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"

W=vm-wire
cleanup() {
	[ -n "${holder:-}" ] && kill "$holder" 2>/dev/null
	pktgen_in $W "pgctrl stop" 2>/dev/null
	for ns in $W vm-vm1; do ip netns del $ns 2>/dev/null; done
	ip link del vm-up 2>/dev/null
}
trap 'cleanup; rm -rf "$ktap_out"' EXIT
cleanup

M1=02:00:00:00:73:01 M2=02:00:00:00:73:02
made() {
	ip netns add $W && ip netns add vm-vm1 &&
	ip link add vm-up type veth peer name wire netns $W &&
	ip addr add 192.0.2.100/24 dev vm-up && ip link set vm-up up &&
	ip -n $W addr add 192.0.2.254/24 dev wire && ip -n $W link set wire up &&
	ip link add link vm-up name vm1 type viox mac $M1 rx_pps 1000 &&
	ip link add link vm-up name vm2 type viox mac $M2 mode tap &&
	ip link set vm1 netns vm-vm1 && ip -n vm-vm1 link set vm1 up &&
	ip link set vm2 up || return 1
	# A VMM holding the VM's port (a tap-mode vport stays in the host's
	# namespace): its tap device open, never read.
	tap=/dev/$(ip -d -j link show vm2 | jq -r '.[0].linkinfo.info_data.tap')
	(exec 3<"$tap" && exec sleep 600) &
	holder=$!
}
ktap_check "vports in namespaces, one rate-limited, one a VM port held open" made

flood() { # DST: pktgen on the wire, until stopped
	pktgen_in $W "kpktgend_0 rem_device_all" "kpktgend_0 add_device wire@0" \
		"kpktgend_1 rem_device_all" "kpktgend_1 add_device wire@1" \
		"wire@0 count 0" "wire@0 delay 20000" "wire@0 dst_mac $1" \
		"wire@1 count 0" "wire@1 delay 50000" "wire@1 dst_mac ff:ff:ff:ff:ff:ff" \
		"pgctrl start" &
}
vm1_rx() { ip -n vm-vm1 -j -s link show vm1 | jq '.[0].stats64.rx.packets'; }
flowing() {
	local before
	before=$(vm1_rx)
	flood $M1
	for _ in $(seq 100); do
		[ "$(vm1_rx)" -gt $((before + 100)) ] && return 0
		sleep 0.1
	done
	echo "vm1 received $(($(vm1_rx) - before)) in 10 s"
	return 1
}
ktap_check "pktgen floods vm1 and broadcast" flowing

busy() {
	local err
	if err=$(rmmod viox_vmdq 2>&1); then
		echo "rmmod succeeded with a tap device open"
		return 1
	fi
	echo "$err"
	[ -d /sys/module/viox_vmdq ] && ip -n vm-vm1 link show vm1 >/dev/null
}
ktap_check "rmmod with a VM port's tap open is refused; the vports stay" busy

gone() {
	kill "$holder" && wait "$holder" 2>/dev/null
	holder=
	timeout 60 rmmod viox_vmdq || { echo "rmmod failed or hung"; return 1; }
	! ip -n vm-vm1 link show vm1 2>/dev/null && ! ip link show vm2 2>/dev/null &&
		! ip link show type viox | grep -q .
}
ktap_check "the tap closed, rmmod under the flood takes every vport" gone
host_network() { pktgen_in $W "pgctrl stop" && ping -c 3 -i 0.2 -W 2 192.0.2.254; }
ktap_check "the uplink keeps the host's network" host_network
reload() {
	insmod "$(viox_ko viox_vmdq)" &&
	ip link add link vm-up name vm3 type viox mac 02:00:00:00:73:03 &&
	ip link del vm3
}
ktap_check "viox_vmdq loads again and makes a vport" reload
ktap_finish
