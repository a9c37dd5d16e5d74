# SPDX-License-Identifier: GPL-2.0
# viox_blk helpers shared by the blk selftests; sourced, so not executable
# (the harness runs only executable scripts).

# viox_ynl, the kernel's YNL client on the viox family.
. "$(dirname "${BASH_SOURCE[0]}")/net_lib.sh"

# A Python expression over the JSON on stdin, as d: json EXPR.
json() { /usr/bin/python3 -I -S -c "import json,sys; d=json.load(sys.stdin); print(($1))"; }

# The virtio_blk disk of vDPA device NAME, once it appears.
disk_of() {
	local i b
	for i in $(seq 100); do
		b=$(ls /sys/bus/vdpa/devices/"$1"/virtio*/block 2>/dev/null)
		[ -n "$b" ] && { echo "/dev/$b"; return 0; }
		sleep 0.1
	done
	echo "no disk for $1" >&2
	return 1
}

expect_eq() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }

fio_verify() { # DISK FIO-ARGS...: write, then read back and check, all of it
	local disk=$1
	shift
	fio --name=v --filename="$disk" --direct=1 --ioengine=libaio \
		--thread --verify=crc32c --do_verify=1 --verify_fatal=1 --size=16M \
		--output-format=terse --minimal "$@" >/dev/null
}

# The host-disk scenario, on DISK (virtio_blk) backed by the 64 MiB FILE,
# whose GET_ID answers SERIAL: bytes both ways, fio verify, ext4 and fsck,
# discard and write-zeroes seen in the file. blk_vdpa runs it on viox_blk,
# blk_qsd on qemu-storage-daemon's vduse-blk export, which proves it.
# Uses $work (scratch) and $mnt (a mount point).
blk_scenario() { # DISK FILE SERIAL
	local disk=$1 file=$2
	ktap_check "GET_ID: the serial is in sysfs" \
		expect_eq "$(cat /sys/block/"${disk#/dev/}"/serial 2>&1)" "$3"
	ktap_check "bytes written reach the file, bytes in the file are read" \
		blk_through "$disk" "$file"
	ktap_check "fio verify: 4k random writes, QD32" \
		fio_verify "$disk" --rw=randwrite --bs=4k --iodepth=32
	ktap_check "fio verify: 128k sequential, QD1" \
		fio_verify "$disk" --rw=write --bs=128k --iodepth=1
	ktap_check "fio verify: mixed sizes, QD8" \
		fio_verify "$disk" --rw=randwrite --bsrange=512-64k --iodepth=8
	ktap_check "ext4: made, mounted, files written, fsck clean" blk_fs "$disk"
	ktap_check "discard punches a hole in the file" blk_discard "$disk" "$file"
	ktap_check "write-zeroes zeroes the file" blk_zeroes "$disk" "$file"
}

blk_through() { # DISK FILE
	head -c 1M /dev/urandom > "$work/pat"
	dd if="$work/pat" of="$1" bs=64k seek=16 oflag=direct status=none &&
	cmp -n 1M "$work/pat" "$2" 0 1M &&
	head -c 1M /dev/urandom > "$work/pat2" &&
	dd if="$work/pat2" of="$2" bs=64k seek=48 conv=notrunc status=none &&
	dd if="$1" of="$work/back" bs=64k skip=48 count=16 iflag=direct status=none &&
	cmp "$work/pat2" "$work/back"
}

# The scripts that mount file systems on their disks run in a mount
# namespace of their own (their first lines re-run them in one): a copy
# of the VM's mount table that another lane's `ip netns exec` makes
# meanwhile would keep a file system mounted after its umount, and its
# disk busy (the debug kernel refuses writes to a mounted disk, dm to
# remove it).
blk_fs() { # DISK
	mkfs.ext4 -q -F "$1" &&
	mount "$1" "$mnt" &&
	head -c 4M /dev/urandom > "$mnt/a" && cp "$mnt/a" "$mnt/b" &&
	sync && cmp "$mnt/a" "$mnt/b" && umount "$mnt" &&
	e2fsck -f -n "$1"
}

blk_discard() { # DISK FILE
	local before after
	dd if=/dev/urandom of="$1" bs=1M seek=32 count=8 oflag=direct status=none &&
	before=$(stat -c %b "$2") &&
	blkdiscard -f -o 32M -l 8M "$1" &&
	after=$(stat -c %b "$2") &&
	[ $((before - after)) -ge $((8 * 2048)) ] &&
	cmp -n 8M /dev/zero "$2" 0 32M ||
		{ echo "blocks before $before after ${after:-?}"; return 1; }
}

blk_zeroes() { # DISK FILE
	dd if=/dev/urandom of="$1" bs=1M seek=40 count=4 oflag=direct status=none &&
	blkdiscard -f -z -o 40M -l 4M "$1" &&
	cmp -n 4M /dev/zero "$2" 0 40M
}
