#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_blk as a host disk: a backing store set over the viox netlink
# family (the kernel's YNL client), a vDPA device made by iproute2's vdpa,
# bound to virtio_vdpa, and the in-tree virtio_blk driving it: sizes and
# serial as configured, bytes landing in the backing file, fio verifying
# packed and split rings with one and two queues, ext4 made and checked,
# discard and write-zeroes reaching the file, I/O limits holding under
# fio, a read-only disk refusing writes, bad requests refused with their
# reason, deletion under I/O.
# viox_blk's tests take turns in one lane: they load the vDPA bus drivers
# (the first one a new device meets takes it), unload viox_blk and count
# its devices and notifications.
# viox-lane: blk
# Its file systems in a mount namespace of its own (blk_lib.sh says why).
[ -n "${VIOX_OWN_MOUNTS:-}" ] || VIOX_OWN_MOUNTS=1 exec unshare -m --propagation private "$0" "$@"
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
	for d in vb0 vb1 vb2 vb3 vb4; do vdpa dev del $d 2>/dev/null; done
}
trap 'cleanup; rm -rf "$ktap_out" "$work"' EXIT

# Whether the virtio device of NAME negotiated feature BIT.
negotiated() { # NAME BIT
	local f
	f=$(cat /sys/bus/vdpa/devices/"$1"/virtio*/features)
	[ "${f:$2:1}" = 1 ]
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
ktap_check "packed ring, event index and indirect negotiated" \
	eval 'negotiated vb0 34 && negotiated vb0 29 && negotiated vb0 28'
blk_scenario "$disk0" "$img" viox-vb0

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

# Each queue has a worker of its own: one fio job on a CPU of each queue
# (blk-mq's map, in sysfs), and each queue's kthread woke for its requests
# while the other's did too.
switches() { # COMM: voluntary context switches of the kthread named COMM
	local p
	p=$(pgrep -x "$1") || { echo "no kthread $1"; return 1; }
	awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$p/status"
}
own_workers() {
	local a0 a1 b0 b1 c0 c1 mq=/sys/block/${disk1#/dev/}/mq
	c0=$(grep -o '^[0-9]*' "$mq/0/cpu_list") && c1=$(grep -o '^[0-9]*' "$mq/1/cpu_list") ||
		return 1
	a0=$(switches viox-vb1-0) && a1=$(switches viox-vb1-1) || return 1
	fio --name=w --filename="$disk1" --direct=1 --ioengine=libaio --thread \
		--rw=randread --bs=4k --iodepth=8 --numjobs=2 --size=16M \
		--io_size=4M --cpus_allowed="$c0,$c1" --cpus_allowed_policy=split \
		--output-format=terse --minimal >/dev/null || return 1
	b0=$(switches viox-vb1-0) && b1=$(switches viox-vb1-1) || return 1
	echo "queue 0's worker woke $((b0 - a0)) times, queue 1's $((b1 - a1))"
	[ "$((b0 - a0))" -ge 20 ] && [ "$((b1 - a1))" -ge 20 ] &&
		! pgrep -x viox-vb1-2 >/dev/null
}
ktap_check "two queues, two workers: each queue's kthread serves its own CPU's I/O" \
	own_workers
# virtio_vdpa gives each vq its CPUs (the queue's in blk-mq's map): the
# vq's worker runs on those.
cpus_of() { # COMM: the CPUs the kthread named COMM may run on
	awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$(pgrep -x "$1")/status"
}
worker_cpus() {
	local q mq=/sys/block/${disk1#/dev/}/mq
	for q in 0 1; do
		echo "queue $q: CPUs $(cat "$mq/$q/cpu_list"), its worker's $(cpus_of viox-vb1-$q)"
		[ "$(cpus_of viox-vb1-$q)" = "$(tr -d ' ' < "$mq/$q/cpu_list")" ] || return 1
	done
}
ktap_check "two queues: each worker runs on its queue's CPUs" worker_cpus

# I/O limits set at runtime (blk-set), measured by fio: vb0 held to them
# within 10% while vb1, on the same file and unlimited, is not held back.
within() { # GOT WANT PERCENT
	echo "got $1, want $2 within $3%"
	[[ $1 =~ ^[0-9]+$ ]] || return 1
	local d=$(( $1 > $2 ? $1 - $2 : $2 - $1 ))
	[ $((d * 100)) -le $(($3 * $2)) ]
}
fio_rate() { # DISK KEY(iops|bw) RW BS FIO-ARGS...: the rate fio measured
	local disk=$1 key=$2 rw=$3 bs=$4
	shift 4
	fio --name=q --filename="$disk" --direct=1 --ioengine=libaio --thread \
		--rw="$rw" --bs="$bs" --size=16M --time_based --runtime=6 \
		--ramp_time=1 --output-format=json "$@" |
		json "int(d['jobs'][0]['${rw#rand}']['$key'])"
}
limits_set() { # NAME LIMITS-JSON: set, and the reply says so
	viox_ynl --do blk-set --json "{\"name\": \"$1\", \"limits\": $2}" > "$work/set.json" &&
	json "all(d['limits'][k] == v for k, v in $2.items())" < "$work/set.json" | grep -qx True
}
qos_read() {
	local got other
	limits_set vb0 '{"read-iops": 200}' || return 1
	fio_rate "$disk1" iops randread 4k --iodepth=16 > "$work/other" &
	got=$(fio_rate "$disk0" iops randread 4k --iodepth=16)
	wait $! && other=$(cat "$work/other")
	echo "vb1, unlimited, at the same time: $other IOPS"
	within "$got" 200 10 && [[ $other =~ ^[0-9]+$ ]] && [ "$other" -gt 300 ]
}
ktap_check "read-iops 200: fio reads at 200 IOPS, the unlimited disk beside it faster" qos_read
qos_write() {
	limits_set vb0 '{"read-iops": 0, "write-bps": 2097152}' &&
	within "$(fio_rate "$disk0" bw write 64k --iodepth=4)" 2048 10
}
ktap_check "write-bps 2 MiB/s: fio writes at 2 MiB/s" qos_write
qos_write_iops() {
	limits_set vb0 '{"write-bps": 0, "write-iops": 150}' &&
	within "$(fio_rate "$disk0" iops randwrite 4k --iodepth=16)" 150 10
}
ktap_check "write-iops 150: fio writes at 150 IOPS" qos_write_iops
qos_read_bps() {
	limits_set vb0 '{"write-iops": 0, "read-bps": 2097152}' &&
	within "$(fio_rate "$disk0" bw read 64k --iodepth=4)" 2048 10
}
ktap_check "read-bps 2 MiB/s: fio reads at 2 MiB/s" qos_read_bps
qos_counted() {
	viox_ynl --do blk-get --json '{"name": "vb0"}' > "$work/get.json" &&
	json "d['stats']['throttled'] > 0 and d['stats']['throttled-ns'] > 10**9 and
		sum(d['stats']['latency-hist']) == sum(d['stats'][k] for k in
		('reads', 'writes', 'flushes', 'discards', 'write-zeroes', 'get-ids'))
		and len(d['stats']['latency-hist']) == 20" < "$work/get.json" | grep -qx True &&
	expect_eq "$(cd /sys/bus/vdpa/devices/vb0/viox && cat reads writes write_bytes in_flight)" \
		"$(json "'\\n'.join(str(d['stats'][k]) for k in ('reads', 'writes', 'write-bytes', 'in-flight'))" < "$work/get.json")" &&
	limits_set vb0 '{"read-bps": 0}' &&
	json "sum(d['limits'].values())" < "$work/set.json" | grep -qx 0
}
ktap_check "throttled time counted, every request in the latency histogram, sysfs agrees, limits lifted" \
	qos_counted
# Whatever failed above, the checks below run without limits.
limits_set vb0 '{"read-iops": 0, "write-iops": 0, "read-bps": 0, "write-bps": 0}'

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
# The family's blk commands need CAP_NET_ADMIN.
unprivileged() {
	local out
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 \
		"$VIOX_KSRC/tools/net/ynl/cli.py" --spec "$VIOX_TOP/Documentation/netlink/specs/viox.yaml" \
		--no-schema --do blk-new --json "{\"name\": \"vbx\", \"path\": \"$img\"}" 2>&1) &&
		{ echo "nobody made a backing: $out"; return 1; }
	echo "$out" | tail -n 2
	grep -q "Operation not permitted\|error: -1\|EPERM" <<<"$out" &&
	! viox_ynl --do blk-get --json '{"name": "vbx"}' >/dev/null 2>&1
}
ktap_check "blk-new from a user without CAP_NET_ADMIN is refused" unprivileged

# fio on NAME's disk in the background (its pid in $fio_pid), for as
# long as the disk is there; returns once NAME has requests in flight.
fio_busy() { # NAME DISK
	local i
	fio --name=busy --filename="$2" --direct=1 --ioengine=libaio \
		--rw=randrw --bs=4k --iodepth=32 --time_based --runtime=300 --thread \
		--output=/dev/null >/dev/null 2>&1 &
	fio_pid=$!
	for i in $(seq 100); do
		[ "$(cat "/sys/bus/vdpa/devices/$1/viox/in_flight" 2>/dev/null)" -gt 0 ] 2>/dev/null &&
			return 0
		sleep 0.1
	done
	echo "no request in flight on $1"
	return 1
}
fio_ended() { # within 20 s, or killed
	local i
	for i in $(seq 100); do kill -0 $fio_pid 2>/dev/null || return 0; sleep 0.2; done
	echo "fio still runs"
	kill -9 $fio_pid 2>/dev/null
	return 1
}
# CMD... in the background: it must return within 60 s; if not, what it
# is blocked in (a hang in the kernel outlasts any timeout).
returns() {
	local pid i
	"$@" &
	pid=$!
	for i in $(seq 300); do
		kill -0 $pid 2>/dev/null || { wait $pid; return; }
		sleep 0.2
	done
	echo "'$*' blocked for 60 s in:"
	cat "/proc/$pid/stack" 2>/dev/null
	return 124
}
# The vDPA device deleted with requests in flight: they end, then the
# backing goes.
under_io() {
	fio_busy vb1 "$disk1" || { fio_ended; return 1; }
	returns vdpa dev del vb1 || { fio_ended; return 1; }
	fio_ended && viox_ynl --do blk-del --json '{"name": "vb1"}' >/dev/null
}
ktap_check "vdpa dev del with I/O in flight finishes, then blk-del" under_io

# virtio_vdpa unbound from a device with I/O in flight: the disk goes, its
# requests end; bound again, a new disk works.
unbind_under_io() {
	local d
	truncate -s 64M "$work/disk3.img" &&
	viox_ynl --do blk-new --json "{\"name\": \"vb3\", \"path\": \"$work/disk3.img\"}" \
		>/dev/null &&
	vdpa dev add mgmtdev viox_blk name vb3 && d=$(disk_of vb3) || return 1
	fio_busy vb3 "$d" || { fio_ended; return 1; }
	returns sh -c 'echo vb3 > /sys/bus/vdpa/drivers/virtio_vdpa/unbind' || { fio_ended; return 1; }
	fio_ended || return 1
	echo vb3 > /sys/bus/vdpa/drivers/virtio_vdpa/bind && d=$(disk_of vb3) &&
	fio_verify "$d" --size=4M --bs=16k --rw=randwrite --iodepth=8 &&
	vdpa dev del vb3 && viox_ynl --do blk-del --json '{"name": "vb3"}' >/dev/null
}
ktap_check "virtio_vdpa unbound with I/O in flight: requests end, bound again it serves" \
	unbind_under_io

gone() {
	vdpa dev del vb0 && vdpa dev del vb2 &&
	viox_ynl --do blk-del --json '{"name": "vb0"}' >/dev/null &&
	viox_ynl --do blk-del --json '{"name": "vb2"}' >/dev/null &&
	expect_eq "$(viox_ynl --dump blk-get)" "[]" &&
	rmmod viox_blk
}
ktap_check "devices and backings deleted, viox_blk unloads" gone

# rmmod with a disk under I/O: its devices go first, requests end; or
# the module refuses, busy. Neither hangs.
rmmod_under_io() {
	local d
	insmod "$(viox_ko viox_blk)" &&
	viox_ynl --do blk-new --json "{\"name\": \"vb4\", \"path\": \"$work/disk3.img\"}" \
		>/dev/null &&
	vdpa dev add mgmtdev viox_blk name vb4 && d=$(disk_of vb4) || return 1
	fio_busy vb4 "$d" || { fio_ended; return 1; }
	returns rmmod viox_blk
	case $? in
	0) echo "rmmod took the device away" ;;
	124) return 1 ;;
	*)
		echo "rmmod refused: busy"
		kill $fio_pid
		fio_ended && vdpa dev del vb4 &&
			viox_ynl --do blk-del --json '{"name": "vb4"}' >/dev/null &&
			rmmod viox_blk || return 1
		;;
	esac
	fio_ended && [ ! -d /sys/module/viox_blk ] && [ ! -e "$d" ]
}
ktap_check "rmmod viox_blk with a disk under I/O: requests end, no hang" rmmod_under_io
ktap_finish
