# SPDX-License-Identifier: GPL-2.0
# Shared definitions for the viox test harness; sourced, never run.

VIOX_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VIOX_HARNESS=$VIOX_TOP/tools/testing/viox
VIOX_CACHE=${VIOX_CACHE:-/var/cache/viox}
VIOX_SRC_TAR=/usr/src/linux-source-6.12.tar.xz

log() { printf 'viox: %s\n' "$*" >&2; }
die() { printf 'viox: error: %s\n' "$*" >&2; exit 1; }

# The Debian kernel every "real host" run uses: the newest installed
# 6.12 image that also has its headers.
stock_kver() {
	local d v
	for d in /lib/modules/6.12.*-amd64; do
		[ -e "$d/build/Makefile" ] || continue
		v=${d##*/}
		[ -e "/boot/vmlinuz-$v" ] && echo "$v"
	done | sort -V | tail -n 1
}

# Version of the Debian source package the test kernel is built from.
linux_source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null
}

# Cache directory of the test kernel for the current source and fragment.
test_kernel_dir() {
	local key
	key=$( { linux_source_version; cat "$VIOX_HARNESS/config/test-kernel.config"; } |
	       sha256sum | cut -c1-16)
	echo "$VIOX_CACHE/kernel-$key"
}

# The extracted linux-source-6.12 tree (extracted once, into the cache):
# checkpatch, the YNL generator and the test kernel's source.
linux_source_tree() {
	local src
	src=$VIOX_CACHE/linux-source-$(linux_source_version)
	[ -e "$src/.extracted" ] && { echo "$src"; return 0; }
	[ -r "$VIOX_SRC_TAR" ] || die "$VIOX_SRC_TAR missing: run tools/testing/viox/install-deps.sh"
	mkdir -p "$VIOX_CACHE"
	(
		flock 8
		[ -e "$src/.extracted" ] && exit 0
		log "extracting $VIOX_SRC_TAR"
		rm -rf "$src" "$src.tmp"
		mkdir -p "$src.tmp"
		tar -xf "$VIOX_SRC_TAR" -C "$src.tmp" --strip-components=1
		mv "$src.tmp" "$src"
		touch "$src/.extracted"
	) 8>"$VIOX_CACHE/.source.lock" || return 1
	echo "$src"
}
