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
