#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_blk over stores that fail, through virtio_vdpa and the in-tree
# virtio_blk, with device-mapper between the store and the disk:
# - a store whose writes fail (dm-flakey error_writes): the driver gets
#   an I/O error, viox counts it, reads still work, and a second disk on
#   a healthy store keeps passing fio verify meanwhile;
# - durability: a sparse file on ext4 on a device that is cut (dm-flakey
#   drop_writes: every later write is lost) right after a flush. The
#   writes acknowledged before the flush must be there when the file
#   system is mounted again; their blocks were allocated by those writes,
#   so only the flush (an fsync of the file) commits them;
# - the same cut on a write-through disk, with no flush at all: every
#   write acknowledged is there (viox writes them through, virtio_blk
#   sends no flush).
# viox_blk's tests take turns in one lane: they load the vDPA bus drivers
# (the first one a new device meets takes it), unload viox_blk and count
# its devices and notifications.
# viox-lane: blk
# Its file systems in a mount namespace of its own (blk_lib.sh says why).
[ -n "${VIOX_OWN_MOUNTS:-}" ] || VIOX_OWN_MOUNTS=1 exec unshare -m --propagation private "$0" "$@"
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/blk_lib.sh"

debug_kernel_only "viox_blk over failing stores"

kmod_load vdpa
kmod_load virtio_vdpa
kmod_load virtio_blk
kmod_load loop
kmod_load dm_mod
kmod_load dm_flakey
[ -d /sys/module/viox_vring ] || insmod "$(viox_ko viox_vring)"
[ -d /sys/module/viox_blk ] || insmod "$(viox_ko viox_blk)"

# No udev in the guest: dmsetup makes the nodes itself.
export DM_DISABLE_UDEV=1
work=$(mktemp -d)
mnt=$work/mnt
mkdir -p "$mnt"
loops=()
cleanup() {
	for d in vf0 vf1 vf2 vf3; do vdpa dev del $d 2>/dev/null; done
	for d in vf0 vf1 vf2 vf3; do viox_ynl --do blk-del --json "{\"name\": \"$d\"}" >/dev/null 2>&1; done
	umount "$mnt" 2>/dev/null
	dmsetup remove viox-wfail 2>/dev/null
	dmsetup remove viox-cut 2>/dev/null
	for l in "${loops[@]}"; do losetup -d "$l" 2>/dev/null; done
}
trap 'cleanup; rm -rf "$ktap_out" "$work"' EXIT

new_disk() { # NAME PATH [CACHE]: prints its /dev/vdX
	viox_ynl --do blk-new --json \
		"{\"name\": \"$1\", \"path\": \"$2\", \"cache\": \"${3:-writeback}\"}" >/dev/null &&
	vdpa dev add mgmtdev viox_blk name "$1" && disk_of "$1"
}
new_loop() { # SIZE: a loop device over a new sparse file
	local f
	f=$(mktemp -p "$work" store.XXXX) && truncate -s "$1" "$f" &&
	loops+=("$(losetup -f --show "$f")") && echo "${loops[-1]}"
}

# A store that fails writes, and a healthy one beside it.
setup_fail() {
	local l
	l=$(new_loop 16M) &&
	dmsetup create viox-wfail --table "0 32768 flakey $l 0 0 1 1 error_writes" &&
	bad=$(new_disk vf0 /dev/mapper/viox-wfail) &&
	truncate -s 32M "$work/good.img" &&
	good=$(new_disk vf1 "$work/good.img")
}
ktap_check "disks on a store that fails writes and on a healthy file" setup_fail

failing() {
	local ioerr
	fio --name=v --filename="$good" --direct=1 --ioengine=libaio --thread \
		--verify=crc32c --do_verify=1 --verify_fatal=1 --size=16M --bs=4k \
		--rw=randwrite --iodepth=16 --output=/dev/null >/dev/null 2>&1 &
	local f=$!
	dd if="$bad" of=/dev/null bs=64k count=16 iflag=direct status=none || return 1
	if dd if=/dev/zero of="$bad" bs=4k count=8 oflag=direct status=none 2>/dev/null; then
		echo "a write to the failing store succeeded"
		return 1
	fi
	wait $f || { echo "fio verify on the healthy disk failed"; return 1; }
	ioerr=$(viox_ynl --do blk-get --json '{"name": "vf0"}' | json 'd["stats"]["ioerr"]')
	[ "$ioerr" -ge 1 ] || { echo "ioerr $ioerr"; return 1; }
}
ktap_check "failed writes reach the driver as I/O errors and are counted; reads work; the other disk is unaffected" \
	failing

# Durability across a cut: right after a flush (write-back), or with no
# flush at all (write-through).
cut_table() { echo "0 $(blockdev --getsz "$cut_loop") flakey $cut_loop 0 0 1 1 drop_writes"; }
setup_cut() { # NAME CACHE
	# What a failed check before left behind.
	umount "$mnt" 2>/dev/null
	dmsetup remove viox-cut 2>/dev/null
	cut_loop=$(new_loop 256M) &&
	dmsetup create viox-cut --table "0 $(blockdev --getsz "$cut_loop") linear $cut_loop 0" &&
	mkfs.ext4 -q -F /dev/mapper/viox-cut &&
	# No periodic journal commit: only the flush may make the writes stay.
	mount -o commit=600 /dev/mapper/viox-cut "$mnt" &&
	truncate -s 64M "$mnt/disk.img" &&
	sync &&
	disk=$(new_disk "$1" "$mnt/disk.img" "$2")
}
ktap_check "a sparse file on ext4 on a device that can be cut, as a disk" setup_cut vf2 writeback

flushes_of() { viox_ynl --do blk-get --json "{\"name\": \"$1\"}" | json 'd["stats"]["flushes"]'; }
durable() { # NAME CACHE
	local flushes
	# Written into holes: the blocks are allocated by these writes.
	dd if=/dev/urandom of="$work/before" bs=1M count=4 status=none &&
	flushes=$(flushes_of "$1") || return 1
	if [ "$2" = writeback ]; then
		dd if="$work/before" of="$disk" bs=1M seek=8 oflag=direct status=none || return 1
		# The flush, through the block layer (fsync of the disk) to viox.
		dd if=/dev/null of="$disk" conv=fsync status=none &&
		[ "$(flushes_of "$1")" -gt "$flushes" ] || return 1
	else
		# An fsync too: the block layer drops its flush, the disk
		# being write-through, so none reaches viox.
		expect_eq "$(cat "/sys/block/${disk#/dev/}/queue/write_cache")" "write through" &&
		dd if="$work/before" of="$disk" bs=1M seek=8 oflag=direct conv=fsync \
			status=none &&
		expect_eq "$(flushes_of "$1")" "$flushes" || return 1
	fi
	dmsetup suspend --nolockfs viox-cut && dmsetup load viox-cut --table "$(cut_table)" &&
	dmsetup resume viox-cut || return 1
	# After the cut: lost, and that is allowed.
	dd if=/dev/urandom of="$disk" bs=1M seek=20 count=4 oflag=direct conv=fsync \
		status=none || return 1
	vdpa dev del "$1" && viox_ynl --do blk-del --json "{\"name\": \"$1\"}" >/dev/null &&
	umount "$mnt" &&
	# What the store holds, read afresh from the loop device: the cut
	# device's page cache keeps what ext4 wrote into the cut, among it
	# the clean unmount's superblock, which would have the journal with
	# the flushed transaction wiped (drop_caches may leave such a page).
	dmsetup remove --retry viox-cut &&
	kmsg_mark &&
	mount "$cut_loop" "$mnt" || return 1
	# The cut was real: the unmount's writes were lost, the journal replays.
	kmsg_since | grep -q "EXT4-fs (${cut_loop#/dev/}): recovery complete" ||
		{ echo "the file system was clean: the cut lost nothing"; return 1; }
	cmp -n 4M "$work/before" "$mnt/disk.img" 0 8M ||
		{ echo "a write acknowledged before the cut was lost"; return 1; }
	umount "$mnt"
}
ktap_check "writes acknowledged before a flush survive a cut right after it" durable vf2 writeback
ktap_check "a write-through disk: a write-through cache to virtio_blk" setup_cut vf3 writethrough
ktap_check "a write-through disk: writes acknowledged with no flush survive a cut" \
	durable vf3 writethrough

gone() {
	cleanup
	[ "$(viox_ynl --dump blk-get)" = "[]" ]
}
ktap_check "devices, stores and mappings removed" gone
ktap_finish
