#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A tap-mode vport's /dev/vioxtapN behind a guest driver (vnet-guest), the
# uplink's veth peer as the wire: frames both ways, every byte checked,
# through viox_net (split and packed rings, mergeable buffers, two queue
# pairs on the vport's tap) and through in-tree vhost-net on the same
# tap; dpdk-testpmd on a netdev-mode vport. A second vport on the uplink
# hears none of it, and the guest sends from its own MAC only (the
# vport's spoof check is on). DPDK's virtio_user cannot be the guest
# here: it makes a tun tap of its own and opens no tap-library device.
# viox_vmdq's tests take turns in one lane.
# viox-lane: vmdq
. "$(dirname "$0")/ktap.sh"

top=$(cd "$(dirname "$0")/../../../.." && pwd)
export IP_LIB_DIR=$top/tools/ip
guest=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest
kmod_load veth
kmod_load tap
kmod_load vhost_net
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"

# vnet-guest's frames go to 02:00:00:00:00:02 and come from it.
cleanup() { ip link del vgq-up 2>/dev/null; }
trap 'cleanup; rm -rf "$ktap_out"' EXIT
cleanup

made() {
	ip link add vgq-up type veth peer name vgq-wire &&
	ip link add link vgq-up name vgq-vm type viox mac 02:00:00:00:00:02 mode tap &&
	ip link add link vgq-up name vgq-other type viox mac 02:00:00:00:00:03 mode tap ||
		return 1
	for d in vgq-up vgq-wire vgq-vm vgq-other; do
		sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
		ip link set "$d" up || return 1
	done
}
ktap_check "two tap-mode vports on a veth uplink" made
tap=/dev/$(ip -d -j link show vgq-vm 2>/dev/null | jq -r '.[0].linkinfo.info_data.tap')

other() { # the second vport's frames received, and dropped with no reader
	echo "$(ip -j -s link show vgq-other | jq '.[0].stats64.rx.packets')" \
		"$(ip -s -d link show vgq-other | grep -o "drop_no_reader [0-9]*" | cut -d' ' -f2)"
}
before=$(other)

run() { "$guest" --tap-dev "$tap" --peer vgq-wire "$@"; }
t() { # WHAT ARGS...
	ktap_check "$1" run "${@:2}"
}
t "viox_net split ring on a vport's tap: frames both ways intact" \
	--dev /dev/viox-net --count 300
t "viox_net packed ring on a vport's tap" --dev /dev/viox-net --packed --count 300
t "viox_net packed ring, mergeable RX buffers, 1500 B frames" \
	--dev /dev/viox-net --packed --mrg --rx-buf 256 --size 1500 --count 300
t "viox_net two queue pairs on a vport's multiqueue tap" \
	--dev /dev/viox-net --queues 2 --count 400
t "in-tree vhost-net on a vport's tap (split ring)" --dev /dev/vhost-net --count 300
t "in-tree vhost-net, mergeable RX buffers, 1500 B frames" \
	--dev /dev/vhost-net --mrg --rx-buf 256 --size 1500 --count 300

# dpdk-testpmd on a netdev-mode vport (its af_packet PMD, as a container's
# DPDK application), forwarding with the MACs swapped: what the wire sends
# to the vport's MAC comes back to it, from that MAC.
dpdk_macswap() {
	local out ctl pmd r=0
	out=$(mktemp) ctl=$(mktemp -u)
	ip link add link vgq-up name vgq-dp type viox mac 02:00:00:00:00:04 &&
	sysctl -qw net.ipv6.conf.vgq-dp.disable_ipv6=1 && ip link set vgq-dp up || return 1
	mkfifo "$ctl"
	timeout 300 stdbuf -oL dpdk-testpmd --no-huge -m 64 --no-pci --no-shconf -l 0,1 \
		--vdev=net_af_packet0,iface=vgq-dp -- -i --nb-cores=1 \
		--total-num-mbufs=8192 <"$ctl" >"$out" 2>&1 &
	pmd=$!
	exec 3>"$ctl"
	for _ in $(seq 120); do
		grep -q 'testpmd> ' "$out" && break
		kill -0 "$pmd" 2>/dev/null || break
		sleep 0.5
	done
	if grep -q 'testpmd> ' "$out"; then
		echo "set fwd macswap" >&3
		echo "start" >&3
		sleep 1
		/usr/bin/python3 -I -S - vgq-wire 500 <<'PY' || r=1
import socket, struct, sys, time
ifname, count = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
# Room for every frame that comes back while the rest are sent.
s.setsockopt(socket.SOL_SOCKET, 33, 4 << 20)    # SO_RCVBUFFORCE
s.bind((ifname, 0))
s.settimeout(0.2)
vport, wire = bytes([2, 0, 0, 0, 0, 4]), bytes([2, 0, 0, 0, 0, 0x51])
back, end = set(), 0
for seq in range(count):
    s.send(vport + wire + struct.pack("!HI", 0x88b5, seq) + bytes(46))
    if seq % 50 == 49:
        time.sleep(0.01)
end = time.monotonic() + 5
while len(back) < count and time.monotonic() < end:
    try:
        f, addr = s.recvfrom(2048)
    except socket.timeout:
        continue
    if addr[2] != socket.PACKET_OUTGOING and f[:12] == wire + vport:
        back.add(struct.unpack("!I", f[14:18])[0])
print(f"{len(back)} of {count} came back from the vport's MAC")
sys.exit(len(back) < count * 9 // 10)
PY
	else
		cat "$out"
		r=1
	fi
	echo quit >&3
	exec 3>&-
	wait "$pmd"
	rm -f "$ctl" "$out"
	ip link del vgq-dp
	return $r
}
if command -v dpdk-testpmd >/dev/null; then
	ktap_check "dpdk-testpmd on a vport (af_packet PMD) swaps and returns the wire's frames" \
		dpdk_macswap
else
	ktap_skip "dpdk-testpmd on a vport" "dpdk-testpmd not installed"
fi

unheard() {
	local now
	now=$(other)
	echo "the other vport's rx_packets and drop_no_reader: before $before, after $now"
	[ "$now" = "$before" ]
}
ktap_check "the uplink's other vport heard none of the guest's frames" unheard
ktap_finish
