#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unmodified libvirt (its QEMU driver, embedded: virt-qemu-run) gives a VM
# a tap-mode vport as <interface type='ethernet'> with managed='no': it
# takes an existing device only if /dev/tapIFINDEX exists, as a macvtap's
# does, so the vport is made with viox_vmdq's tap_ifindex_names on. The
# VM (SeaBIOS, iPXE on virtio-net) sends its DHCP requests through the
# vport to the wire. libvirt gives QEMU vhost-net for KVM domains only,
# and here there is no KVM: QEMU's own virtio-net reads and writes the
# vport's device (net_qemu and vmdq_guest run vhost-net on it). With the
# default name, libvirt cannot take the vport.
# It sets a parameter of viox_vmdq's: its tests take turns in one lane.
# viox-timeout: 600
# viox-lane: vmdq
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/vmdq_lib.sh"

export IP_LIB_DIR=$VIOX_TOP/tools/ip
if ! command -v virt-qemu-run >/dev/null || ! command -v qemu-system-x86_64 >/dev/null; then
	ktap_skip "libvirt with a vport's tap device" "virt-qemu-run or QEMU not installed"
	ktap_finish
fi
kmod_load tun
kmod_load tap
kmod_load vhost_net
kmod_load veth
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"

W=vql-wire MAC=52:54:00:71:0b:01
param=/sys/module/viox_vmdq/parameters/tap_ifindex_names
work=$(mktemp -d)
run=
cleanup() {
	echo N > $param
	[ -n "$run" ] && kill "$run" 2>/dev/null && wait "$run" 2>/dev/null
	ip netns del $W 2>/dev/null
	ip netns del vql-other 2>/dev/null
	ip link del vql-up 2>/dev/null
}
trap 'cleanup; rm -rf "$ktap_out" "$work" "$listen_dir"' EXIT
cleanup

ip netns add $W
ip link add vql-up type veth peer name wire netns $W
sysctl -qw net.ipv6.conf.vql-up.disable_ipv6=1
ip netns exec $W sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip link set vql-up up
ip -n $W link set wire up

tap_of() { local n; n=$(tap_node "" "$1") && echo "${n#/dev/}"; }
# NAME [ifindex]: a tap-mode vport with the VM's MAC, its device named
# by its minor or, with "ifindex", /dev/tapIFINDEX.
vport() {
	local on=N
	[ "${2:-}" = ifindex ] && on=Y
	echo $on > $param &&
	ip link add link vql-up name "$1" type viox mac $MAC mode tap
	local rc=$?
	echo N > $param
	[ $rc = 0 ] && sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1" && ip link set "$1" up
}
names() {
	local idx tap
	vport vql-vm ifindex || return 1
	idx=$(cat /sys/class/net/vql-vm/ifindex) tap=$(tap_of vql-vm)
	[ "$tap" = "tap$idx" ] || { echo "vql-vm's device is $tap, not tap$idx"; return 1; }
	[ -c "/dev/$tap" ] || { echo "no /dev/$tap"; return 1; }
	# The node is the vport's device, by number.
	local want got
	want=$(cat "/sys/class/net/vql-vm/$tap/dev")
	got=$(printf '%d:%d' "0x$(stat -c %t "/dev/$tap")" "0x$(stat -c %T "/dev/$tap")")
	[ "$want" = "$got" ] || { echo "/dev/$tap is $got, the vport's device $want"; return 1; }
	# The parameter is read when a vport is made: the next is by minor.
	ip link del vql-vm && vport vql-vm2 || return 1
	tap=$(tap_of vql-vm2)
	[[ "$tap" == vioxtap* ]] || { echo "with the parameter off, the device is $tap"; return 1; }
	ip link del vql-vm2
	# Outside the host's namespace, where ifindexes repeat, by minor too.
	echo Y > $param
	ip netns add vql-other && ip -n vql-other link add vql-o type veth peer name vql-p &&
		ip -n vql-other link add link vql-o name vql-ov type viox mac $MAC mode tap
	local rc=$?
	echo N > $param
	tap=$(tap_node vql-other vql-ov)
	ip netns del vql-other
	[ $rc = 0 ] && [[ "$tap" == /dev/vioxtap* ]] ||
		{ echo "in another namespace, the device is $tap"; return 1; }
}
ktap_check "tap_ifindex_names names a vport's device /dev/tapIFINDEX in the host's namespace, the default by minor" \
	names

# libvirt's embedded QEMU driver: all its state under one directory, QEMU
# run as root with no cgroups, namespaces or log daemon (the guest has
# none of them). Its privileged driver looks its default user up before
# it reads qemu.conf; Debian makes that user in libvirt-daemon-system,
# with units the guest has no use for: virt-qemu-run sees a passwd and
# group file that have it, in a mount namespace of its own.
root=$work/lv
mkdir -p "$root/etc"
{ cat /etc/passwd; echo "libvirt-qemu:x:64055:64055::/nonexistent:/usr/sbin/nologin"; } > "$work/passwd"
{ cat /etc/group; echo "libvirt-qemu:x:64055:"; grep -q '^kvm:' /etc/group || echo "kvm:x:64056:"; } \
	> "$work/group"
cat > "$root/etc/qemu.conf" <<'CONF'
user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
CONF
# <acpi/>: without it libvirt 9 asks QEMU for -no-acpi, which QEMU 10 no
# longer has.
cat > "$work/vm.xml" <<XML
<domain type='qemu'>
  <name>vql</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <features><acpi/></features>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='network'/></os>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <interface type='ethernet'>
      <mac address='$MAC'/>
      <target dev='vql-vm' managed='no'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
XML

qemu_pid() { pgrep -f -- "-name guest=vql" | head -n 1; }
# virt-qemu-run in the background, until the VM's QEMU runs (or it ends).
start_vm() {
	local i
	unshare -m /bin/sh -c 'mount --bind "$1/passwd" /etc/passwd &&
		mount --bind "$1/group" /etc/group &&
		exec virt-qemu-run --root "$1/lv" --verbose "$1/vm.xml"' sh "$work" \
		>"$work/run.log" 2>&1 &
	run=$!
	for i in $(seq 600); do
		[ -n "$(qemu_pid)" ] && return 0
		kill -0 $run 2>/dev/null || { run=; tail -n 5 "$work/run.log"; return 1; }
		sleep 0.2
	done
	echo "no QEMU after 120 s"
	tail -n 5 "$work/run.log"
	return 1
}
stop_vm() {
	[ -n "$run" ] || return 0
	kill "$run" && wait "$run" 2>/dev/null
	run=
	for _ in $(seq 50); do [ -z "$(qemu_pid)" ] && return 0; sleep 0.2; done
	echo "QEMU outlived virt-qemu-run"
	return 1
}

refused_by_minor() {
	vport vql-vm || return 1
	if start_vm; then
		stop_vm
		echo "libvirt took a vport it cannot know is a tap device"
		return 1
	fi
	tail -n 3 "$work/run.log"
	# The name is no tun device's: libvirt tried to make one of it.
	grep -q "Unable to create tap device vql-vm" "$work/run.log" &&
		ip link del vql-vm
}
ktap_check "by minor, libvirt does not take the vport (it looks for /dev/tapIFINDEX)" \
	refused_by_minor

# What QEMU has open: the vport's device, as libvirt passed it
# (-netdev tap,fd=N).
fds_of_qemu() {
	local pid=$1 f
	for f in /proc/"$pid"/fd/*; do readlink "$f"; done
}
attached() {
	local pid tap
	vport vql-vm ifindex && start_vm || return 1
	pid=$(qemu_pid) tap=$(tap_of vql-vm)
	fds_of_qemu "$pid" | grep -qx "/dev/$tap" ||
		{ echo "QEMU has no /dev/$tap open:"; fds_of_qemu "$pid" | grep dev/; return 1; }
	tr '\0' ' ' < "/proc/$pid/cmdline" | grep -o -- '-netdev [^ ]*'
}
ktap_check "libvirt gives QEMU the vport's /dev/tapIFINDEX" attached

# iPXE's DHCP requests, from the VM's MAC, on the wire: the VM's frames
# went through virtio-net, the vport's device and the vport.
dhcp_on_wire() {
	ip netns exec $W timeout 400 /usr/bin/python3 -I -S -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("wire", 0))
mac = bytes.fromhex(sys.argv[1].replace(":", ""))
while True:
	f = s.recv(2048)
	# From the VM, IPv4 UDP from port 68 to 67.
	if f[6:12] == mac and f[23] == 17 and f[34:38] == b"\x00\x44\x00\x43":
		print("a DHCP request from", sys.argv[1])
		break
' $MAC
}
if [ -n "$run" ]; then
	ktap_check "the VM's DHCP requests reach the wire through the vport" dhcp_on_wire
	ktap_check "the VM stops, QEMU with it" stop_vm
	ktap_check "the vport outlives the VM and is deleted" ip link del vql-vm
fi
ktap_finish
