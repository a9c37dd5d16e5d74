#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_blk against its anchors on one backing device, null_blk in memory
# with 10 us completions (an NVMe-like latency, so the device rather than
# the emulator sets the pace): the bare device (the limit) and
# qemu-storage-daemon's vduse-blk export (io_uring, an iothread; through
# the host's page cache, as O_DIRECT cannot pin the VDUSE bounce pages its
# requests point into: every direct read fails with EIO). viox_blk
# and the export reach the host through the same virtio_vdpa + virtio_blk
# client, so one fio job measures all three. 4k random reads and writes at
# QD1 and QD32 with one queue (one fio job) and two (two jobs), 128k
# sequential reads and writes at QD8; IOPS, medians of interleaved rounds,
# with their spread.
set -u
. "$VIOX_TOP/tools/testing/viox/bench/lib.sh"
. "$VIOX_TOP/tools/testing/selftests/viox/blk_lib.sh"
secs=${VIOX_BENCH_SECONDS:-2}
rounds=${VIOX_BENCH_ROUNDS:-3}
modprobe vdpa
modprobe vduse
modprobe virtio_vdpa
modprobe virtio_blk
modprobe null_blk nr_devices=1 gb=1 memory_backed=1 queue_mode=2 \
	submit_queues=2 hw_queue_depth=128 irqmode=2 completion_nsec=10000 || exit 1
bare=/dev/nullb0
qsd=
cleanup() {
	local n
	for n in vbb1 vbb2 qsd1 qsd2; do vdpa dev del $n 2>/dev/null; done
	for n in vbb1 vbb2; do viox_ynl --do blk-del --json "{\"name\": \"$n\"}" >/dev/null 2>&1; done
	[ -n "$qsd" ] && kill "$qsd" 2>/dev/null && wait "$qsd" 2>/dev/null
	rmmod null_blk 2>/dev/null
}
trap cleanup EXIT

declare -A disk
for q in 1 2; do
	viox_ynl --do blk-new --json "{\"name\": \"vbb$q\", \"path\": \"$bare\", \"queues\": $q}" \
		>/dev/null || exit 1
	vdpa dev add mgmtdev viox_blk name "vbb$q" || exit 1
	disk[viox$q]=$(disk_of "vbb$q") || exit 1
done
qemu-storage-daemon --object iothread,id=t0 \
	--blockdev driver=host_device,node-name=b0,filename=$bare,cache.direct=off,aio=io_uring \
	--export type=vduse-blk,id=e1,node-name=b0,name=qsd1,writable=on,num-queues=1,iothread=t0 \
	--export type=vduse-blk,id=e2,node-name=b0,name=qsd2,writable=on,num-queues=2,iothread=t0 \
	>&2 &
qsd=$!
for i in $(seq 100); do
	[ -e /dev/vduse/qsd1 ] && [ -e /dev/vduse/qsd2 ] && break
	sleep 0.1
done
for q in 1 2; do
	vdpa dev add mgmtdev vduse name "qsd$q" || exit 1
	disk[qsd$q]=$(disk_of "qsd$q") || exit 1
	disk[bare$q]=$bare
done

measure() { # DISK RW BS QD JOBS -> IOPS
	local rw=$2
	fio --name=b --filename="$1" --direct=1 --ioengine=libaio --thread \
		--rw="$rw" --bs="$3" --iodepth="$4" --numjobs="$5" --group_reporting \
		--size=256M --time_based --runtime="$secs" --ramp_time=1 \
		--output-format=json |
		python3 -I -S -c "import json,sys; print(int(json.load(sys.stdin)['jobs'][0]['${rw#rand}']['iops']))"
}


run() { # RW BS QD QUEUES
	local rw=$1 bs=$2 qd=$3 q=$4 r cfg name
	declare -A v=()
	for ((r = 0; r < rounds; r++)); do
		for cfg in viox qsd bare; do
			v[$cfg]+="$(measure "${disk[$cfg$q]}" "$rw" "$bs" "$qd" "$q") " || exit 1
		done
	done
	name="viox_blk $bs $rw QD$qd, $q queue$([ "$q" = 2 ] && echo s)"
	# shellcheck disable=SC2086
	row "$name" "IOPS" "IOPS" "$(median ${v[viox]})" "qsd vduse-blk" "$(median ${v[qsd]})" true \
		"$(spread ${v[viox]})" "$(spread ${v[qsd]})"
	# shellcheck disable=SC2086
	row "$name" "IOPS" "IOPS" "$(median ${v[viox]})" "bare null_blk" "$(median ${v[bare]})" true \
		"$(spread ${v[viox]})" "$(spread ${v[bare]})"
}

for q in 1 2; do
	for rw in randread randwrite; do
		for qd in 1 32; do
			run "$rw" 4k "$qd" "$q"
		done
	done
done
run read 128k 8 1
run write 128k 8 1
