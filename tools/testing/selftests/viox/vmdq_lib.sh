# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers shared by the viox_vmdq selftests; sourced after ktap.sh, so
# not executable. Frames carry the running check's number (ktap_n), so a
# listener counts only what its own check sent.

send_raw() { # NS DEV DST SRC TYPE-HEX [COUNT [PAD]]: frames as a VM or the wire
	# sends them; TYPE-HEX is the ethertype, after a VLAN tag if it has
	# one. The payload starts with the check's number, for listen to
	# match; PAD bytes (42) follow it.
	ip netns exec "$1" /usr/bin/python3 -I -S -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
mac = lambda a: bytes.fromhex(a.replace(":", ""))
frame = mac(sys.argv[2]) + mac(sys.argv[3]) + bytes.fromhex(sys.argv[4]) + \
	b"vq%02d" % int(sys.argv[6]) + bytes(int(sys.argv[7]))
for _ in range(int(sys.argv[5])):
	s.send(frame)
' "$2" "$3" "$4" "$5" "${6:-1}" "$ktap_n" "${7:-42}"
}

# Frames of this check (send_raw's, ethertype 88b5) that DEV receives,
# counted by a listener started before they are sent: listen NAME NS DEV,
# then heard NAME once they are (it stops the listener when the frames
# queued to it are read). It sees what reaches DEV, as tcpdump would; with
# "stack" after DEV, what DEV's own protocol stack is handed.
listen_dir=$(mktemp -d)	# the caller's EXIT trap removes it
listener_started() { # NAME: its process says it is ready, within 10 s
	local i
	for i in $(seq 100); do
		[ -e "$listen_dir/$1.ready" ] && return 0
		sleep 0.1
	done
	echo "listener $1 did not start"
	return 1
}
listen() {
	local proto=3
	[ "${4:-}" = stack ] && proto=$((0x88b5))
	rm -f "$listen_dir/$1" "$listen_dir/$1".*
	ip netns exec "$2" /usr/bin/python3 -I -S -c '
import os, socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(int(sys.argv[4])))
s.bind((sys.argv[1], 0))
out = sys.argv[2]
open(out + ".ready", "w").close()
mark = b"\x88\xb5" + b"vq%02d" % int(sys.argv[3])
s.settimeout(0.2)
n, end = 0, time.monotonic() + 60
while time.monotonic() < end:
	try:
		frame, addr = s.recvfrom(2048)
	except socket.timeout:
		if os.path.exists(out + ".stop"):
			break
		continue
	if addr[2] != socket.PACKET_OUTGOING and frame[12:18] == mark:
		n += 1
open(out + ".tmp", "w").write("%d\n" % n)
os.rename(out + ".tmp", out)
' "$3" "$listen_dir/$1" "$ktap_n" "$proto" &
	listener_started "$1"
}
heard() {
	local i
	touch "$listen_dir/$1.stop"
	for i in $(seq 100); do
		[ -e "$listen_dir/$1" ] && { cat "$listen_dir/$1"; return 0; }
		sleep 0.1
	done
	echo "listener $1 did not finish" >&2
	echo -1
}
expect() { # WHAT GOT WANT
	[ "$2" = "$3" ] && return 0
	echo "$1: $2, expected $3"
	return 1
}
tap_node() { # NS DEV: a tap-mode vport's device node (NS "" for the host's)
	local name
	name=$(ip ${1:+-n "$1"} -d -j link show "$2" | jq -r '.[0].linkinfo.info_data.tap // empty')
	[ -n "$name" ] && echo "/dev/$name"
}
