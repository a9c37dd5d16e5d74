#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (cached) an initramfs that lets Debian's stock kernel, which has 9p
# as modules, mount the host root over 9p and exec $VIOX_INIT in it.
# usage: stock-initramfs.sh KVER   (prints the image path)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=$1
img=$VIOX_CACHE/initramfs-$kver-$(sha256sum "$0" | cut -c1-12).cpio.gz
[ -e "$img" ] && { echo "$img"; exit 0; }
mkdir -p "$VIOX_CACHE"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$tmp/bin/busybox"
for m in 9p 9pnet_virtio; do
	modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	base=$(basename "$ko")
	case "$base" in
	*.xz) xz -dc "$ko" > "$tmp/lib/modules/${base%.xz}" ;;
	*.zst) zstd -qdc "$ko" > "$tmp/lib/modules/${base%.zst}" ;;
	*) cp "$ko" "$tmp/lib/modules/" ;;
	esac
	echo "${base%%.ko*}" >> "$tmp/lib/modules/order"
done
cat > "$tmp/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
while read -r m; do
	/bin/busybox insmod "/lib/modules/$m.ko" || echo "initramfs: insmod $m failed"
done < /lib/modules/order
/bin/busybox mount -t 9p -o trans=virtio,version=9p2000.L,msize=524288,cache=loose,ro \
	hostroot /newroot || { echo "initramfs: cannot mount the host root"; /bin/busybox poweroff -f; }
/bin/busybox umount /dev /proc
exec /bin/busybox switch_root /newroot "$VIOX_INIT"
INIT
chmod +x "$tmp/init"
(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$img.tmp"
mv "$img.tmp" "$img"
echo "$img"
