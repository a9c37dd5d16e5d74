#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_blk as a host disk: a backing store set over the viox netlink
# family (the kernel's YNL client), a vDPA device made by iproute2's vdpa,
# bound to virtio_vdpa, and the in-tree virtio_blk driving it: sizes and
# serial as configured, bytes landing in the backing file, fio verifying
# packed and split rings with one and two queues, ext4 made and checked,
# discard and write-zeroes reaching the file, a read-only disk refusing
# writes, bad requests refused with their reason, deletion under I/O.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/blk_lib.sh"

kmod_load vdpa
kmod_load virtio_vdpa
kmod_load virtio_blk
[ -d /sys/module/viox_vring ] || insmod "$(viox_ko viox_vring)"
[ -d /sys/module/viox_blk ] || insmod "$(viox_ko viox_blk)"

work=$(mktemp -d)
mnt=$work/mnt
mkdir -p "$mnt"
cleanup() {
	umount "$mnt" 2>/dev/null
	for d in vb0 vb1 vb2; do vdpa dev del $d 2>/dev/null; done
}
trap 'cleanup; rm -rf "$ktap_out" "$work"' EXIT

expect_eq() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }
# Whether the virtio device of NAME negotiated feature BIT.
negotiated() { # NAME BIT
	local f
	f=$(cat /sys/bus/vdpa/devices/"$1"/virtio*/features)
	[ "${f:$2:1}" = 1 ]
}
fio_verify() { # DISK FIO-ARGS...: write, then read back and check, all of it
	local disk=$1
	shift
	fio --name=v --filename="$disk" --direct=1 --ioengine=libaio \
		--thread --verify=crc32c --do_verify=1 --verify_fatal=1 --size=16M \
		--output-format=terse --minimal "$@" >/dev/null
}

mgmt() {
	vdpa -j mgmtdev show | json 'd["mgmtdev"]["viox_blk"]["supported_classes"]' |
		grep -q block
}
ktap_check "vdpa mgmtdev show lists viox_blk for block devices" mgmt

img=$work/disk0.img
truncate -s 64M "$img"
made() {
	viox_ynl --do blk-new --json "{\"name\": \"vb0\", \"path\": \"$img\", \"serial\": \"viox-vb0\"}" \
		> "$work/new.json" &&
	expect_eq "$(json 'd["capacity"], d["block-size"], d["vdpa"], d["cache"]' < "$work/new.json")" \
		"(131072, 512, 0, 'writeback')"
}
ktap_check "blk-new gives vb0 a 64 MiB file" made

added() {
	vdpa dev add mgmtdev viox_blk name vb0 &&
	disk0=$(disk_of vb0) &&
	expect_eq "$(blockdev --getsz "$disk0")" 131072
}
ktap_check "vdpa dev add: virtio_blk sees a disk of that size" added
disk0=$(disk_of vb0 2>/dev/null)
ktap_check "GET_ID: the serial is in sysfs" \
	expect_eq "$(cat /sys/block/"${disk0#/dev/}"/serial 2>&1)" viox-vb0
ktap_check "packed ring, event index and indirect negotiated" \
	eval 'negotiated vb0 34 && negotiated vb0 29 && negotiated vb0 28'

through() {
	head -c 1M /dev/urandom > "$work/pat"
	dd if="$work/pat" of="$disk0" bs=64k seek=16 oflag=direct status=none &&
	cmp -n 1M "$work/pat" "$img" 0 1M &&
	head -c 1M /dev/urandom > "$work/pat2" &&
	dd if="$work/pat2" of="$img" bs=64k seek=48 conv=notrunc status=none &&
	dd if="$disk0" of="$work/back" bs=64k skip=48 count=16 iflag=direct status=none &&
	cmp "$work/pat2" "$work/back"
}
ktap_check "bytes written reach the file, bytes in the file are read" through
ktap_check "fio verify: 4k random writes, QD32" \
	fio_verify "$disk0" --rw=randwrite --bs=4k --iodepth=32
ktap_check "fio verify: 128k sequential, QD1" \
	fio_verify "$disk0" --rw=write --bs=128k --iodepth=1
ktap_check "fio verify: mixed sizes, QD8" \
	fio_verify "$disk0" --rw=randwrite --bsrange=512-64k --iodepth=8

fs() {
	mkfs.ext4 -q -F "$disk0" &&
	mount "$disk0" "$mnt" &&
	head -c 4M /dev/urandom > "$mnt/a" && cp "$mnt/a" "$mnt/b" &&
	sync && cmp "$mnt/a" "$mnt/b" && umount "$mnt" &&
	e2fsck -f -n "$disk0"
}
ktap_check "ext4: made, mounted, files written, fsck clean" fs

discard() {
	local before after
	dd if=/dev/urandom of="$disk0" bs=1M seek=32 count=8 oflag=direct status=none &&
	before=$(stat -c %b "$img") &&
	blkdiscard -f -o 32M -l 8M "$disk0" &&
	after=$(stat -c %b "$img") &&
	[ $((before - after)) -ge $((8 * 2048)) ] &&
	cmp -n 8M /dev/zero "$img" 0 32M ||
		{ echo "blocks before $before after ${after:-?}"; return 1; }
}
ktap_check "discard punches a hole in the file" discard
zeroes() {
	dd if=/dev/urandom of="$disk0" bs=1M seek=40 count=4 oflag=direct status=none &&
	blkdiscard -f -z -o 40M -l 4M "$disk0" &&
	cmp -n 4M /dev/zero "$img" 0 40M
}
ktap_check "write-zeroes zeroes the file" zeroes

# viox's counters (blk-get) against the block layer's own for the same
# disk (/sys/block/vdX/stat) over a workload of reads, 50 writes, a flush
# and a discard: reads, bytes, flushes, discards; no errors, none in flight.
STAT_KEYS='("reads", "writes", "read-bytes", "write-bytes", "flushes", "discards", "ioerr", "in-flight")'
viox_counts() { # NAME
	viox_ynl --do blk-get --json "{\"name\": \"$1\"}" |
		json "' '.join(str(d['stats'][k]) for k in $STAT_KEYS)"
}
disk_counts() { # DISK
	local s
	read -ra s < /sys/block/"${1#/dev/}"/stat
	echo "${s[0]} ${s[4]} $((s[2] * 512)) $((s[6] * 512)) ${s[15]} ${s[11]} 0 ${s[8]}"
}
counted() {
	local v0 k0 v1 k1 dv="" dk="" i
	read -ra v0 <<<"$(viox_counts vb0)" && read -ra k0 <<<"$(disk_counts "$disk0")" &&
	dd if="$disk0" of=/dev/null bs=4k count=100 iflag=direct status=none &&
	dd if=/dev/urandom of="$disk0" bs=8k count=50 seek=100 oflag=direct \
		conv=fsync status=none &&
	blkdiscard -f -o 48M -l 1M "$disk0" &&
	read -ra v1 <<<"$(viox_counts vb0)" && read -ra k1 <<<"$(disk_counts "$disk0")" ||
		return 1
	# Writes: the block layer also counts the flush's empty write.
	for i in 0 2 3 4 5; do
		dv+=" $((v1[i] - v0[i]))"
		dk+=" $((k1[i] - k0[i]))"
	done
	echo "viox: $dv, block layer: $dk; viox writes $((v1[1] - v0[1])), ioerr ${v1[6]}, in flight ${v1[7]}"
	[ "$dv" = "$dk" ] && [ "$((v1[1] - v0[1]))" = 50 ] && [ "${v1[6]}" = 0 ] &&
		[ "${v1[7]}" = 0 ] && [ "$((v1[0] - v0[0]))" -ge 100 ] &&
		[ "$((v1[4] - v0[4]))" -ge 1 ]
}
ktap_check "blk-get counters match the block layer's: requests, bytes, flushes, discards" \
	counted

# Split rings, two queues: the driver offered everything but RING_PACKED
# (bookworm's vdpa has no device_features: the backing says it).
split() {
	local all
	all=$(json 'd["features"]' < "$work/new.json") &&
	viox_ynl --do blk-new --json "{\"name\": \"vb1\", \"path\": \"$img\", \"queues\": 2,
		\"features\": $((all & ~(1 << 34)))}" >/dev/null &&
	vdpa dev add mgmtdev viox_blk name vb1 &&
	disk1=$(disk_of vb1) &&
	! negotiated vb1 34 &&
	expect_eq "$(ls /sys/block/"${disk1#/dev/}"/mq | wc -l)" 2 &&
	fio_verify "$disk1" --rw=randwrite --bs=4k --iodepth=32 --numjobs=2 \
		--offset_increment=24M
}
ktap_check "split ring, two queues: fio verify with two jobs" split
disk1=$(disk_of vb1 2>/dev/null)

ro() {
	local sum
	viox_ynl --do blk-new --json "{\"name\": \"vb2\", \"path\": \"$img\", \"read-only\": 1}" >/dev/null &&
	vdpa dev add mgmtdev viox_blk name vb2 &&
	disk2=$(disk_of vb2) &&
	expect_eq "$(cat /sys/block/"${disk2#/dev/}"/ro)" 1 &&
	sum=$(cksum < "$img") &&
	blockdev --setrw "$disk2" &&
	! dd if=/dev/zero of="$disk2" bs=4k count=1 oflag=direct status=none 2>/dev/null &&
	expect_eq "$(cksum < "$img")" "$sum" &&
	dd if="$disk2" of=/dev/null bs=64k count=16 iflag=direct status=none
}
ktap_check "a read-only disk reads and refuses writes" ro

refused() { # ERR-TEXT JSON: blk-new refused, saying why
	local out
	out=$(viox_ynl --do blk-new --json "$2" 2>&1) && { echo "accepted: $out"; return 1; }
	grep -q -- "$1" <<<"$out" || { echo "$out"; return 1; }
}
ktap_check "blk-new: a path that does not exist is refused" \
	refused "cannot open the backing path" '{"name": "vbx", "path": "/nonexistent"}'
ktap_check "blk-new: a name in use is refused" \
	refused "a backing of this name exists" "{\"name\": \"vb0\", \"path\": \"$img\"}"
ktap_check "blk-new: a directory is refused" \
	refused "neither a block device nor a regular file" \
	"{\"name\": \"vbx\", \"path\": \"$work\", \"read-only\": 1}"
ktap_check "vdpa dev add without a backing is refused" \
	eval '! vdpa dev add mgmtdev viox_blk name vbx 2>/dev/null'
busy() {
	local out
	out=$(viox_ynl --do blk-del --json '{"name": "vb0"}' 2>&1) && return 1
	grep -q "vdpa dev del it first" <<<"$out" || { echo "$out"; return 1; }
}
ktap_check "blk-del of a backing in use is refused" busy

under_io() {
	fio --name=busy --filename="$disk1" --direct=1 --ioengine=libaio \
		--rw=randrw --bs=4k --iodepth=32 --time_based --runtime=20 --thread \
		--output=/dev/null >/dev/null 2>&1 &
	local f=$! i
	sleep 2
	timeout 60 vdpa dev del vb1 || return 1
	for i in $(seq 100); do kill -0 $f 2>/dev/null || break; sleep 0.2; done
	! kill -0 $f 2>/dev/null && viox_ynl --do blk-del --json '{"name": "vb1"}' >/dev/null
}
ktap_check "vdpa dev del with I/O in flight finishes, then blk-del" under_io

gone() {
	vdpa dev del vb0 && vdpa dev del vb2 &&
	viox_ynl --do blk-del --json '{"name": "vb0"}' >/dev/null &&
	viox_ynl --do blk-del --json '{"name": "vb2"}' >/dev/null &&
	expect_eq "$(viox_ynl --dump blk-get)" "[]" &&
	rmmod viox_blk
}
ktap_check "devices and backings deleted, viox_blk unloads" gone
ktap_finish
