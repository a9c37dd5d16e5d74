# SPDX-License-Identifier: GPL-2.0
# 82576 helpers shared by the viox_igb selftests, the benchmark and
# `make run`; sourced, so not executable. The test VM has one 82576 (PF)
# behind a PCIe root port and a virtio-net NIC on the same QEMU hub: the
# "wire", which the tests put in its own network namespace.

IGB_WIRE_NS=wire
IGB_PF_IP=192.0.2.1
IGB_WIRE_IP=192.0.2.2

# The long SR-IOV selftests run on the debug kernel only; on Debian's
# kernel the PF and devlink selftests prove the DKMS-built module:
# igb_debug_kernel_only WHAT.
igb_debug_kernel_only() { debug_kernel_only "$1"; }

# An admin MAC for VF N, which igbvf drives with its netdev up, and igbvf
# done with the reset that follows (uses $pf and $bdf): igbvf's reset task
# runs without RTNL, and closing the netdev meanwhile (its namespace
# deleted) makes igbvf WARN. vf_mac_settled N MAC
vf_mac_settled() {
	local vbdf i
	vbdf=$(vfbdf "$1")
	kmsg_mark
	ip link set "$pf" vf "$1" mac "$2" || return 1
	for i in $(seq 100); do
		kmsg_since | grep -q "igbvf $vbdf: Link is Up" && return 0
		sleep 0.1
	done
	echo "igbvf $vbdf did not come back after its MAC changed" >&2
	return 1
}

# The PF's PCI address.
igb_pf_bdf() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x8086 ] && [ "$(cat "$d/device")" = 0x10c9 ] &&
			{ basename "$d"; return 0; }
	done
	echo "no 82576 PF in this machine" >&2
	return 1
}

# Evaluate a Python expression on the JSON read from stdin, as d: json EXPR.
json() { /usr/bin/python3 -I -S -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# The PCI address of the PF's VF N (uses $bdf, the PF's): vfbdf N.
vfbdf() { basename "$(readlink "/sys/bus/pci/devices/$bdf/virtfn$1")"; }

# One field of VF N's entry in ip's vfinfo_list (uses $pf, the PF's
# netdev): vfinfo N FIELD, FIELD a Python subscript like "['address']".
vfinfo() { ip -j -d link show "$pf" | json "[v for v in d[0]['vfinfo_list'] if v['vf'] == $1][0]$2"; }

# Unbind every VF of PF BDF from its driver, so numvfs may go to 0.
igb_vfs_unbind() {
	local d
	for d in /sys/bus/pci/devices/"$1"/virtfn*; do
		[ -e "$d/driver" ] && basename "$(readlink -f "$d")" > "$d/driver/unbind"
	done
	return 0
}

# viox_igb bound to PF BDF afresh, for the next selftest: none of the
# channels, rings and features the last one changed (a selftest that
# ends on in-tree igb gets the same by binding viox_igb back).
igb_pf_fresh() {
	[ -e "/sys/bus/pci/drivers/viox_igb/$1" ] &&
		echo "$1" > /sys/bus/pci/drivers/viox_igb/unbind
	pci_bind "$1" viox_igb
}

# The driver bound to a PCI function, or nothing.
pci_driver_of() {
	local l=/sys/bus/pci/devices/$1/driver
	[ -e "$l" ] && basename "$(readlink "$l")"
	return 0
}

# Bind a PCI function to DRIVER through driver_override, the way an admin
# moves a device between in-tree igb and viox_igb: pci_bind BDF DRIVER.
pci_bind() {
	local bdf=$1 drv=$2 d=/sys/bus/pci/devices/$1 cur
	cur=$(pci_driver_of "$bdf")
	[ "$cur" = "$drv" ] && return 0
	[ -n "$cur" ] && echo "$bdf" > "$d/driver/unbind"
	echo "$drv" > "$d/driver_override"
	echo "$bdf" > /sys/bus/pci/drivers_probe
	echo > "$d/driver_override"
	[ "$(pci_driver_of "$bdf")" = "$drv" ] ||
		{ echo "$bdf did not bind to $drv" >&2; return 1; }
}

# The netdev of a PCI function (after it bound).
pci_netdev() {
	local i
	for i in $(seq 50); do
		ls "/sys/bus/pci/devices/$1/net" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$1 has no network interface" >&2
	return 1
}

# Wait until DEV (in netns NS, or here) has carrier: wait_carrier DEV [NS].
wait_carrier() {
	local i ns=()
	[ -n "${2:-}" ] && ns=(ip netns exec "$2")
	for i in $(seq 100); do
		[ "$("${ns[@]}" cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ] && return 0
		sleep 0.1
	done
	echo "$1 has no carrier" >&2
	return 1
}

# Move the virtio-net NIC into the wire namespace with its address; prints
# its name. Idempotent.
igb_wire_setup() {
	local d dev
	# A stock kernel has virtio_net as a module and no udev to load it.
	[ -d /sys/bus/virtio/drivers/virtio_net ] || kmod_load virtio_net
	ip netns add "$IGB_WIRE_NS" 2>/dev/null
	for d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$d/device")" = 0x0001 ] || continue
		dev=$(ls "$d/net" 2>/dev/null)
		[ -n "$dev" ] || continue	# already in the wire namespace
		ip link set "$dev" netns "$IGB_WIRE_NS"
	done
	dev=$(ip netns exec "$IGB_WIRE_NS" ls /sys/class/net | grep -vx lo | head -n 1)
	[ -n "$dev" ] || { echo "no wire NIC" >&2; return 1; }
	ip -n "$IGB_WIRE_NS" link set lo up
	ip -n "$IGB_WIRE_NS" addr replace "$IGB_WIRE_IP/24" dev "$dev"
	ip -n "$IGB_WIRE_NS" link set "$dev" up
	echo "$dev"
}

# Give the PF its address and bring it up: igb_pf_setup DEV.
igb_pf_setup() {
	ip addr flush dev "$1"
	ip addr add "$IGB_PF_IP/24" dev "$1"
	ip link set "$1" up
	wait_carrier "$1"
}

# The 82576 bound to viox_igb, up with its address, and the wire NIC in
# its namespace, for the selftests that drive viox_igb's pools and VFs:
# sets bdf, wire, numvfs and pf, or bails out.
igb_viox_pf_up() {
	bdf=$(igb_pf_bdf) || { echo "Bail out! no 82576"; exit 1; }
	wire=$(igb_wire_setup) || { echo "Bail out! no wire NIC"; exit 1; }
	numvfs=/sys/bus/pci/devices/$bdf/sriov_numvfs
	pci_bind "$bdf" viox_igb || { echo "Bail out! viox_igb did not bind"; exit 1; }
	pf=$(pci_netdev "$bdf")
	igb_pf_setup "$pf"
}

# In-tree igb resets a VF from its interrupt handler (igb_vf_reset ->
# igb_set_rx_mode) and walks the PF's multicast list there without the
# address lock: if the stack changes the list at that moment, the walk
# overruns the copy it sized (KASAN: slab-out-of-bounds in
# igb_update_mc_addr_list). Its runs hold the list still: once IPv6 has
# settled, each address on it is also added statically, so PF down/up
# moves reference counts only: igb_hold_mc_list DEV.
igb_hold_mc_list() {
	local i a
	if [ -e /proc/net/if_inet6 ]; then
		for i in $(seq 50); do
			ip -6 addr show dev "$1" scope link | grep -q inet6 &&
				! ip -6 addr show dev "$1" tentative | grep -q inet6 && break
			sleep 0.1
		done
	fi
	for a in $(ip maddr show dev "$1" | awk '$1 == "link" { print $2 }'); do
		ip maddr add "$a" dev "$1" || return 1
	done
}

# iperf3 from here to the wire (or back with -R) for SECONDS; prints the
# received bits per second: igb_iperf SECONDS [iperf3 args...].
igb_iperf() {
	local secs=$1 pid out
	shift
	ip netns exec "$IGB_WIRE_NS" timeout $((secs + 30)) \
		iperf3 -s -1 -B "$IGB_WIRE_IP" >/dev/null 2>&1 &
	pid=$!
	# Listening first (a busy TCG guest may take longer than a fixed wait).
	for _ in $(seq 50); do
		ip netns exec "$IGB_WIRE_NS" ss -Hltn "sport = :5201" | grep -q . && break
		sleep 0.1
	done
	# A stalled path must fail this check, not hang the selftest:
	# iperf3 waits for its results forever.
	out=$(timeout $((secs + 20)) iperf3 -c "$IGB_WIRE_IP" -t "$secs" -J "$@") ||
		{ echo "iperf3 failed or stalled: $out" | tail -c 600; kill "$pid"; wait "$pid"; return 1; }
	wait "$pid"
	# A run iperf3 gave up on may still exit 0: its error, not a result.
	/usr/bin/python3 -I -S -c '
import json, sys
d = json.load(sys.stdin)
r = d.get("end", {}).get("sum_received")
if not r:
    sys.exit("iperf3 gave no result: %s" % d.get("error", "(no error given)"))
print(int(r["bits_per_second"]))' <<<"$out"
}
