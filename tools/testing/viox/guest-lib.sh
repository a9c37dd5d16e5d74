# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest scripts, which run as init inside the VM.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LC_ALL=C
OUT=/mnt/out

# The root is the host's, read-only: give the guest its own /dev, /proc,
# /sys, scratch space and the writable result share.
guest_setup() {
	mount -t proc proc /proc
	mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev
	mkdir -p /dev/pts /dev/shm
	ln -sf /proc/self/fd /dev/fd
	ln -sf /proc/self/fd/0 /dev/stdin
	ln -sf /proc/self/fd/1 /dev/stdout
	ln -sf /proc/self/fd/2 /dev/stderr
	mount -t devpts devpts /dev/pts
	mount -t tmpfs shm /dev/shm
	mount -t debugfs debugfs /sys/kernel/debug
	# The tree may live under a directory that gets a scratch tmpfs
	# below (a CI clone in /tmp): keep it visible.
	local d keep=/dev/shm/viox-top
	mkdir -p "$keep"
	mount --bind "$VIOX_TOP" "$keep"
	for d in /tmp /run /var/tmp /mnt /root; do
		mount -t tmpfs -o mode=1777 tmpfs "$d" 2>/dev/null
	done
	if [ -e "$VIOX_TOP/Makefile" ]; then
		umount "$keep"
	else
		mkdir -p "$VIOX_TOP"
		mount --move "$keep" "$VIOX_TOP"
	fi
	mkdir -p "$OUT"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288 vioxout "$OUT"
	hostname viox-guest
	ip link set lo up
	echo 8 > /proc/sys/kernel/printk
}

guest_poweroff() {
	sync
	umount "$OUT" 2>/dev/null
	poweroff -f
}

# modprobe an in-tree module of the running kernel (the test kernel's
# modules live in a staging tree, the stock kernel's in /lib/modules).
kmod_load() {
	if [ -n "${VIOX_MODDIR:-}" ]; then
		modprobe -d "$VIOX_MODDIR" "$@"
	else
		modprobe "$@"
	fi
}

# Load the viox modules found in the given .ko files in dependency order,
# pulling in-tree dependencies with modprobe; VIOX_LOADED lists them in
# the order loaded.
VIOX_LOADED=()
viox_load() {
	local -A name_of=()
	local ko pending=("$@") progress dep deps loaded
	for ko in "$@"; do
		name_of[$ko]=$(modinfo -F name "$ko")
	done
	while [ ${#pending[@]} -gt 0 ]; do
		progress=() loaded=0
		for ko in "${pending[@]}"; do
			deps=$(modinfo -F depends "$ko" | tr , ' ')
			local ready=1
			for dep in $deps; do
				if printf '%s\n' "${name_of[@]}" | grep -qx "$dep"; then
					[ -d "/sys/module/$dep" ] || ready=0
				else
					[ -d "/sys/module/$dep" ] || kmod_load "$dep" || return 1
				fi
			done
			if [ "$ready" = 1 ]; then
				insmod "$ko" || return 1
				VIOX_LOADED+=("${name_of[$ko]}")
				loaded=1
			else
				progress+=("$ko")
			fi
		done
		[ "$loaded" = 1 ] || { echo "viox_load: dependency cycle in ${progress[*]}"; return 1; }
		pending=("${progress[@]}")
	done
}

viox_modules() {
	find "$1/drivers" -name 'viox_*.ko' | sort
}
