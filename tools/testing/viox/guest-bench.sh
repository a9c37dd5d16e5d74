#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make bench`: load viox on the stock kernel and run every
# benchmark in tools/testing/viox/bench/. Each prints JSON rows, one per
# line, to stdout (see bench.sh); they land in OUT/rows.jsonl.
. "$VIOX_TOP/tools/testing/viox/guest-lib.sh"
guest_setup
exec 2>"$OUT/guest.log"
shopt -s nullglob

mapfile -t mods < <(find "$VIOX_MODSRC" -maxdepth 1 -name 'viox_*.ko*' ! -name '*_kunit.ko*' | sort)
export VIOX_MODULES="${mods[*]}"
: > "$OUT/rows.jsonl"
if viox_load "${mods[@]}"; then
	for b in "$VIOX_TOP"/tools/testing/viox/bench/*.sh; do
		[ -x "$b" ] || continue
		# make bench T=net,vmdq: those only.
		[ -z "${VIOX_BENCH_ONLY:-}" ] ||
			[[ ",$VIOX_BENCH_ONLY," == *",$(basename "$b" .sh),"* ]] || continue
		timeout -k 5 600 "$b" >> "$OUT/rows.jsonl" ||
			echo "bench $(basename "$b") failed" >> "$OUT/failed"
	done
else
	echo "loading viox failed" > "$OUT/failed"
fi
echo ok > "$OUT/done"
guest_poweroff
