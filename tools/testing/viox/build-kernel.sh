#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build, once, the viox test kernel (KUnit and debug checks) from Debian's
# linux-source-6.12 and cache it outside the repo, keyed by the source
# package version and the config fragment. Prints the cache directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$(test_kernel_dir)
if [ -e "$out/.built" ]; then
	echo "$out"
	exit 0
fi

src=$(linux_source_tree)
mkdir -p "$VIOX_CACHE"
exec 9>"$VIOX_CACHE/.kernel.lock"
flock 9
[ -e "$out/.built" ] && { echo "$out"; exit 0; }

frag=$VIOX_HARNESS/config/test-kernel.config
rm -rf "$out"
mkdir -p "$out"
cat "$src/kernel/configs/kvm_guest.config" "$frag" > "$out/viox.config"
make -s -C "$src" O="$out" KCONFIG_ALLCONFIG="$out/viox.config" allnoconfig >/dev/null

# Every symbol the fragment asks for must have survived dependency resolution.
missing=0
while read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	grep -qx "$line" "$out/.config" || { log "config: $line did not stick"; missing=1; }
done < "$frag"
[ "$missing" = 0 ] || die "test kernel config fragment does not apply"

log "building the test kernel in $out (several minutes, once)"
start=$SECONDS
make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; die "test kernel build failed"; }
make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/staging" INSTALL_MOD_STRIP=1 \
	modules_install >>"$out/build.log" 2>&1
log "test kernel built in $((SECONDS - start)) s"
touch "$out/.built"
echo "$out"
