#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unmodified DPDK (Debian's dpdk-testpmd) as the guest driver: virtio_user
# opens /dev/viox-net as a vhost-kernel backend and makes its own tap.
# Traffic both ways, split and packed rings; what testpmd counts must
# agree with what the tap counts on the host side.
# A lane of its own: it breaks no vq (net_hostile counts broken vqs' log
# lines), and the fuzzers, which count every open viox-net device, run in
# the kmemleak boot, where it does not.
# viox-lane: dpdk
. "$(dirname "$0")/ktap.sh"

kmod_load tun
tap=vdpdk0
out=$(mktemp)
ctl=$(mktemp -u)
frames=2000

if ! command -v dpdk-testpmd >/dev/null; then
	ktap_skip "dpdk-testpmd through /dev/viox-net" "dpdk-testpmd not installed"
	ktap_finish
fi

# testpmd interactive, commands fed through a fifo on fd 3.
start_testpmd() { # DEVARGS...
	local i
	mkfifo "$ctl"
	# Line-buffered: its statistics are read while it runs. 64 MiB are
	# room for the 8192 mbufs; EAL touches every page of what -m gives it,
	# which in the debug guest took a minute per start at 512.
	stdbuf -oL dpdk-testpmd --no-huge -m 64 --no-pci --no-shconf -l 0,1 --log-level=user1,info \
		--vdev="virtio_user0,path=/dev/viox-net,queues=1,queue_size=256,iface=$tap$*" \
		-- -i --nb-cores=1 --total-num-mbufs=8192 --txpkts=64 <"$ctl" >"$out" 2>&1 &
	pmd=$!
	exec 3>"$ctl"
	for i in $(seq 120); do
		grep -q 'testpmd> ' "$out" && [ -e "/sys/class/net/$tap" ] && break
		kill -0 "$pmd" 2>/dev/null || break
		sleep 0.5
	done
	grep -q 'testpmd> ' "$out" || { cat "$out"; return 1; }
	# No host-stack chatter (IPv6 neighbour discovery) on the tap.
	sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1"
	ip link set "$tap" up
}

stop_testpmd() {
	echo quit >&3
	exec 3>&-
	wait "$pmd"
	rm -f "$ctl"
}

cmd() { echo "$*" >&3; }

tap_stat() { # rx|tx: packets and dropped, as "P D"
	ip -j -s link show dev "$tap" | /usr/bin/python3 -I -S -c \
		'import json,sys; s=json.load(sys.stdin)[0]["stats64"]["'"$1"'"]; print(s["packets"], s["dropped"])'
}

# The last "Forward statistics for port 0" block's FIELD (RX-packets, TX-packets).
pmd_stat() {
	awk -v f="$1:" '/Forward statistics for port 0/ { on = 1 }
		on { for (i = 1; i < NF; i++) if ($i == f) v = $(i + 1) }
		/^  -+$/ { on = 0 } END { print v + 0 }' "$out"
}

# Paced: a burst at a time, the next when the backend has taken the last
# from the tap. An unpaced sender overruns the tap's queue while testpmd's
# core is descheduled, and the tap drops what it cannot queue (a full run
# lost 248 of 2000 so): pacing leaves every loss to the backend.
send_frames() { # COUNT
	/usr/bin/python3 -I -S - "$tap" "$1" <<'PY'
import socket, struct, sys, time
ifname, count = sys.argv[1], int(sys.argv[2])
stat = "/sys/class/net/%s/statistics/tx_packets" % ifname
def taken():
    with open(stat) as f:
        return int(f.read())
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
base = taken()
for seq in range(count):
    frame = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1]) + struct.pack("!HI", 0x88b5, seq)
    s.send(frame + bytes(60 - len(frame)))
    if seq % 100 == 99:
        deadline = time.monotonic() + 10
        while taken() - base < seq + 1 and time.monotonic() < deadline:
            time.sleep(0.01)
PY
}

tx_agrees() {
	local p0 d0 p1 d1 sent
	read -r p0 d0 < <(tap_stat rx)
	cmd "set fwd txonly"
	cmd start
	sleep 3
	cmd stop
	sleep 2
	read -r p1 d1 < <(tap_stat rx)
	sent=$(pmd_stat TX-packets)
	echo "testpmd sent $sent, the tap took $((p1 - p0 + d1 - d0))"
	[ "$sent" -gt 0 ] && [ "$sent" = $((p1 - p0 + d1 - d0)) ]
}

rx_agrees() {
	local p0 d0 p1 d1 got
	cmd "set fwd rxonly"
	cmd start
	sleep 1
	read -r p0 d0 < <(tap_stat tx)
	send_frames $frames
	sleep 2
	cmd stop
	sleep 2
	read -r p1 d1 < <(tap_stat tx)
	got=$(pmd_stat RX-packets)
	echo "host sent $frames, the backend took $((p1 - p0)) (the tap dropped $((d1 - d0))), testpmd received $got"
	[ "$got" = $frames ] && [ "$((p1 - p0))" = $frames ] && [ "$((d1 - d0))" = 0 ]
}

for layout in split packed; do
	args=
	[ "$layout" = packed ] && args=,packed_vq=1
	if ktap_check "$layout: testpmd starts on /dev/viox-net" start_testpmd "$args"; then
		ktap_check "$layout: testpmd TX reaches the tap, counts agree" tx_agrees
		ktap_check "$layout: tap frames reach testpmd, counts agree" rx_agrees
		stop_testpmd
	else
		kill "$pmd" 2>/dev/null
		stop_testpmd
	fi
	sed 's/^/# testpmd: /' "$out" | grep -iE 'error|fail|virtio_user' | head -n 20
done
rm -f "$out"
ktap_finish
