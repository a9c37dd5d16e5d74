#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_vmdq's vports on a veth uplink, made with unmodified ip and viox's
# plugin for it: each vport in a namespace of its own stands for a VM, the
# uplink's namespace for the host, the veth's peer for the wire. Checks
# what reaches whom by MAC and VLAN, what must not, VM-to-VM loopback,
# broadcast and multicast replication, spoofing, and the uplink's lifetime.
# viox_vmdq's tests take turns in one lane: vmdq_scale holds RTNL for
# seconds, where vmdq_basic waits for RTNL work and carrier.
# viox-lane: vmdq
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/vmdq_lib.sh"

top=$(cd "$(dirname "$0")/../../../.." && pwd)
export IP_LIB_DIR=$top/tools/ip
[ -e "$IP_LIB_DIR/link_viox.so" ] || { echo "Bail out! no $IP_LIB_DIR/link_viox.so"; exit 1; }
kmod_load veth
kmod_load 8021q
kmod_load bridge
kmod_load tap
kmod_load macvlan
kmod_load pktgen
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"

H=vq-host W=vq-wire
M1=02:00:00:00:71:01 M2=02:00:00:00:71:02 M3=02:00:00:00:71:03
M4=02:00:00:00:71:04 FORGED=02:00:00:00:71:99
cleanup() {
	local ns
	for ns in $H $W vq-vm1 vq-vm2 vq-vm3 vq-vm4; do
		ip netns del "$ns" 2>/dev/null
	done
}
trap 'cleanup; rm -rf "$ktap_out" "$listen_dir"' EXIT
cleanup

quiet_ns() { # NS: no IPv6 chatter in the counters compared below
	ip netns add "$1"
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set lo up
}
quiet_ns $H
quiet_ns $W
ip -n $H link add up0 type veth peer name wire0 netns $W
ip -n $H addr add 10.0.0.100/24 dev up0
ip -n $H link set up0 up
ip -n $W link add link wire0 name wire0.10 type vlan id 10
ip -n $W link add link wire0 name wire0.20 type vlan id 20
ip -n $W addr add 10.0.0.254/24 dev wire0
ip -n $W addr add 10.0.10.254/24 dev wire0.10
ip -n $W addr add 10.0.20.254/24 dev wire0.20
for d in wire0 wire0.10 wire0.20; do ip -n $W link set "$d" up; done
ip -n $W route add 224.0.0.0/4 dev wire0

vstat() { # NS DEV NAME: one of the vport's own counters (ip -s -d)
	ip -n "$1" -s -d link show "$2" | grep -o "$3 [0-9]*" | cut -d' ' -f2
}
# As a VM's NIC would: open the tap device NODE, write COUNT frames to DST
# from SRC, and count the frames of this check read from it until heard
# NAME. The tap library's files start with a 10-byte virtio-net header.
tap_listen() { # NAME NODE COUNT DST SRC
	rm -f "$listen_dir/$1" "$listen_dir/$1".*
	/usr/bin/python3 -I -S -c '
import os, select, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
out = sys.argv[2]
mark = b"\x88\xb5" + b"vq%02d" % int(sys.argv[3])
mac = lambda a: bytes.fromhex(a.replace(":", ""))
for _ in range(int(sys.argv[4])):
	os.write(fd, bytes(10) + mac(sys.argv[5]) + mac(sys.argv[6]) + mark + bytes(42))
open(out + ".ready", "w").close()
n, end = 0, time.monotonic() + 60
while time.monotonic() < end:
	if not select.select([fd], [], [], 0.2)[0]:
		if os.path.exists(out + ".stop"):
			break
		continue
	if os.read(fd, 65536)[10:][12:18] == mark:
		n += 1
open(out + ".tmp", "w").write("%d\n" % n)
os.rename(out + ".tmp", out)
' "$2" "$listen_dir/$1" "$ktap_n" "$3" "$4" "$5" &
	listener_started "$1"
}
pings() { # NS ADDR [COUNT]: the peer answers
	ip netns exec "$1" ping -q -c "${3:-3}" -i 0.1 -W 2 "$2" >/dev/null
}

vport_add() { # NAME MAC [ARGS...]: a vport on up0
	local name=$1 mac=$2
	shift 2
	ip -n $H link add link up0 name "$name" type viox mac "$mac" "$@"
}

check_create() {
	vport_add v1 $M1 &&
	vport_add v2 $M2 vlan 10 &&
	vport_add v3 $M3 vlan 10 &&
	vport_add v4 $M4 spoofchk off || return 1
	ip -n $H -d -j link show v2 | jq -e --arg m $M2 '.[0].linkinfo |
		.info_kind == "viox" and .info_data.mac == $m and
		.info_data.vlan == 10 and .info_data.spoofchk == true' &&
	ip -n $H -d -j link show v4 | jq -e '.[0].linkinfo.info_data |
		.vlan == 0 and .spoofchk == false' &&
	[ "$(ip -n $H -j link show v1 | jq -r '.[0].link')" = up0 ]
}
ktap_check "vports made by ip link add ... type viox, shown by ip -d -j" check_create

ip_refused() { # WHY add|set ARGS...: ip link add/set ARGS fails and says WHY
	local why=$1 err
	shift
	if err=$(ip -n $H link "$@" 2>&1); then
		echo "accepted: ip link $*"
		return 1
	fi
	grep -q -- "$why" <<<"$err" || { echo "ip said: $err"; return 1; }
}
refused() { ip_refused "$1" add "${@:2}"; }
refused_set() { ip_refused "$1" set "${@:2}"; }
check_collision() {
	refused "belongs to another vport" link up0 name vx type viox mac $M2 vlan 10 &&
	ip -n $H link add link up0 name vx type viox mac $M2 vlan 11 &&
	ip -n $H link del vx &&
	ip -n $H link add link up0 name vx type viox mac $M2 &&
	ip -n $H link del vx
}
ktap_check "a MAC taken on its VLAN is refused, with the reason; free on others" check_collision

check_bad_input() {
	refused "unicast" link up0 name vx type viox mac 01:00:5e:00:00:01 &&
	refused "needs an uplink" name vx type viox &&
	refused "not an Ethernet device" link lo name vx type viox &&
	refused "cannot be an uplink" link v1 name vx type viox &&
	refused "invalid vlan" link up0 name vx type viox vlan 4095 &&
	refused "no CPU 4096 on this host" link up0 name vx type viox rx_cpu 4096 &&
	refused "the uplink's own" link up0 name vx type viox \
		mac "$(ip -n $H -j link show up0 | jq -r '.[0].address')" &&
	refused_set "vport v1" up0 address $M1 &&
	ip -n $H link add up1 type veth peer name wire1 &&
	ip -n $H link add br0 type bridge &&
	ip -n $H link set up1 master br0 &&
	refused "receive handler" link up1 name vx type viox &&
	! ip -n $H link show vx >/dev/null 2>&1
}
ktap_check "bad input refused with a reason, nothing made" check_bad_input

wait_for() { # COMMAND...: true within 5 s (the vport's work moves it)
	local i
	for i in $(seq 50); do "$@" && return 0; sleep 0.1; done
	return 1
}

# A vport is no upper device of its uplink: viox itself keeps vports from
# below any vport's uplink, so no frame goes round a loop (a vport in the
# bridge that is its uplink) and no vport sits on another. Stacking on a
# vport otherwise works (a VLAN device in the VM's namespace).
no_loop_stacks() {
	ip -n $H link add link v1 name v1.10 type vlan id 10 &&
	refused "nor a device stacked on one" link v1.10 name vx type viox &&
	ip -n $H link add br1 type bridge &&
	ip -n $H link add link br1 name vb type viox mac 02:00:00:00:71:0b &&
	refused_set "below a vport's uplink" vb master br1 &&
	refused_set "below a vport's uplink" v1.10 master br1 &&
	ip -n $H link del vb &&
	ip -n $H link set v1.10 master br1 &&
	refused "nor a device stacked on one" link br1 name vx type viox &&
	ip -n $H link del br1 &&
	ip -n $H link del v1.10 &&
	! ip -n $H link show vx >/dev/null 2>&1
}
# Cleaned up whatever happened: a VLAN device left on v1 or a bridge
# left as an uplink would fail the checks after this one.
check_no_loop() {
	local rc=0 d
	no_loop_stacks || rc=1
	for d in vb br1 v1.10; do ip -n $H link del $d 2>/dev/null; done
	return $rc
}
ktap_check "no vport below a vport's uplink: no loop, no vport on a vport" check_no_loop

# The same kinds of device above a vport and under it: a VLAN device in
# the VM on a vport whose uplink is a VLAN device, a macvlan on a vport
# on a macvlan (of a veth of its own: up0 has the vports' handler); each
# joins a group, which the vports put on their uplinks (with lockdep on,
# the kernel's log must stay clean).
same_kind_stacks() {
	ip -n $H link add link up0 name up0.20 type vlan id 20 &&
	ip -n $H link add link up0.20 name vq type viox mac 02:00:00:00:71:0c &&
	ip -n $H link add link vq name vq.5 type vlan id 5 &&
	ip -n $H link add up9 type veth peer name up9p &&
	ip -n $H link add link up9 name upm type macvlan &&
	ip -n $H link add link upm name vm type viox mac 02:00:00:00:71:0d &&
	ip -n $H link add link vm name vmm type macvlan &&
	for d in up0.20 vq vq.5 up9 upm vm vmm; do ip -n $H link set $d up || return 1; done &&
	ip -n $H maddr add 01:00:5e:00:00:42 dev vq.5 &&
	ip -n $H maddr add 01:00:5e:00:00:43 dev vmm &&
	wait_for eval "ip -n $H maddr show dev up0.20 | grep -q 01:00:5e:00:00:42" &&
	wait_for eval "ip -n $H maddr show dev upm | grep -q 01:00:5e:00:00:43"
}
check_same_kind() {
	local rc=0 d
	same_kind_stacks || rc=1
	for d in vmm vm upm up9 vq.5 vq up0.20; do ip -n $H link del $d 2>/dev/null; done
	return $rc
}
ktap_check "the same kinds above a vport and under it: groups reach the uplinks" check_same_kind
ip -n $H link del br0 2>/dev/null
ip -n $H link del up1 2>/dev/null

# Each vport in a VM's namespace.
vm_up() { # N ADDR
	quiet_ns "vq-vm$1"
	ip -n $H link set "v$1" netns "vq-vm$1"
	ip -n "vq-vm$1" addr add "$2/24" dev "v$1"
	ip -n "vq-vm$1" link set "v$1" up
}
vm_up 1 10.0.0.1
vm_up 2 10.0.10.2
vm_up 3 10.0.10.3
vm_up 4 10.0.0.4

ktap_check "the wire reaches an untagged vport" pings $W 10.0.0.1
ktap_check "the wire reaches VLAN 10's vport, tagged on the wire, untagged in the VM" \
	pings $W 10.0.10.2
ktap_check "the host keeps its own network on the uplink" pings $W 10.0.0.100

check_vlan_isolation() {
	listen v1 vq-vm1 v1 && listen v2 vq-vm2 v2 || return 1
	# For each MAC, on the other's VLAN; then on its own, as a control.
	send_raw $W wire0 $M2 02:00:00:00:7e:01 88b5 3
	send_raw $W wire0 $M1 02:00:00:00:7e:01 8100000a88b5 3
	send_raw $W wire0 $M2 02:00:00:00:7e:01 8100000a88b5 2
	send_raw $W wire0 $M1 02:00:00:00:7e:01 88b5 2
	# An 802.1ad outer tag is no access VLAN: the host's, not v2's.
	send_raw $W wire0 $M2 02:00:00:00:7e:01 88a8000a88b5 3
	# Priority-tagged (VLAN 0, priority 5) is untagged: v1's, not v2's.
	send_raw $W wire0 $M1 02:00:00:00:7e:01 8100a00088b5 2
	send_raw $W wire0 $M2 02:00:00:00:7e:01 8100a00088b5 3
	local h1 h2
	h1=$(heard v1) h2=$(heard v2)
	expect "v2 heard (2 of its own VLAN's)" "$h2" 2 &&
	expect "v1 heard (2 of its own VLAN's, 2 priority-tagged)" "$h1" 4
}
ktap_check "a vport receives nothing for its MAC on another VLAN; VLAN 0 is untagged" \
	check_vlan_isolation

check_loopback() {
	local lb
	ip -n vq-vm2 neigh replace 10.0.10.3 lladdr $M3 dev v2 nud permanent
	ip -n vq-vm3 neigh replace 10.0.10.2 lladdr $M2 dev v3 nud permanent
	pings vq-vm2 10.0.10.3 5 || { echo "vm2 does not reach vm3"; return 1; }
	lb=$(vstat vq-vm3 v3 rx_loopback)
	listen v3 vq-vm3 v3 && listen wire $W wire0 || return 1
	send_raw vq-vm2 v2 $M3 $M2 88b5 5
	local h3 hw
	h3=$(heard v3) hw=$(heard wire)
	expect "v3 heard" "$h3" 5 &&
	expect "the wire heard" "$hw" 0 &&
	expect "v3 rx_loopback" "$(vstat vq-vm3 v3 rx_loopback)" $((lb + 5))
}
ktap_check "vports of one VLAN reach each other without the wire" check_loopback

check_broadcast() {
	local b1 b3 n
	b1=$(vstat vq-vm1 v1 rx_broadcast) b3=$(vstat vq-vm3 v3 rx_broadcast)
	for n in 1 2 3 4; do listen "v$n" "vq-vm$n" "v$n" || return 1; done
	listen wire $W wire0 || return 1
	send_raw $W wire0 ff:ff:ff:ff:ff:ff 02:00:00:00:7e:01 88b5 1
	send_raw $W wire0 ff:ff:ff:ff:ff:ff 02:00:00:00:7e:01 8100000a88b5 2
	# From a vport: the others of its VLAN and the wire, not itself.
	send_raw vq-vm2 v2 ff:ff:ff:ff:ff:ff $M2 88b5 4
	local h1 h2 h3 h4 hw
	h1=$(heard v1) h2=$(heard v2) h3=$(heard v3) h4=$(heard v4) hw=$(heard wire)
	expect "v1 (untagged)" "$h1" 1 &&
	expect "v4 (untagged)" "$h4" 1 &&
	expect "v2 (VLAN 10, sent 4)" "$h2" 2 &&
	expect "v3 (VLAN 10)" "$h3" 6 &&
	expect "the wire (4 from v2)" "$hw" 4 &&
	expect "v1 rx_broadcast" "$(vstat vq-vm1 v1 rx_broadcast)" $((b1 + 1)) &&
	expect "v3 rx_broadcast" "$(vstat vq-vm3 v3 rx_broadcast)" $((b3 + 6))
}
ktap_check "a broadcast reaches every vport of its VLAN, and only those" check_broadcast

check_multicast() {
	local h1 h4 m1 m4
	ip -n vq-vm1 maddr add 01:00:5e:01:02:03 dev v1
	listen v1 vq-vm1 v1 && listen v4 vq-vm4 v4 || return 1
	m1=$(vstat vq-vm1 v1 rx_multicast) m4=$(vstat vq-vm4 v4 rx_multicast)
	send_raw $W wire0 01:00:5e:01:02:03 02:00:00:00:7e:01 88b5 3
	h1=$(heard v1) h4=$(heard v4)
	expect "v1 (joined)" "$h1" 3 &&
	expect "v4 (not joined)" "$h4" 0 &&
	expect "v1 rx_multicast" "$(vstat vq-vm1 v1 rx_multicast)" $((m1 + 3)) &&
	expect "v4 rx_multicast" "$(vstat vq-vm4 v4 rx_multicast)" "$m4"
}
ktap_check "a multicast frame reaches the vports that joined its group" check_multicast

# A VM that joins groups without end: beyond 64 the uplink takes all
# multicast for it rather than a list entry per group; at 48 again, the
# list is back. The vport's own filter still picks its groups.
uplink_groups() { ip -n $H maddr show dev up0 | grep -c '^\s*link'; }
uplink_allmulti() { # its allmulti count, not only the user's flag
	(( $(ip netns exec $H cat /sys/class/net/up0/flags) & 0x200 ))
}
v1_groups() { # add|del: 100 groups at once (ip -batch applies one maddr)
	ip netns exec vq-vm1 /usr/bin/python3 -I -S -c '
import fcntl, socket, struct, sys
cmd = 0x8931 if sys.argv[1] == "add" else 0x8932	# SIOC{ADD,DEL}MULTI
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(100):
	mac = bytes([1, 0, 0x5e, 0x10, 0, i])
	fcntl.ioctl(s, cmd, struct.pack("16sH6s8x", b"v1", socket.AF_UNSPEC, mac))
' "$1"
}
check_multicast_cap() {
	local base
	uplink_allmulti && { echo "up0 is allmulti before"; return 1; }
	base=$(uplink_groups)
	v1_groups add || return 1
	wait_for uplink_allmulti || { echo "up0 not allmulti with 101 groups on v1"; return 1; }
	expect "up0's groups with 101 on v1 (v1's own gone)" "$(uplink_groups)" $((base - 1)) &&
	listen v1 vq-vm1 v1 && listen v4 vq-vm4 v4 || return 1
	send_raw $W wire0 01:00:5e:10:00:63 02:00:00:00:7e:01 88b5 2
	local h1 h4
	h1=$(heard v1) h4=$(heard v4)
	expect "v1 (joined the 100th)" "$h1" 2 &&
	expect "v4 (not joined)" "$h4" 0 || return 1
	v1_groups del || return 1
	wait_for eval '! uplink_allmulti' || { echo "up0 still allmulti"; return 1; }
	expect "up0's groups with 1 on v1" "$(uplink_groups)" "$base" &&
	ip -n $H maddr show dev up0 | grep -q 01:00:5e:01:02:03
}
ktap_check "a vport over 64 groups makes its uplink allmulti, not its list longer" check_multicast_cap

# Where v1's frames are received: with rx_cpu, on that CPU whichever CPU
# the uplink took them on; with none, on the uplink's. A connected UDP
# socket in the VM says which (SO_INCOMING_CPU); the wire sends from a
# CPU it is pinned to, and the veth hands frames over on that CPU.
rx_cpus_seen() { # SENDER-CPU: the CPUs v1's socket saw 10 datagrams on
	rm -f "$listen_dir"/udp*
	ip netns exec vq-vm1 /usr/bin/python3 -I -S -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.1", 5555))
s.connect(("10.0.0.254", 6666))
s.settimeout(10)
open(sys.argv[1], "w").close()
cpus = set()
for _ in range(10):
	s.recv(64)
	cpus.add(s.getsockopt(socket.SOL_SOCKET, 49))	# SO_INCOMING_CPU
print(" ".join(map(str, sorted(cpus))))
' "$listen_dir/udp.ready" > "$listen_dir/udp.out" &
	local pid=$!
	listener_started udp >&2 || return 1
	ip netns exec $W taskset -c "$1" /usr/bin/python3 -I -S -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.254", 6666))
for _ in range(10):
	s.sendto(b"x", ("10.0.0.1", 5555))
	time.sleep(0.02)
'
	wait $pid
	cat "$listen_dir/udp.out"
}
check_rx_cpu() {
	ip -n vq-vm1 link set v1 type viox rx_cpu 1 &&
	expect "rx_cpu in ip -d -j" \
		"$(ip -n vq-vm1 -d -j link show v1 | jq '.[0].linkinfo.info_data.rx_cpu')" 1 &&
	expect "CPUs, rx_cpu 1, sent on 0" "$(rx_cpus_seen 0)" 1 &&
	ip -n vq-vm1 link set v1 type viox rx_cpu 0 &&
	expect "CPUs, rx_cpu 0, sent on 1" "$(rx_cpus_seen 1)" 0 &&
	ip -n vq-vm1 link set v1 type viox rx_cpu none &&
	expect "rx_cpu in ip -d -j" \
		"$(ip -n vq-vm1 -d -j link show v1 | jq '.[0].linkinfo.info_data.rx_cpu')" -1 &&
	expect "CPUs, no rx_cpu, sent on 1" "$(rx_cpus_seen 1)" 1
}
if [ "$(nproc)" -ge 2 ]; then
	ktap_check "a vport with rx_cpu receives on that CPU, without on the uplink's" check_rx_cpu
else
	ktap_skip "a vport with rx_cpu receives on that CPU" "one CPU only"
fi

# A vport's queue holds 1024 frames. pktgen hands the uplink 2000 for v1
# in one softirq-free run (netif_receive mode, one burst) on CPU 0, v1's
# rx_cpu: its NAPI cannot drain before the burst ends, so exactly 1024
# are queued and 976 dropped and counted as queue_full; then v1 and the
# others receive. Nothing else is sent to v1 meanwhile: the wire's
# neighbour entry for it is fixed, so no ARP probe of the wire's comes.
check_queue_full() {
	local p0 q0 got full rc=0
	ip -n $W neigh replace 10.0.0.1 lladdr $M1 dev wire0 nud permanent &&
		ip -n vq-vm1 link set v1 type viox rx_cpu 0 || rc=1
	if [ $rc = 0 ]; then
		p0=$(ip -n vq-vm1 -j -s link show v1 | jq '.[0].stats64.rx.packets')
		q0=$(vstat vq-vm1 v1 drop_queue_full)
		pktgen_in $H "kpktgend_0 rem_device_all" "kpktgend_0 add_device up0" \
			"up0 xmit_mode netif_receive" "up0 count 2000" "up0 burst 2000" \
			"up0 pkt_size 60" "up0 dst_mac $M1" "pgctrl start" || rc=1
		got=$(($(ip -n vq-vm1 -j -s link show v1 | jq '.[0].stats64.rx.packets') - p0))
		full=$(($(vstat vq-vm1 v1 drop_queue_full) - q0))
	fi
	pktgen_in $H "kpktgend_0 rem_device_all"
	ip -n vq-vm1 link set v1 type viox rx_cpu none || rc=1
	ip -n $W neigh del 10.0.0.1 dev wire0
	[ $rc = 0 ] || return 1
	echo "of 2000 in one burst: $got queued, $full dropped as queue_full"
	expect "v1 received" "$got" 1024 &&
	expect "v1 drop_queue_full" "$full" 976 &&
	pings $W 10.0.0.1 && pings $W 10.0.0.4
}
ktap_check "a vport's full queue drops what is over it, counted; then it and the others receive" \
	check_queue_full

# Replication has no room for a copy over a vport's MTU: v2's broadcast
# of 1400 B reaches the wire but not v3 (MTU 1280), counted once in v3's
# rx_dropped and as drop_replication; unicast too, in rx_dropped.
check_replication_drop() {
	local r0 d0 h3 hw
	r0=$(vstat vq-vm3 v3 drop_replication)
	d0=$(ip -n vq-vm3 -j -s link show v3 | jq '.[0].stats64.rx.dropped')
	if ! ip -n vq-vm3 link set v3 mtu 1280 ||
	   ! { listen v3 vq-vm3 v3 && listen wire $W wire0; }; then
		ip -n vq-vm3 link set v3 mtu 1500
		return 1
	fi
	send_raw vq-vm2 v2 ff:ff:ff:ff:ff:ff $M2 88b5 3 1380
	send_raw vq-vm2 v2 $M3 $M2 88b5 2 1380
	send_raw vq-vm2 v2 ff:ff:ff:ff:ff:ff $M2 88b5 1
	h3=$(heard v3) hw=$(heard wire)
	ip -n vq-vm3 link set v3 mtu 1500
	expect "v3 heard (the small broadcast)" "$h3" 1 &&
	expect "the wire heard (4 broadcasts)" "$hw" 4 &&
	expect "v3 drop_replication" "$(vstat vq-vm3 v3 drop_replication)" $((r0 + 3)) &&
	expect "v3 rx dropped" \
		"$(ip -n vq-vm3 -j -s link show v3 | jq '.[0].stats64.rx.dropped')" $((d0 + 5))
}
ktap_check "a copy over a vport's MTU is dropped and counted once, as replication's" \
	check_replication_drop

check_spoofing() {
	local s1 s2
	s1=$(vstat vq-vm1 v1 drop_spoofed) s2=$(vstat vq-vm2 v2 drop_spoofed)
	listen wire $W wire0 || return 1
	send_raw vq-vm1 v1 ff:ff:ff:ff:ff:ff $FORGED 88b5
	send_raw vq-vm1 v1 ff:ff:ff:ff:ff:ff $M1 8100001e88b5
	send_raw vq-vm2 v2 ff:ff:ff:ff:ff:ff $M2 8100001488b5
	# spoofchk off: another source MAC goes out, twice.
	send_raw vq-vm4 v4 ff:ff:ff:ff:ff:ff $FORGED 88b5 2
	expect "the wire heard (2 from v4)" "$(heard wire)" 2 &&
	expect "v1 drop_spoofed" "$(vstat vq-vm1 v1 drop_spoofed)" $((s1 + 2)) &&
	expect "v2 drop_spoofed" "$(vstat vq-vm2 v2 drop_spoofed)" $((s2 + 1))
}
ktap_check "a VM cannot send from another MAC or VLAN unless spoofchk is off" check_spoofing

# Rate limits, set by the host's admin on a vport in a VM's namespace:
# 100 frames sent at once against a limit that lets one through at once
# and a few a second after, then none once the limit is lifted.
limited() { # WHAT HEARD DROPS-BEFORE DROPS-NOW: most dropped, every drop counted
	if [ "$2" -lt 1 ] || [ "$2" -gt 30 ]; then
		echo "$1: $2 of 100 got through"
		return 1
	fi
	expect "$1: drops counted" "$4" $(($3 + 100 - $2))
}
check_rate_limits() {
	local wmac d h
	wmac=$(ip -n $W -j link show wire0 | jq -r '.[0].address')
	ip -n vq-vm1 link set v1 type viox rx_pps 5 tx_pps 5 || return 1
	ip -n vq-vm1 -d -j link show v1 | jq -e '.[0].linkinfo.info_data |
		.rx_pps == 5 and .tx_pps == 5 and .rx_rate == 0' >/dev/null ||
		{ echo "the limits are not shown"; return 1; }
	d=$(vstat vq-vm1 v1 drop_rate_rx)
	listen v1 vq-vm1 v1 || return 1
	send_raw $W wire0 $M1 "$wmac" 88b5 100
	h=$(heard v1)
	limited "RX at 5 packets/s" "$h" "$d" "$(vstat vq-vm1 v1 drop_rate_rx)" || return 1
	d=$(vstat vq-vm1 v1 drop_rate_tx)
	listen wire $W wire0 || return 1
	send_raw vq-vm1 v1 "$wmac" $M1 88b5 100
	h=$(heard wire)
	limited "TX at 5 packets/s" "$h" "$d" "$(vstat vq-vm1 v1 drop_rate_tx)" || return 1
	# 10 kbit/s: a 60-byte frame costs 48 ms.
	ip -n vq-vm1 link set v1 type viox rx_pps 0 tx_pps 0 rx_rate 10kbit || return 1
	d=$(vstat vq-vm1 v1 drop_rate_rx)
	listen v1 vq-vm1 v1 || return 1
	send_raw $W wire0 $M1 "$wmac" 88b5 100
	h=$(heard v1)
	limited "RX at 10 kbit/s" "$h" "$d" "$(vstat vq-vm1 v1 drop_rate_rx)" || return 1
	ip -n vq-vm1 link set v1 type viox rx_rate 0 || return 1
	listen v1 vq-vm1 v1 || return 1
	send_raw $W wire0 $M1 "$wmac" 88b5 100
	expect "no limit" "$(heard v1)" 100
}
ktap_check "a vport's RX and TX rate limits drop what is over them, counted" \
	check_rate_limits

# How close the limits hold: pktgen offers 5 times the limit for about
# 3 s (RX from the wire, TX from the VM's side of the vport); what got
# through over pktgen's own elapsed time is within 10% of the limit, and
# every frame not through is counted as a rate drop. The bucket holds
# 10 ms: a sender the TCG host stalls for longer loses that time, so a
# run that falls short is tried once more.
pktgen_send() { # NS DEV DST SIZE PPS COUNT: prints the microseconds it took
	pktgen_in "$1" "kpktgend_0 rem_device_all" "kpktgend_0 add_device $2" \
		"$2 count $6" "$2 delay $((1000000000 / $5))" "$2 pkt_size $4" \
		"$2 dst_mac $3" "pgctrl start" >&2 &&
	ip netns exec "$1" sed -n "s/.*Result: OK: \([0-9]*\)(.*/\1/p" "/proc/net/pktgen/$2"
	pktgen_in "$1" "kpktgend_0 rem_device_all"
}
rx_through() { ip -n vq-vm1 -j -s link show v1 | jq '.[0].stats64.rx.packets'; }
tx_through() { ip -n $W -j -s link show wire0 | jq '.[0].stats64.rx.packets'; }
rate_case() { # WHAT LIMIT-PPS rx|tx SIZE: 5 times the limit offered for 3 s
	local what=$1 limit=$2 dir=$3 size=$4 sent=$(($2 * 15)) p0 d0 us through drops want
	for _ in 1 2; do
		p0=$(${dir}_through) d0=$(vstat vq-vm1 v1 drop_rate_$dir)
		if [ "$dir" = rx ]; then
			us=$(pktgen_send $W wire0 $M1 "$size" $((limit * 5)) $sent)
		else
			us=$(pktgen_send vq-vm1 v1 "$wmac" "$size" $((limit * 5)) $sent)
		fi
		through=$(($(${dir}_through) - p0)) drops=$(($(vstat vq-vm1 v1 drop_rate_$dir) - d0))
		want=$((limit * ${us:-0} / 1000000))
		echo "$what: $through of $sent through in ${us:-?} us ($want at the limit), $drops drops counted"
		[ "${us:-0}" -gt 0 ] && [ $((through + drops)) -eq $sent ] || return 1
		[ $((through * 10)) -le $((want * 11)) ] || return 1
		[ $((through * 10)) -ge $((want * 9)) ] && return 0
	done
	return 1
}
check_rate_accuracy() {
	local wmac rc=0
	wmac=$(ip -n $W -j link show wire0 | jq -r '.[0].address')
	ip -n vq-vm1 link set v1 type viox rx_pps 1000 tx_pps 1000 rx_rate 0 tx_rate 0 || return 1
	rate_case "RX 1000 packets/s, 64 B" 1000 rx 64 || rc=1
	rate_case "TX 1000 packets/s, 64 B" 1000 tx 64 || rc=1
	# 4 Mbit/s is 500 frames of 1000 B a second.
	ip -n vq-vm1 link set v1 type viox rx_pps 0 tx_pps 0 rx_rate 4mbit tx_rate 4mbit || rc=1
	rate_case "RX 4 Mbit/s, 1000 B" 500 rx 1000 || rc=1
	rate_case "TX 4 Mbit/s, 1000 B" 500 tx 1000 || rc=1
	ip -n vq-vm1 link set v1 type viox rx_pps 0 tx_pps 0 rx_rate 0 tx_rate 0 || rc=1
	return $rc
}
ktap_check "RX and TX limits in packets/s and bits/s hold within 10% under pktgen" \
	check_rate_accuracy

wait_carrier() { # NS DEV 0|1
	local i
	for i in $(seq 50); do
		[ "$(ip netns exec "$1" cat "/sys/class/net/$2/carrier")" = "$3" ] && return 0
		sleep 0.1
	done
	echo "$2's carrier is not $3"
	return 1
}
check_carrier() {
	local rc=0
	ip -n $W link set wire0 down
	wait_carrier vq-vm1 v1 0 || rc=1
	ip -n $W link set wire0 up
	for d in wire0.10 wire0.20; do ip -n $W link set "$d" up; done
	wait_carrier vq-vm1 v1 1 && pings $W 10.0.0.1 && return $rc
}
ktap_check "a vport's carrier follows its uplink's" check_carrier

check_change_vlan() {
	ip -n vq-vm3 link set v3 type viox vlan 20 &&
	ip -n vq-vm3 -d -j link show v3 | jq -e '.[0].linkinfo.info_data.vlan == 20' &&
	ip -n vq-vm3 addr flush dev v3 &&
	ip -n vq-vm3 addr add 10.0.20.3/24 dev v3 &&
	pings $W 10.0.20.3 || return 1
	if pings vq-vm2 10.0.10.3 1; then
		echo "vm2 still reaches v3 on VLAN 10"
		return 1
	fi
}
ktap_check "a vport moved to another VLAN is there, and only there" check_change_vlan

check_live_mac() {
	local new=02:00:00:00:71:14
	ip -n vq-vm4 link set v4 type viox mac $new &&
	expect "v4's address" "$(ip -n vq-vm4 -j link show v4 | jq -r '.[0].address')" $new &&
	pings $W 10.0.0.4 || return 1
	listen v4 vq-vm4 v4 || return 1
	send_raw $W wire0 $M4 02:00:00:00:7e:01 88b5 2
	send_raw $W wire0 $new 02:00:00:00:7e:01 88b5 3
	expect "v4 heard (3 to its new MAC)" "$(heard v4)" 3
}
ktap_check "a vport that is up changes MAC at once, and leaves the old one" check_live_mac

# A tap-mode vport: what it receives goes to its tap device, and what the
# device's file writes leaves on the wire; its own stack gets nothing,
# open or closed (with no file open, frames are dropped and counted).
check_tap() {
	local m6=02:00:00:00:72:06 node wmac h6 ht hw nr
	vport_add v6 $m6 mode tap && ip -n $H link set v6 up || return 1
	ip -n $H -d -j link show v6 | jq -e '.[0].linkinfo.info_data.mode == "tap"' >/dev/null ||
		{ echo "v6 is not in tap mode"; return 1; }
	node=$(tap_node $H v6)
	[ -c "$node" ] || { echo "no tap device: '$node'"; return 1; }
	ip netns exec $H test -e "/sys/class/net/v6/${node#/dev/}" ||
		{ echo "no /sys/class/net/v6/${node#/dev/}"; return 1; }
	wmac=$(ip -n $W -j link show wire0 | jq -r '.[0].address')
	listen wire $W wire0 && listen v6 $H v6 stack || return 1
	tap_listen tap "$node" 3 "$wmac" $m6 || return 1
	send_raw $W wire0 $m6 "$wmac" 88b5 4
	ht=$(heard tap) hw=$(heard wire) h6=$(heard v6)
	expect "the tap read (4 from the wire)" "$ht" 4 &&
	expect "the wire heard (3 written to the tap)" "$hw" 3 &&
	expect "v6's stack, with the tap open" "$h6" 0 || return 1
	nr=$(vstat $H v6 drop_no_reader)
	listen v6 $H v6 stack || return 1
	send_raw $W wire0 $m6 "$wmac" 88b5 2
	expect "v6's stack, the tap closed" "$(heard v6)" 0 &&
	expect "v6 drop_no_reader" "$(vstat $H v6 drop_no_reader)" $((nr + 2))
}
ktap_check "a tap-mode vport's device carries its frames, its stack none" check_tap

check_tap_mode_fixed() {
	if ip -n $H link set v6 netns vq-vm1 2>/dev/null; then
		echo "a tap-mode vport left its namespace"
		return 1
	fi
	refused_set "set when it is made" v6 type viox mode netdev &&
	ip -n vq-vm1 -d -j link show v1 | jq -e '.[0].linkinfo.info_data |
		.mode == "netdev" and (has("tap") | not)' >/dev/null
}
ktap_check "a vport's mode is fixed; a netdev-mode vport has no tap device" \
	check_tap_mode_fixed

# A VM that never reads its queue holds frames, not their sender: 600
# frames queued to it would fill the sending socket's buffer three times
# over if they still counted against it.
check_tap_unread() {
	local node tap wmac
	node=$(tap_node $H v6) || return 1
	wmac=$(ip -n $W -j link show wire0 | jq -r '.[0].address')
	exec {tap}<>"$node" || return 1
	if ! timeout 20 bash -c "$(declare -f send_raw); ktap_n=$ktap_n;
	     send_raw $W wire0 02:00:00:00:72:06 $wmac 88b5 600"; then
		echo "the sender stalled behind a queue nobody reads"
		exec {tap}>&-
		return 1
	fi
	exec {tap}>&-
}
ktap_check "a tap nobody reads does not stall its senders" check_tap_unread

# What another vport sends a tap-mode vport goes straight into its tap's
# queue, unless something on the vport's receive path would see it there
# first: a packet socket on it still hears it, and tc ingress on it still
# drops it.
check_tap_loopback() {
	local m6=02:00:00:00:72:06 node lb ht hv
	node=$(tap_node $H v6) || return 1
	lb=$(vstat $H v6 rx_loopback)
	tap_listen tap "$node" 0 $M1 $m6 || return 1
	send_raw vq-vm1 v1 $m6 $M1 88b5 4
	expect "the tap read (4 from v1)" "$(heard tap)" 4 || return 1
	tap_listen tap "$node" 0 $M1 $m6 && listen v6 $H v6 || return 1
	send_raw vq-vm1 v1 $m6 $M1 88b5 3
	ht=$(heard tap) hv=$(heard v6)
	expect "the tap read, with a packet socket on v6 (3 from v1)" "$ht" 3 &&
	expect "the packet socket on v6 heard" "$hv" 3 &&
	expect "v6 rx_loopback" "$(vstat $H v6 rx_loopback)" $((lb + 7))
}
ktap_check "a tap vport takes another vport's frames, a packet socket on it hears them" \
	check_tap_loopback
check_tap_loopback_tc() {
	local m6=02:00:00:00:72:06 node ht
	node=$(tap_node $H v6) || return 1
	ip netns exec $H tc qdisc add dev v6 clsact &&
	ip netns exec $H tc filter add dev v6 ingress matchall action drop || return 1
	tap_listen tap "$node" 0 $M1 $m6 || return 1
	send_raw vq-vm1 v1 $m6 $M1 88b5 3
	ht=$(heard tap)
	ip netns exec $H tc qdisc del dev v6 clsact
	expect "the tap read, under a tc ingress drop (3 from v1)" "$ht" 0
}
if modprobe -q cls_matchall 2>/dev/null && modprobe -q act_gact 2>/dev/null; then
	ktap_check "tc ingress on a tap vport drops another vport's frames" check_tap_loopback_tc
else
	ktap_skip "tc ingress on a tap vport" "no matchall classifier or gact action in this kernel"
fi

# netconsole transmits from hard irq, where a vport's rate limiter and
# receive queues cannot be taken: a vport refuses it, saying why, while its
# uplink takes it (a dummy: veths refuse netpoll too; netpoll works in the
# host's namespace only).
check_no_netconsole() {
	local nc=/sys/kernel/config/netconsole rc=0 t
	netconsole_to() { # TARGET DEV
		mkdir "$nc/$1" && echo "$2" > "$nc/$1/dev_name" &&
		echo 192.0.2.77 > "$nc/$1/local_ip" &&
		echo 192.0.2.78 > "$nc/$1/remote_ip" &&
		echo 1 > "$nc/$1/enabled"
	}
	ip link add vqnc0 type dummy &&
	ip link add link vqnc0 name vqnc-v type viox mac 02:00:00:00:71:0c &&
	ip addr add 192.0.2.77/24 dev vqnc0 &&
	ip link set vqnc0 up && ip link set vqnc-v up || rc=1
	kmsg_mark
	if [ $rc = 0 ] && netconsole_to vqnc-v vqnc-v 2>/dev/null; then
		echo "netconsole was enabled on a vport"
		rc=1
	elif [ $rc = 0 ] && ! kmsg_since | grep -q "vqnc-v doesn't support polling"; then
		echo "netconsole did not say why it refused the vport:"
		kmsg_since | tail -n 5
		rc=1
	fi
	if [ $rc = 0 ] && ! netconsole_to vqnc0 vqnc0; then
		echo "netconsole refused the uplink too: the check proves nothing"
		rc=1
	fi
	for t in vqnc-v vqnc0; do
		[ -d "$nc/$t" ] || continue
		echo 0 > "$nc/$t/enabled" 2>/dev/null
		rmdir "$nc/$t"
	done
	ip link del vqnc0 2>/dev/null
	return $rc
}
# netconsole loads configfs, which makes its mount point.
if modprobe -q dummy 2>/dev/null && modprobe -q netconsole 2>/dev/null &&
   { mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config; } &&
   [ -d /sys/kernel/config/netconsole ]; then
	ktap_check "netconsole is refused on a vport, with the reason, taken on its uplink" \
		check_no_netconsole
	rmmod netconsole 2>/dev/null
else
	ktap_skip "netconsole is refused on a vport" "no dynamic netconsole in this kernel"
fi

# A tenant that has its vport in a namespace of its own user namespace
# (root there, nobody on the host) may bring it up, not re-address it.
check_tenant() {
	local pid err i rc=0
	vport_add v5 02:00:00:00:71:05 || return 1
	unshare --user --map-root-user --net sleep 60 &
	pid=$!
	for i in $(seq 50); do
		[ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
		sleep 0.1
	done
	ip -n $H link set v5 netns "/proc/$pid/ns/net" || { kill $pid; return 1; }
	tenant() { nsenter -t "$pid" -U -n "$@"; }
	tenant ip link set v5 up || { echo "the tenant cannot bring its vport up"; rc=1; }
	for change in "address 02:00:00:00:71:06" "type viox vlan 5" \
		      "type viox spoofchk off" "type viox mac 02:00:00:00:71:07" \
		      "type viox rx_rate 0 tx_pps 1"; do
		# shellcheck disable=SC2086
		if err=$(tenant ip link set v5 $change 2>&1); then
			echo "the tenant could: ip link set v5 $change"
			rc=1
		elif ! grep -q "not permitted\|admin" <<<"$err"; then
			echo "ip link set v5 $change: $err"
			rc=1
		fi
	done
	expect "v5's address" "$(tenant ip -j link show v5 | jq -r '.[0].address')" \
		02:00:00:00:71:05 || rc=1
	tenant ip -d link show v5 | grep -q "vlan 0 spoofchk on" || { echo "v5 changed"; rc=1; }
	# Its namespace going away takes the vport with it.
	kill $pid
	wait $pid 2>/dev/null
	return $rc
}
if unshare --user true 2>/dev/null; then
	ktap_check "a tenant with the vport in its namespace cannot re-address it" check_tenant
else
	ktap_skip "a tenant with the vport in its namespace cannot re-address it" \
		"no user namespaces in this kernel (the stock kernel's pass has them)"
fi

check_uplink_gone() {
	ip -n $H link del up0 || return 1
	for n in 1 2 3 4; do
		if ip -n "vq-vm$n" link show "v$n" >/dev/null 2>&1; then
			echo "v$n outlived its uplink"
			return 1
		fi
	done
}
ktap_check "deleting the uplink deletes its vports" check_uplink_gone

ktap_finish
