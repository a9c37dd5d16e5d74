#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make run`: load viox on the stock kernel and describe what
# it offers, for a person to read (OUT/report.txt).
. "$VIOX_TOP/tools/testing/viox/guest-lib.sh"
. "$VIOX_TOP/tools/testing/selftests/viox/net_lib.sh"
. "$VIOX_TOP/tools/testing/selftests/viox/igb_lib.sh"
. "$VIOX_TOP/tools/testing/selftests/viox/blk_lib.sh"
guest_setup
exec 2>"$OUT/guest.log"
report=$OUT/report.txt

# Frames both ways through /dev/viox-net on a packed ring, then the
# device's counters as the viox netlink family and sysfs report them.
net_exchange() {
	local log
	modprobe tun
	sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	log=$(mktemp)
	vnet_hold "$log" --tap viox-run0 --packed --mrg --rx-buf 512 --size 1500 --count 1000
	echo "Packet exchange: a userspace virtio-net driver on /dev/viox-net (packed"
	echo "ring, mergeable RX buffers) and a tap, 1000 frames each way:"
	grep -E '^(not )?ok' "$log" | sed 's/^/  /'
	echo
	echo "Its device over netlink (YNL: viox dev-get --dump):"
	viox_ynl --dump dev-get > "$log.json"
	/usr/bin/python3 - "$log.json" <<'PY'
import json, sys
for d in json.load(open(sys.argv[1])):
    print(f"  device {d['id']}: {d['type']}, owner pid {d.get('owner-pid')}, "
          f"features {d['features']:#x}")
    for q in d["vq"]:
        name = {0: "RX", 1: "TX"}.get(q["index"], "")
        print(f"    vq {q['index']} {name}: {q['layout']} ring of {q['size']}, "
              f"backend {q['backend']}: {q['packets']} packets, {q['bytes']} bytes, "
              f"{q['kicks']} kicks, {q['interrupts']} interrupts, "
              f"{q['ring-full']} ring-full, drops {q['drops-too-big']}+{q['drops-error']}, "
              f"broken {q['broken']}")
PY
	echo
	echo "sysfs summary (/sys/class/misc/viox-net):"
	for f in devices broken rx_packets rx_bytes rx_dropped tx_packets tx_bytes tx_dropped; do
		printf '  %-11s %s\n' "$f" "$(cat /sys/class/misc/viox-net/$f)"
	done
	echo
	echo "The tap's own view (ip -s link show viox-run0):"
	ip -s link show viox-run0 | sed 's/^/  /'
	vnet_release
	rm -f "$log" "$log.json"
}

# A viox_blk disk on the host: a backing file given over netlink, the vDPA
# device made with iproute2's vdpa, virtio_blk's disk formatted, mounted
# and used, then its counters, limits and sysfs summary.
BLK_IMG=/tmp/viox-run-disk.img BLK_MNT=/tmp/viox-run-mnt
blk_demo() {
	local r=0
	blk_demo_disk || r=1
	umount "$BLK_MNT" 2>/dev/null
	if [ -d /sys/bus/vdpa/devices/disk0 ]; then
		vdpa dev del disk0 || r=1
	fi
	viox_ynl --do blk-del --json '{"name": "disk0"}' >/dev/null || r=1
	rm -f "$BLK_IMG" /tmp/viox-run-blk.json
	return $r
}
blk_demo_disk() {
	local img=$BLK_IMG mnt=$BLK_MNT disk
	modprobe virtio_vdpa
	modprobe virtio_blk
	truncate -s 256M "$img"
	mkdir -p "$mnt"
	echo "Block: a viox_blk disk on a 256 MiB file (blk-new, then vdpa dev add):"
	viox_ynl --do blk-new --json "{\"name\": \"disk0\", \"path\": \"$img\",
		\"serial\": \"viox-run\", \"queues\": 2,
		\"limits\": {\"write-bps\": 67108864}}" >/dev/null &&
	vdpa dev add mgmtdev viox_blk name disk0 &&
	disk=$(disk_of disk0) || return 1
	vdpa -j dev show disk0 | sed 's/^/  /'
	echo "  host disk $disk: $(blockdev --getsize64 "$disk") bytes, serial" \
		"$(cat /sys/block/"${disk#/dev/}"/serial), $(ls /sys/block/"${disk#/dev/}"/mq | wc -l) queues"
	mkfs.ext4 -q -F "$disk" && mount "$disk" "$mnt" || return 1
	head -c 32M /dev/urandom > "$mnt/data" && cp "$mnt/data" "$mnt/copy" && sync &&
		cmp "$mnt/data" "$mnt/copy" || return 1
	echo "  ext4 made and mounted at $mnt, 32 MiB written, copied and compared:"
	df -h "$mnt" | sed 's/^/    /'
	fstrim -v "$mnt" | sed 's/^/    /'
	umount "$mnt" && e2fsck -f -n "$disk" >/dev/null 2>&1 && echo "  fsck: clean" || return 1
	echo
	echo "Its store, limits and counters (YNL: viox blk-get):"
	viox_ynl --do blk-get --json '{"name": "disk0"}' > /tmp/viox-run-blk.json
	/usr/bin/python3 - /tmp/viox-run-blk.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"  {d['name']}: {d['path']}, {d['capacity']} sectors of {d['block-size']} B, "
      f"cache {d['cache']}, {d['queues']} queues, limits {d['limits']}")
for s in [d["stats"]] + d.get("queue", []):
    who = f"queue {s['index']}" if "index" in s else "all"
    print(f"    {who:>8}: {s['reads']} reads ({s['read-bytes']} B), {s['writes']} writes "
          f"({s['write-bytes']} B), {s['flushes']} flushes, {s['discards']} discards, "
          f"{s['ioerr']} errors, throttled {s['throttled-ns'] / 1e9:.2f} s")
h = d["stats"]["latency-hist"]
print("  latency (taken to returned):",
      ", ".join(f"{'<2' if i == 0 else '>=' + str(2 ** i)} us: {n}" for i, n in enumerate(h) if n))
PY
	echo
	echo "sysfs summary (/sys/bus/vdpa/devices/disk0/viox):"
	for f in /sys/bus/vdpa/devices/disk0/viox/*; do
		printf '  %-13s %s\n' "${f##*/}" "$(cat "$f")"
	done
}

# Three VFs on igbvf, each in its own namespace, configured through ip link
# and devlink, passing traffic to the wire peer.
igb_sriov_demo() {
	local bdf pf i dev vbdf
	kmod_load igbvf
	bdf=$(igb_pf_bdf) && pci_bind "$bdf" viox_igb || return 1
	pf=$(pci_netdev "$bdf")
	igb_wire_setup >/dev/null && igb_pf_setup "$pf" || return 1
	ip -n "$IGB_WIRE_NS" link add link "$(ip netns exec "$IGB_WIRE_NS" ls /sys/class/net | grep -vx lo | head -n 1)" \
		name wv100 type vlan id 100
	ip -n "$IGB_WIRE_NS" addr add 198.51.100.2/24 dev wv100
	ip -n "$IGB_WIRE_NS" link set wv100 up
	echo "SR-IOV: viox_igb on the 82576 at $bdf ($pf), 3 VFs on igbvf:"
	echo 3 > "/sys/bus/pci/devices/$bdf/sriov_numvfs"
	ip link set "$pf" vf 0 mac 02:00:00:00:00:10
	ip link set "$pf" vf 1 vlan 100
	ip link set "$pf" vf 2 max_tx_rate 100 trust on
	for i in 0 1 2; do
		vbdf=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/virtfn$i")")
		dev=$(pci_netdev "$vbdf")
		ip netns add "demo$i"
		ip link set "$dev" netns "demo$i"
		if [ "$i" = 1 ]; then
			ip -n "demo$i" addr add 198.51.100.11/24 dev "$dev"
		else
			ip -n "demo$i" addr add "192.0.2.1$i/24" dev "$dev"
		fi
		ip -n "demo$i" link set "$dev" up
	done
	for i in 0 1 2; do
		local to=$IGB_WIRE_IP out n
		[ "$i" = 1 ] && to=198.51.100.2
		# igbvf takes an admin address at its next reset, which it
		# does at most every ten seconds: give each VF 20 s to start.
		for n in $(seq 20); do
			ip netns exec "demo$i" ping -c 1 -W 1 "$to" >/dev/null 2>&1 && break
		done
		# A VF that passes no traffic is a failure, not a result.
		if out=$(ip netns exec "demo$i" ping -c 5 -i 0.2 -W 2 "$to"); then
			printf '  VF %s -> wire %s: %s\n' "$i" "$to" "$(grep transmitted <<<"$out")"
		else
			printf '  VF %s -> wire %s: FAILED (%s)\n' "$i" "$to" \
				"$(grep transmitted <<<"$out" || echo "no reply")"
			echo "VF $i passes no traffic" >> "$OUT/failed"
		fi
	done
	echo
	echo "The PF's view (ip -d -s link show $pf):"
	ip -d -s link show "$pf" | sed -n '/vf 0/,$p' | sed 's/^/  /'
	echo
	echo "devlink port show:"
	devlink port show | sed 's/^/  /'
	echo
	echo "devlink health diagnose pci/$bdf reporter vf_mbx:"
	devlink health diagnose "pci/$bdf" reporter vf_mbx | sed 's/^/  /'
	for i in 0 1 2; do ip netns del "demo$i"; done
}

# VF 0 (the VM's primary, MAC 02:00:00:00:00:10) and its standby vport,
# each in a namespace with the VM's address, and the wire pinging it
# while the admin takes the VF away and gives it back.
failover_demo() {
	local bdf pf vbdf dev ip=192.0.2.10 out
	export IP_LIB_DIR=$VIOX_TOP/tools/ip
	bdf=$(igb_pf_bdf) && pf=$(pci_netdev "$bdf") || return 1
	vbdf=$(basename "$(readlink "/sys/bus/pci/devices/$bdf/virtfn0")")
	dev=$(pci_netdev "$vbdf") || return 1
	ip netns add fo_vf && ip netns add fo_sb || return 1
	ip link set "$dev" netns fo_vf
	ip -n fo_vf addr add "$ip/24" dev "$dev"
	ip -n fo_vf link set "$dev" up
	ip link add link "$pf" name vm0 type viox standby vf 0 || return 1
	ip link set vm0 netns fo_sb
	ip -n fo_sb addr add "$ip/24" dev vm0
	ip -n fo_sb link set vm0 up
	wait_carrier "$dev" fo_vf
	echo "Failover: vport vm0 stands in for VF 0 of $pf (ip link add link $pf name vm0 type viox standby vf 0):"
	ip -n fo_sb -d link show vm0 | sed 's/^/  /'
	rx() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }
	standby_line() {
		ip -n fo_sb -d link show vm0 |
			grep -o 'standby vf [0-9]* [a-z]* switches [0-9]* last [a-z_]* gap_ns [0-9]*' |
			sed 's/^/    /'
	}
	step() { # WHAT: the wire pings the VM's address; who received it
		local vf0 sb0
		vf0=$(rx fo_vf "$dev") sb0=$(rx fo_sb vm0)
		out=$(ip netns exec "$IGB_WIRE_NS" ping -c 10 -i 0.1 -W 1 "$ip" | grep transmitted)
		printf '  %-34s %s; VF +%s, vport +%s frames\n' "$1:" "$out" \
			$(($(rx fo_vf "$dev") - vf0)) $(($(rx fo_sb vm0) - sb0))
		grep -q ' 0% packet loss' <<<"$out" || echo "failover: $1 lost pings" >> "$OUT/failed"
	}
	step "VF in use"
	ip link set "$pf" vf 0 state disable
	sleep 0.5
	step "ip link set $pf vf 0 state disable"
	standby_line
	ip link set "$pf" vf 0 state auto
	sleep 1
	step "ip link set $pf vf 0 state auto"
	standby_line
	dmesg | grep -E 'standby|VF 0.s' | tail -n 4 | sed 's/^/  /'
	ip -n fo_sb link del vm0
	ip netns del fo_vf
	ip netns del fo_sb
}

# Two vports on a veth uplink, each in a namespace that stands for a VM,
# one of them an access port of VLAN 10; the wire (the veth's peer, in a
# namespace of its own) pings both, and each vport's counters show what
# reached it.
vmdq_demo() {
	local r=0 n ip
	export IP_LIB_DIR=$VIOX_TOP/tools/ip
	modprobe veth && modprobe 8021q || return 1
	for n in vr_wire vr_vm1 vr_vm2; do ip netns add $n || return 1; done
	ip link add vr-up type veth peer name wire netns vr_wire &&
	ip link set vr-up up &&
	ip link add link vr-up name vm1 type viox mac 02:00:00:00:72:01 &&
	ip link add link vr-up name vm2 type viox mac 02:00:00:00:72:02 vlan 10 || r=1
	ip -n vr_wire link add link wire name wire.10 type vlan id 10
	ip -n vr_wire addr add 198.51.100.254/24 dev wire
	ip -n vr_wire addr add 203.0.113.254/24 dev wire.10
	ip -n vr_wire link set wire up
	ip -n vr_wire link set wire.10 up
	for n in 1 2; do
		ip link set vm$n netns vr_vm$n
		[ $n = 1 ] && ip=198.51.100.$n/24 || ip=203.0.113.$n/24
		ip -n vr_vm$n addr add $ip dev vm$n
		ip -n vr_vm$n link set vm$n up
	done
	echo "VMDq: vports vm1 and vm2 (VLAN 10) on uplink vr-up, each in a VM's namespace:"
	echo "  ip link add link vr-up name vm1 type viox mac 02:00:00:00:72:01"
	echo "  ip link add link vr-up name vm2 type viox mac 02:00:00:00:72:02 vlan 10"
	ip -n vr_vm2 -d link show vm2 | sed 's/^/  /'
	for n in 1 2; do
		[ $n = 1 ] && ip=198.51.100.1 || ip=203.0.113.2
		out=$(ip netns exec vr_wire ping -c 5 -i 0.2 -W 1 $ip | grep transmitted)
		echo "  the wire pings vm$n ($ip): $out"
		grep -q ' 0% packet loss' <<<"$out" || r=1
	done
	echo "  vm1's counters (ip -s -d link show vm1):"
	ip -n vr_vm1 -s -d link show vm1 | sed 's/^/    /'
	ip netns del vr_vm1
	ip netns del vr_vm2
	ip netns del vr_wire
	return $r
}

mapfile -t mods < <(find "$VIOX_MODSRC" -maxdepth 1 -name 'viox_*.ko*' ! -name '*_kunit.ko*' | sort)
{
	echo "viox ${VIOX_EXPECT_VERSION:-?} on Linux $(uname -r)"
	echo
	if viox_load "${mods[@]}"; then
		echo "Modules (built by dkms, loaded with insmod):"
	else
		echo "Modules: LOADING FAILED"
		echo "loading the modules" >> "$OUT/failed"
	fi
	for ko in "${mods[@]}"; do
		m=$(modinfo -F name "$ko")
		[ -d "/sys/module/$m" ] || { echo "  $m: not loaded"; continue; }
		printf '  %-12s %s, %s bytes, uses: %s\n' "$m" \
			"$(cat /sys/module/$m/version)" "$(cat /sys/module/$m/coresize)" \
			"$(modinfo -F depends "$ko")"
		printf '  %-12s %s\n' "" "$(modinfo -F description "$ko")"
		nexp=$(grep -c "__ksymtab_viox_.*\[$m\]" /proc/kallsyms)
		printf '  %-12s %s symbols exported for viox backends\n' "" "$nexp"
	done
	echo
	echo "Module parameters (sysfs):"
	for p in /sys/module/viox_*/parameters/*; do
		[ -e "$p" ] || continue
		m=${p#/sys/module/}
		printf '  %s.%s = %s\n' "${m%%/*}" "${p##*/}" "$(cat "$p")"
	done
	echo
	echo "Character devices:"
	ls /dev/viox-* >/dev/null 2>&1 && ls -l /dev/viox-* | sed 's/^/  /' ||
		echo "  none yet (the vring core is a library for the backends)"
	echo
	echo "Generic netlink families:"
	fams=$(genl ctrl list 2>/dev/null | sed -n 's/^Name: \(viox.*\)/\1/p')
	[ -n "$fams" ] && echo "$fams" | sed 's/^/  /' || echo "  none"
	if [ -c /dev/viox-net ]; then
		echo
		net_exchange
	fi
	if [ -d /sys/module/viox_blk ]; then
		echo
		blk_demo || { echo "Block demonstration: FAILED";
			      echo "block demonstration" >> "$OUT/failed"; }
	fi
	if [ -d /sys/module/viox_igb ]; then
		echo
		igb_sriov_demo || { echo "SR-IOV demonstration: FAILED";
				    echo "SR-IOV demonstration" >> "$OUT/failed"; }
		if [ -d /sys/module/viox_vmdq ]; then
			echo
			failover_demo || { echo "Failover demonstration: FAILED";
					   echo "failover demonstration" >> "$OUT/failed"; }
		fi
	fi
	if [ -d /sys/module/viox_vmdq ]; then
		echo
		vmdq_demo || { echo "VMDq demonstration: FAILED";
			       echo "VMDq demonstration" >> "$OUT/failed"; }
	fi
	echo
	echo "Kernel taint after loading: $(cat /proc/sys/kernel/tainted) (out-of-tree, unsigned)"
} > "$report" 2>&1
guest_poweroff
