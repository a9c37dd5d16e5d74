#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a kernel under QEMU TCG with the host root shared read-only and run
# a guest script as init. What the guest leaves in /viox-out (a writable
# 9p share) is in OUTDIR afterwards, with the console in OUTDIR/console.log.
#
# usage: vm.sh test|stock OUTDIR GUEST-SCRIPT [ARG=VALUE ...]
#   test   the cached test kernel (KUnit, KASAN, lockdep, kmemleak)
#   stock  Debian's linux-image-6.12, through a small 9p initramfs
# ARG=VALUE pairs reach the guest script as environment variables.
# VIOX_VM_SMP sets the vCPUs (2), VIOX_VM_MEM the MiB of memory (2048).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 3 ] || die "usage: vm.sh test|stock OUTDIR GUEST-SCRIPT [ARG=VALUE ...]"
kind=$1 outdir=$2 script=$3
shift 3
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
rm -f "$outdir/console.log"

root9p="root=hostroot rootfstype=9p rootflags=trans=virtio,version=9p2000.L,msize=524288,cache=loose ro"
args=()
case "$kind" in
test)
	kdir=$("$VIOX_HARNESS/build-kernel.sh")
	args+=(-kernel "$kdir/arch/x86/boot/bzImage")
	# Every KASAN report, not only the first: one must not hide another.
	cmdline="$root9p init=$script VIOX_KERNEL=test VIOX_MODDIR=$kdir/staging kasan_multi_shot"
	;;
stock)
	kver=$(stock_kver)
	[ -n "$kver" ] || die "no Debian 6.12 kernel with headers installed"
	initrd=$("$VIOX_HARNESS/stock-initramfs.sh" "$kver")
	args+=(-kernel "/boot/vmlinuz-$kver" -initrd "$initrd")
	cmdline="VIOX_INIT=$script VIOX_KERNEL=stock"
	;;
*) die "unknown kernel kind '$kind'" ;;
esac
cmdline+=" console=ttyS0 panic=-1 quiet VIOX_TOP=$VIOX_TOP $*"

# The wire: the igb (behind a PCIe root port) and a virtio-net peer share
# QEMU hub 0.
timeout --foreground -k 10 "${VIOX_VM_TIMEOUT:-1200}" \
	qemu-system-x86_64 -accel tcg -cpu max -smp "${VIOX_VM_SMP:-2}" -m "${VIOX_VM_MEM:-2048}" \
	-machine q35 -nographic -no-reboot -nodefaults -serial stdio \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$outdir",mount_tag=vioxout,security_model=none \
	-device pcie-root-port,id=rp0,chassis=1,slot=1 \
	-device igb,bus=rp0,netdev=wire0 -netdev hubport,id=wire0,hubid=0 \
	-device virtio-net-pci,netdev=wire1 -netdev hubport,id=wire1,hubid=0 \
	"${args[@]}" -append "$cmdline" </dev/null >"$outdir/console.log" 2>&1 || {
	rc=$?
	[ "$rc" = 124 ] && log "the VM timed out"
	log "qemu exited with $rc; console: $outdir/console.log"
	exit "$rc"
}
