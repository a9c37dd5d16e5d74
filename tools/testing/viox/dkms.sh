#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Register this tree with dkms as viox/<version> and build it for Debian's
# stock 6.12 kernel, as a distribution user would. Prints the directory of
# the built modules. usage: dkms.sh build [KVER]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = build ] || die "usage: dkms.sh build [KVER]"
kver=${2:-$(stock_kver)}
[ -n "$kver" ] || die "no Debian 6.12 kernel with headers installed"
ver=$(cd "$VIOX_TOP" && tools/version.sh)
src=/usr/src/viox-$ver

# One viox in the dkms tree at a time: drop every registered version.
for old in $(dkms status viox 2>/dev/null | sed -n 's|^viox/\([^,:]*\).*|\1|p' | sort -u); do
	dkms remove "viox/$old" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/viox-$old"
done
rm -rf "$src"
mkdir -p "$src"
(cd "$VIOX_TOP" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 cp --parents -t "$src")
echo "$ver" > "$src/VERSION"
sed -i "s/@VERSION@/$ver/" "$src/dkms.conf"

dkms add "viox/$ver" >/dev/null
mkdir -p "$VIOX_CACHE"
if ! dkms build "viox/$ver" -k "$kver" >"$VIOX_CACHE/dkms-build.log" 2>&1; then
	cat "$VIOX_CACHE/dkms-build.log" >&2
	find /var/lib/dkms/viox/"$ver" -name make.log -exec cat {} + >&2 || true
	die "dkms build of viox/$ver for $kver failed"
fi
echo "/var/lib/dkms/viox/$ver/$kver/$(uname -m)/module"
