#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A hostile VF: igbvf is unbound from VF 1 and vf-mbx.py writes raw mailbox
# messages through its BAR (requests before reset, unknown IDs, oversized
# multicast lists, MAC and VLAN spoofing, a flood, a buffer never given
# back). Each is refused and
# counted by the vf_mbx health reporter, and VFs 0 and 2, on igbvf, keep
# passing traffic throughout.
# No VF, nor the admin, gets an address the PF or another VF holds.
# An admin MAC reaches igbvf however its netdev stands.
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"
. "$(dirname "$0")/igb_vf1_lib.sh"

igb_debug_kernel_only "the hostile VF"

igb_vf1_pf_setup

echo 3 > "/sys/bus/pci/devices/$bdf/sriov_numvfs"
# As an orchestrator does: VF 2's address is set right after the VFs are
# created, while igbvf holds the VF with its netdev down.
ip link set "$pf" vf 2 mac 02:00:00:00:cc:02
for i in 0 2; do
	dev=$(pci_netdev "$(vfbdf $i)")
	ip netns add "hv$i"
	ip link set "$dev" netns "hv$i"
	ip -n "hv$i" addr add "192.0.2.$((20 + i))/24" dev "$dev"
	ip -n "hv$i" link set "$dev" up
	wait_carrier "$dev" "hv$i"
done
echo "$(vfbdf 1)" > "/sys/bus/pci/drivers/igbvf/unbind"

# VF N uses address MAC and reaches IP within 30 s: vf_uses N MAC IP.
vf_uses() {
	local i
	for i in $(seq 60); do
		[ "$(vf_addr "$1")" = "$2" ] &&
			ip netns exec "hv$1" ping -c 1 -W 1 "$3" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	echo "VF $1 has $(vf_addr "$1"), the admin set $2; carrier $(ip netns exec "hv$1" cat "/sys/class/net/$(vf_dev "$1")/carrier")"
	return 1
}
ktap_check "an admin MAC set before the VF's netdev came up is the one it uses" \
	vf_uses 2 02:00:00:00:cc:02 "$IGB_WIRE_IP"

# The bystanders ping the wire in the background for the whole test.
ip netns exec hv0 ping -i 0.2 -W 1 "$IGB_WIRE_IP" > /tmp/hv0.ping 2>&1 &
bystander=$!

reset_answered() {
	local r
	r=$(vf1_reset)
	echo "reply $r"
	[ "$r" != None ] && (( (r & 0xffff) == 1 && (r & 0xc0000000) ))
}
# A VF with no address is given one: an ACK, and ip link shows it.
reset_gives_address() {
	local r mac
	r=$(vf1_reset)
	mac=$(vfinfo 1 "['address']")
	echo "reply $r, VF 1 address $mac"
	[ "$r" != None ] && (( (r & 0xffff) == 1 && (r & 0x80000000) )) &&
		[ "$mac" != 00:00:00:00:00:00 ]
}

# A function level reset takes away the VF's clearance.
echo 1 > "/sys/bus/pci/devices/$(vfbdf 1)/reset"
ktap_check "a request before reset is refused" nacked 0x02 raw 0x02 0x44332202 0x6655
ktap_check "reset is answered" reset_answered
ktap_check "a VF without an address gets one with its reset" reset_gives_address
bad=$(counter 1 malformed)
ktap_check "an unknown message ID is refused" nacked 0x7f raw 0x7f
ktap_check "... and counted as malformed" grew 1 malformed "$bad"
ktap_check "the health reporter saw it" \
	sh -c "[ \$(devlink -j health show $h reporter vf_mbx | grep -o '\"error\":[0-9]*' | cut -d: -f2) -gt 0 ]"
ktap_check "recovery reset VF 1" \
	sh -c "[ \$(devlink -j health diagnose $h reporter vf_mbx | /usr/bin/python3 -I -S -c 'import json,sys; print(json.load(sys.stdin)[\"vfs\"][1][\"recoveries\"])') -gt 0 ]"

# Recovery took VF 1's clearance: each case below starts from a reset.
vf1_reset >/dev/null
bad=$(counter 1 malformed)
ktap_check "31 multicast hashes (30 fit) are refused" nacked 0x03 raw 0x001f0003 1 2 3
ktap_check "... and counted as malformed" grew 1 malformed "$bad"
vf1_reset >/dev/null
bad=$(counter 1 malformed)
ktap_check "a VLAN ID above 4095 is refused" nacked 0x04 raw 0x00010004 5000
ktap_check "... and counted as malformed" grew 1 malformed "$bad"

# Addresses another function holds, in mailbox words.
pfmac=$(cat "/sys/class/net/$pf/address")
vf1_reset >/dev/null
# shellcheck disable=SC2046
ktap_check "VF 1 asking for the PF's address is refused" nacked 0x02 raw 0x02 $(mac_words "$pfmac")
vf1_reset >/dev/null
# shellcheck disable=SC2046
ktap_check "VF 1 asking for VF 0's address is refused" nacked 0x02 raw 0x02 $(mac_words "$(vf_addr 0)")
ktap_check "the admin cannot give VF 1 the PF's address" \
	sh -c "! ip link set $pf vf 1 mac $pfmac 2>/dev/null"
# The frames addressed to MAC that reach DEV in netns NS while CMD runs
# (counted off a packet socket: the bystander's own traffic is not):
# frames_to NS DEV MAC CMD...; fails if CMD does.
frames_to() {
	local ns=$1 dev=$2 mac=$3 out=/tmp/frames_to.$$ pid i rc=0
	shift 3
	ip netns exec "$ns" /usr/bin/python3 -I -S -c '
import signal, socket, sys
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
mac, n = bytes.fromhex(sys.argv[2].replace(":", "")), 0
print("ready", flush=True)
try:
    while True:
        f, a = s.recvfrom(64)
        n += a[2] != socket.PACKET_OUTGOING and f[:6] == mac
finally:
    print(n, flush=True)' "$dev" "$mac" > "$out" &
	pid=$!
	for i in $(seq 100); do
		grep -q ready "$out" && break
		sleep 0.1
	done
	"$@" >/dev/null || rc=$?
	sleep 0.5
	kill "$pid"
	wait "$pid"
	tail -n 1 "$out"
	return "$rc"
}
# igbvf on VF 0 asks for the PF's address: refused, and VF 0 receives
# none of the PF's unicast.
no_pf_copy() {
	local got n=60
	ip netns exec hv0 ip link set "$(vf_dev 0)" address "$pfmac" &&
		echo "igbvf was allowed the PF's address"
	ip -n "$IGB_WIRE_NS" neigh replace "$IGB_PF_IP" lladdr "$pfmac" dev "$wire"
	got=$(frames_to hv0 "$(vf_dev 0)" "$pfmac" \
	      ip netns exec "$IGB_WIRE_NS" ping -c $n -i 0.02 -W 1 "$IGB_PF_IP") || return 1
	echo "VF 0 ($(vf_addr 0)) received $got of the $n frames the wire sent the PF"
	[ "$got" = 0 ] && [ "$(vf_addr 0)" != "$pfmac" ]
}
ktap_check "igbvf asking for the PF's address gets none of the PF's frames" no_pf_copy

ip link set "$pf" vf 1 mac 02:00:00:00:bb:01
vf1_reset >/dev/null
spoof=$(counter 1 spoof_attempts)
ktap_check "changing an admin MAC is refused" nacked 0x02 raw 0x02 0x000000f2 0x0100
ktap_check "... and counted as a spoof attempt" grew 1 spoof_attempts "$spoof"
ip link set "$pf" vf 1 vlan 300
spoof=$(counter 1 spoof_attempts)
ktap_check "adding a VLAN under an admin VLAN is refused" nacked 0x04 raw 0x00010004 200
ktap_check "... and counted as a spoof attempt" grew 1 spoof_attempts "$spoof"
ip link set "$pf" vf 1 vlan 0

# A low limit, so that the flood outruns it whatever the VM's speed.
devlink dev param set "$h" name vf_msg_rate value 20 cmode runtime
vf1_reset >/dev/null
floods=$(counter 1 floods)
flood=$(/usr/bin/python3 -I -S "$mbx" "$(vfbdf 1)" flood 100)
echo "# flood: $flood"
ktap_check "a flood of 100 requests is answered, the excess refused" \
	test "$(json "d['lost'] == 0 and d['nacks'] > 0" <<<"$flood")" = True
ktap_check "... and counted as a flood" grew 1 floods "$floods"
# Replies written back by the VF are held to the same rate.
vf1_reset >/dev/null
bad=$(counter 1 malformed)
spray=$(/usr/bin/python3 -I -S "$mbx" "$(vfbdf 1)" spray 100 0x80000003)
echo "# spray: $spray"
few_counted() { # BEFORE: VF 1's malformed count grew by less than 80
	local now
	now=$(counter 1 malformed)
	echo "malformed: $1 -> $now"
	[ $((now - $1)) -lt 80 ]
}
ktap_check "100 replies written back: at most the rate's worth is counted" few_counted "$bad"
devlink dev param set "$h" name vf_msg_rate value 200 cmode runtime

# A VF that keeps its mailbox buffer: counted once, not waited for again.
held=$(counter 1 buffer_held)
errors=$(devlink -j health show "$h" reporter vf_mbx | grep -o '"error":[0-9]*' | cut -d: -f2)
ktap_check "VF 1 takes its mailbox buffer and keeps it" \
	sh -c "/usr/bin/python3 -I -S $mbx $(vfbdf 1) hold | grep -q true"
ip link set "$pf" vf 1 state disable
ip link set "$pf" vf 1 state enable
ip link set "$pf" vf 1 state auto
ktap_check "the PF finds the buffer held and counts it once" \
	test "$(counter 1 buffer_held)" = $((held + 1))
ktap_check "the health reporter heard of it" \
	sh -c "[ \$(devlink -j health show $h reporter vf_mbx | grep -o '\"error\":[0-9]*' | cut -d: -f2) -gt $errors ]"
ktap_check "VF 1's next message frees the buffer: reset is answered" reset_answered

ktap_check "VF 2 still reaches VF 0" ip netns exec hv2 ping -c 3 -i 0.2 -W 2 192.0.2.20
kill "$bystander"
wait "$bystander" 2>/dev/null
ktap_check "VF 0 lost no more than a ping or two meanwhile" \
	sh -c "cat /tmp/hv0.ping | awk '/transmitted/ { exit !(\$1 - \$4 <= 2 && \$4 > 10) }'"

# An admin MAC set while igbvf's netdev is down is the one it comes up with.
admin_mac_while_down() {
	ip -n hv2 link set "$(vf_dev 2)" down
	ip link set "$pf" vf 2 mac 02:00:00:00:cc:22
	ip -n hv2 link set "$(vf_dev 2)" up
	vf_uses 2 02:00:00:00:cc:22 "$IGB_WIRE_IP"
}
ktap_check "an admin MAC set while the VF's netdev is down is the one it comes up with" \
	admin_mac_while_down

ip link set "$pf" vf 1 mac 00:00:00:00:00:00
vf_mac_settled 2 00:00:00:00:00:00
ip netns del hv0
ip netns del hv2
igb_vfs_unbind "$bdf"
echo 0 > "/sys/bus/pci/devices/$bdf/sriov_numvfs"
ktap_check "the PF passes traffic afterwards" ping -c 3 -i 0.2 -W 2 "$IGB_WIRE_IP"
ip link set "$pf" down
ktap_finish
