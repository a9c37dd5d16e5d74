#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make run`: boot Debian's stock kernel, load viox as dkms built it, and
# print what it does so far.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

moddir=$("$VIOX_HARNESS/dkms.sh" build)
make -s -C "$VIOX_HARNESS/vnet-guest"
make -s -C "$VIOX_TOP/tools/ip"		# ip's plugin for the vports
out=$VIOX_CACHE/runs/run
rm -rf "$out"
"$VIOX_HARNESS/vm.sh" stock "$out" "$VIOX_HARNESS/guest-run.sh" "VIOX_MODSRC=$moddir" \
	"VIOX_KSRC=$(linux_source_tree)" \
	"VIOX_EXPECT_VERSION=$(cd "$VIOX_TOP" && tools/version.sh)"
[ -s "$out/report.txt" ] || { tail -n 30 "$out/console.log"; die "the VM left no report"; }
cat "$out/report.txt"
[ -e "$out/failed" ] && die "failed: $(paste -sd ';' "$out/failed")"
exit 0
