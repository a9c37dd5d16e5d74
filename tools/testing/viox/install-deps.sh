#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install, idempotently, the Debian 12 packages viox builds and tests with:
# the 6.12 source, stock image and headers, dkms, checkers, the peers'
# tools, and QEMU >= 8 from bookworm-backports (bookworm's 7.2 has no igb),
# with qemu-storage-daemon 10 from there too (viox_blk's peer), and
# libvirt's QEMU driver after it (vports' peer; it would pull bookworm's QEMU).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkgs=(linux-source-6.12 linux-image-6.12-amd64 linux-headers-6.12-amd64 dkms
      build-essential flex bison bc libelf-dev libssl-dev cpio xz-utils kmod
      busybox-static sparse iproute2 iputils-ping ethtool fio iperf3 python3-pyroute2
      python3 python3-yaml python3-jsonschema dpdk-dev jq dmsetup)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
have_igb() {
	command -v qemu-system-x86_64 >/dev/null &&
	qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"'
}
have_qsd() {
	command -v qemu-storage-daemon >/dev/null &&
	dpkg --compare-versions "$(dpkg-query -W -f='${Version}' qemu-utils)" ge 1:10
}
have_libvirt() { command -v virt-qemu-run >/dev/null; }
if [ ${#missing[@]} = 0 ] && have_igb && have_qsd && have_libvirt; then
	exit 0
fi
[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]} qemu-system-x86 (>= 8) qemu-utils (>= 10) libvirt-daemon-driver-qemu"

# bookworm-backports from the mirror the machine already uses.
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	mirror=$(grep -rhs -B3 -A3 '^Suites:.*bookworm' /etc/apt/sources.list.d/*.sources |
		 awk '/^URIs:/ && $2 ~ /debian\/?$/ { print $2; exit }')
	[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
				  /etc/apt/sources.list 2>/dev/null)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	log "adding bookworm-backports from $mirror"
	cat > /etc/apt/sources.list.d/viox-backports.sources <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
log "installing: ${missing[*]} qemu-system-x86 qemu-utils"
apt-get update -q >/dev/null
if [ ${#missing[@]} -gt 0 ]; then
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
have_igb || apt-get install -y -q --no-install-recommends -t bookworm-backports \
	qemu-system-x86 >/dev/null
have_igb || die "QEMU has no igb device after installing from bookworm-backports"
have_qsd || apt-get install -y -q --no-install-recommends -t bookworm-backports \
	qemu-utils >/dev/null
have_qsd || die "no qemu-storage-daemon 10 after installing qemu-utils from bookworm-backports"
have_libvirt || apt-get install -y -q --no-install-recommends \
	libvirt-daemon libvirt-daemon-driver-qemu >/dev/null
have_libvirt || die "no virt-qemu-run after installing libvirt-daemon-driver-qemu"
