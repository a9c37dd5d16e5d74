#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_blk under vhost_vdpa, as a VMM drives it, over a null_blk disk that
# completes 20 ms late (requests really are in flight) and over a file. Our
# userspace virtio-blk driver (vdpa-blk-guest) on /dev/vhost-vdpa-N: the
# set-up QEMU does, and what a hostile VMM tries instead: rings with no
# address map (the host's own memory must stay out of reach), DRIVER_OK
# without FEATURES_OK and a layout change under running vqs, address maps
# changed or taken away with requests in flight, a request into memory
# just unmapped, suspend with requests in flight, pages unmapped and freed
# before the device is told (a batch) still out of others' reach,
# malformed requests (short header, data of the wrong direction, sectors
# that wrap or run past the end, discard ranges past the end or too many,
# status byte read-only or missing), a kick storm and completions never
# read, with a second device served beside. Then
# unmodified QEMU's vhost-vdpa-device-pci, its guest played through qtest
# by qemu-vblk.py.
# viox_blk's tests take turns in one lane: they load the vDPA bus drivers
# (the first one a new device meets takes it), unload viox_blk and count
# its devices and notifications.
# viox-lane: blk
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/blk_lib.sh"

guest=$VIOX_TOP/tools/testing/viox/vdpa-blk-guest/vdpa-blk-guest

kmod_load vdpa
# A fragmented 16 MiB map can take an entry per page: more than the 2048
# vhost_vdpa allows by default.
kmod_load vhost_vdpa max_iotlb_entries=16384
kmod_load null_blk nr_devices=1 memory_backed=1 gb=1 irqmode=2 \
	completion_nsec=20000000
[ -d /sys/module/viox_vring ] || insmod "$(viox_ko viox_vring)"
[ -d /sys/module/viox_blk ] || insmod "$(viox_ko viox_blk)"

work=$(mktemp -d)
cleanup() {
	for d in vv0 vv1; do vdpa dev del $d 2>/dev/null; done
	for d in vv0 vv1; do viox_ynl --do blk-del --json "{\"name\": \"$d\"}" >/dev/null 2>&1; done
}
trap 'cleanup; rm -rf "$ktap_out" "$work"' EXIT


# Make vDPA device NAME on PATH and give it to vhost_vdpa, whatever else
# is loaded: prints its /dev/vhost-vdpa-N.
vhost_dev() { # NAME PATH
	local sys=/sys/bus/vdpa/devices/$1 d i
	viox_ynl --do blk-new --json "{\"name\": \"$1\", \"path\": \"$2\", \"serial\": \"viox-$1\"}" \
		>/dev/null || return 1
	vdpa dev add mgmtdev viox_blk name "$1" || return 1
	if [ -e "$sys/driver" ]; then
		echo "$1" > "$sys/driver/unbind" || return 1
	fi
	echo vhost_vdpa > "$sys/driver_override" &&
	echo "$1" > /sys/bus/vdpa/drivers_probe || return 1
	for i in $(seq 50); do
		d=$(ls -d "$sys"/vhost-vdpa-* 2>/dev/null)
		[ -n "$d" ] && [ -c "/dev/${d##*/}" ] && { echo "/dev/${d##*/}"; return 0; }
		sleep 0.1
	done
	echo "no vhost-vdpa device for $1" >&2
	return 1
}

# run_case DEV FILE NAME [MESSAGE]: the case passes, and the kernel said
# MESSAGE (why it refused) if one is given.
run_case() {
	local out
	kmsg_mark
	"$guest" --dev "$1" --file "$2" --serial "viox-$4" --case "$3" || return 1
	[ -z "${5:-}" ] && return 0
	out=$(kmsg_since)
	grep -q "$5" <<<"$out" || { echo "kernel log lacks '$5':"; echo "$out"; return 1; }
}

# What the blk group says, until WANT notifications or told to stop (a
# client of the kernel's YNL library that says when it has joined).
/usr/bin/python3 -I - "$VIOX_KSRC/tools/net/ynl" \
	"$VIOX_TOP/Documentation/netlink/specs/viox.yaml" "$work" 8 <<'PY' &
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
from lib import YnlFamily
ynl = YnlFamily(sys.argv[2], '')
ynl.ntf_subscribe('blk')
open(sys.argv[3] + '/joined', 'w').close()
got, deadline = [], time.time() + 1200
while len(got) < int(sys.argv[4]) and time.time() < deadline and \
        not os.path.exists(sys.argv[3] + '/stop'):
    ynl.check_ntf()
    got += ynl.async_msg_queue
    ynl.async_msg_queue = []
    time.sleep(0.1)
json.dump(got, open(sys.argv[3] + '/ntf.json', 'w'), default=bytes.hex)
PY
listener=$!
joined() {
	local i
	for i in $(seq 200); do [ -e "$work/joined" ] && return 0; sleep 0.1; done
	return 1
}
ktap_check "a listener joins the blk group" joined

nb=/dev/nullb0
made() { dev0=$(vhost_dev vv0 $nb); }
ktap_check "a device on null_blk, bound to vhost_vdpa" made
[ -n "${dev0:-}" ] || ktap_finish

# What the first case sends, as blk-get counts it (virtio_vdpa may have
# read the disk before vhost_vdpa took it: the difference counts).
counts() {
	viox_ynl --do blk-get --json '{"name": "vv0"}' | /usr/bin/python3 -I -S -c '
import json, sys
d = json.load(sys.stdin)
keys = ("reads", "writes", "flushes", "get-ids", "read-bytes", "write-bytes",
        "ioerr", "unsupp", "in-flight", "broken")
print(" ".join(str(d["stats"][k]) for k in keys), d["queue"][0]["index"],
      d["queue"][0]["reads"])'
}
before=$(counts)
ktap_check "set up as QEMU does: writes and reads in flight, flush, GET_ID, range checks" \
	run_case "$dev0" $nb io vv0
# 64 reads and writes of 8 KiB, a flush, a GET_ID, two reads refused (IOERR).
counted() {
	local b a i d=""
	read -ra b <<<"$before" && read -ra a <<<"$(counts)" || return 1
	for i in "${!a[@]}"; do d+=" $((a[i] - b[i]))"; done
	echo "counted:$d"
	[ "$d" = " 66 64 1 1 $((64 * 8192)) $((64 * 8192)) 2 0 0 0 0 66" ]
}
ktap_check "blk-get counts them: reads, writes, flush, GET_ID, bytes, IOERRs, per queue" \
	counted
ktap_check "no address map: the vq stays stopped (no identity map for a VMM), then runs" \
	run_case "$dev0" $nb no-map vv0 "no address map set by the VMM"
ktap_check "DRIVER_OK without FEATURES_OK runs nothing; features fixed once DRIVER_OK" \
	run_case "$dev0" $nb late-features vv0
ktap_check "address map changed under requests in flight: none lost, bytes intact" \
	run_case "$dev0" $nb remap vv0
ktap_check "rings unmapped while running: the vq stops; mapped again, it goes on" \
	run_case "$dev0" $nb unmap-ring vv0 "rings not mapped whole"
ktap_check "a request into memory just unmapped: refused, nothing written, reset recovers" \
	run_case "$dev0" $nb unmap-data vv0 "descriptor outside guest memory"
ktap_check "suspend with requests in flight: all used, ring base exact, resume goes on" \
	run_case "$dev0" $nb suspend vv0
ktap_check "pages a VMM unmapped in a batch stay the device's until it is told" \
	run_case "$dev0" $nb freed-pages vv0

# Unmodified QEMU on the same device, its guest played by qemu-vblk.py.
# A write limit keeps writes in flight when QEMU stops (null_blk's 20 ms
# alone may all be done by the time QMP's stop is).
if command -v qemu-system-x86_64 >/dev/null; then
	viox_ynl --do blk-set --json '{"name": "vv0", "limits": {"write-iops": 40}}' >/dev/null
	ktap_check "QEMU vhost-vdpa-device-pci: I/O checked in the store, stop/cont in flight" \
		"$VIOX_TOP/tools/testing/viox/qemu-vblk.py" --vhost-dev "$dev0" \
		--file $nb --serial viox-vv0
	viox_ynl --do blk-set --json '{"name": "vv0", "limits": {"write-iops": 0}}' >/dev/null
else
	ktap_skip "QEMU vhost-vdpa-device-pci" "qemu-system-x86_64 not installed"
fi

img=$work/disk1.img
truncate -s 64M "$img"
made_file() { dev1=$(vhost_dev vv1 "$img"); }
ktap_check "a device on a file, bound to vhost_vdpa" made_file
if [ -n "${dev1:-}" ]; then
	ktap_check "the file-backed device under the same set-up" \
		run_case "$dev1" "$img" io vv1
	ktap_check "the file-backed device: map changed under requests in flight" \
		run_case "$dev1" "$img" remap vv1
	# The null_blk device goes on beside the hostile one.
	hostile_beside() {
		local p r=0
		"$guest" --dev "$dev0" --file $nb --serial viox-vv0 --case remap \
			> "$work/beside" 2>&1 &
		p=$!
		run_case "$dev1" "$img" hostile vv1 || r=1
		wait "$p" || { echo "the device beside:"; cat "$work/beside"; r=1; }
		return $r
	}
	ktap_check "malformed requests each answered, a kick storm, completions never read; the device beside unaffected" \
		hostile_beside
	ktap_check "a request with no writable status byte breaks its vq; a reset mends it" \
		run_case "$dev1" "$img" bad-status vv1 "without a writable status byte"
fi

closed() {
	cleanup
	[ "$(viox_ynl --dump blk-get)" = "[]" ] && rmmod viox_blk
}
ktap_check "devices deleted after their VMMs closed them, viox_blk unloads" closed
# The last notifications have 30 s to arrive.
for _ in $(seq 150); do kill -0 "$listener" 2>/dev/null || break; sleep 0.2; done
touch "$work/stop"
wait "$listener"
announced() {
	/usr/bin/python3 -I -S -c '
import json, sys
print([(n["name"], n["msg"]["name"], n["msg"]["vdpa"], n["msg"].get("broken-queue"))
       for n in json.load(open(sys.argv[1]))])' "$work/ntf.json" |
		grep -qxF "$(printf '%s' "[('blk-change-ntf', 'vv0', 1, None), " \
			"('blk-change-ntf', 'vv0', 1, 0), ('blk-change-ntf', 'vv1', 1, None), " \
			"('blk-change-ntf', 'vv1', 1, 0), ('blk-change-ntf', 'vv1', 1, 0), " \
			"('blk-change-ntf', 'vv1', 1, 0), " \
			"('blk-change-ntf', 'vv0', 0, None), ('blk-change-ntf', 'vv1', 0, None)]")" ||
		{ cat "$work/ntf.json"; return 1; }
}
ktap_check "the blk group heard each device made, the queue that broke, each deleted" announced
ktap_finish
