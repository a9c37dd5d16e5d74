#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The scenario is sound: blk_vdpa's host-disk checks pass on the userspace
# anchor too, qemu-storage-daemon's vduse-blk export (Debian's qemu-utils
# from bookworm-backports) of the same kind of backing file, through the
# same virtio_vdpa and in-tree virtio_blk (through the page cache: O_DIRECT
# cannot pin the VDUSE bounce pages its requests point into). It is the
# peer, not the code under test: it runs on Debian's kernel, as users have
# it.
# viox_blk's tests take turns in one lane: they load the vDPA bus drivers
# (the first one a new device meets takes it), unload viox_blk and count
# its devices and notifications.
# viox-lane: blk
# Its file systems in a mount namespace of its own (blk_lib.sh says why).
[ -n "${VIOX_OWN_MOUNTS:-}" ] || VIOX_OWN_MOUNTS=1 exec unshare -m --propagation private "$0" "$@"
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/blk_lib.sh"

if [ "${VIOX_KERNEL:-}" != stock ]; then
	ktap_skip "blk_vdpa's scenario on qemu-storage-daemon" "the peer runs on Debian's kernel"
	ktap_finish
fi
command -v qemu-storage-daemon >/dev/null || { echo "Bail out! no qemu-storage-daemon"; exit 1; }

kmod_load vdpa
kmod_load vduse
kmod_load virtio_vdpa
kmod_load virtio_blk

work=$(mktemp -d)
mnt=$work/mnt
mkdir -p "$mnt"
qsd=
cleanup() {
	umount "$mnt" 2>/dev/null
	vdpa dev del qsd0 2>/dev/null
	[ -n "$qsd" ] && kill "$qsd" 2>/dev/null && wait "$qsd" 2>/dev/null
}
trap 'cleanup; rm -rf "$ktap_out" "$work"' EXIT

img=$work/disk0.img
truncate -s 64M "$img"
exported() {
	local i
	qemu-storage-daemon \
		--blockdev driver=file,node-name=f0,filename="$img",cache.direct=off,aio=io_uring,discard=unmap \
		--export type=vduse-blk,id=e0,node-name=f0,name=qsd0,writable=on,serial=qsd-vb0 \
		> "$work/qsd.log" 2>&1 &
	qsd=$!
	for i in $(seq 100); do
		[ -e /dev/vduse/qsd0 ] && break
		kill -0 "$qsd" 2>/dev/null || { cat "$work/qsd.log"; return 1; }
		sleep 0.1
	done
	vdpa dev add mgmtdev vduse name qsd0 &&
	disk=$(disk_of qsd0) &&
	expect_eq "$(blockdev --getsz "$disk")" 131072
}
ktap_check "qemu-storage-daemon exports the file over VDUSE; virtio_blk sees it" exported
disk=$(disk_of qsd0 2>/dev/null) || { ktap_finish; }
blk_scenario "$disk" "$img" qsd-vb0
gone() {
	vdpa dev del qsd0 && kill "$qsd" || return 1
	wait "$qsd"
	qsd=
	[ ! -e /dev/vduse/qsd0 ]
}
ktap_check "the export goes away" gone
ktap_finish
