#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make fuzz SECONDS=N SEED=S [T=NAME]`: a long fuzz run in the debug test
# kernel (KASAN, lockdep, kmemleak): the fuzz_* selftests, each fuzzer for
# N seconds from seed S. Prints each selftest's KTAP and figures, and any
# kernel report; exits non-zero if a selftest failed or the kernel
# reported anything.
# usage: run.sh SECONDS [SEED] [NAME]
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

secs=$1 seed=${2:-} name=${3:-}
[[ "$secs" =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || die "SECONDS must be a positive number"
[ -n "$seed" ] || seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
out=$VIOX_CACHE/runs/fuzz

make -s -C "$VIOX_HARNESS/vnet-guest" && make -s -C "$VIOX_HARNESS/fuzz" ||
	die "building the test tools failed"
kdir=$("$VIOX_HARNESS/build-kernel.sh") || die "no test kernel"
make -s -C "$VIOX_TOP" KDIR="$kdir" modules >"$VIOX_CACHE/modules.log" 2>&1 ||
	{ cat "$VIOX_CACHE/modules.log"; die "building the modules failed"; }
log "fuzzing ${name:-every surface} for $secs s each from seed $seed"
rm -rf "$out"
mkdir -p "$out"
fuzzers=$(cd "$VIOX_TOP/tools/testing/selftests/viox" && ls fuzz_"$name"*.sh |
	  grep -v '_lib.sh$' | sed 's/\.sh$//' | paste -sd,)
# Five fuzzers, their setup and checks, the guest's boot and kmemleak.
VIOX_VM_TIMEOUT=$((secs * 7 + 1200)) "$VIOX_HARNESS/vm.sh" test "$out" \
	"$VIOX_HARNESS/guest-check.sh" "VIOX_MODSRC=$VIOX_TOP" "VIOX_SELFTESTS=$fuzzers" \
	"VIOX_KSRC=$(linux_source_tree)" "VIOX_FUZZ_SECONDS=$secs" "VIOX_FUZZ_SEED=$seed" \
	"VIOX_SELFTEST_TIMEOUT=$((secs * 2 + 600))" >"$out/vm.log" 2>&1

failed=0
for f in "$out"/selftests/*.log; do
	[ -e "$f" ] || continue
	echo "== $(basename "$f" .log)"
	cat "$f"
	grep -q '^not ok\|^Bail out' "$f" && failed=1
	grep -q '^exit=0$' "$f" || failed=1
done
[ -e "$out/done" ] || { echo "the guest did not run to the end:"; tail -n 40 "$out/console.log"; failed=1; }
if grep -nE -A25 'WARNING:|BUG:|UBSAN:|Oops|general protection fault|Kernel panic|circular locking|recursive locking|inconsistent lock state|suspicious RCU usage|kmemleak:.*suspected|blocked for more than' \
	"$out/console.log"; then
	echo "the kernel reported the above (console: $out/console.log)"
	failed=1
fi
if [ -s "$out/kmemleak.txt" ]; then
	cat "$out/kmemleak.txt"
	failed=1
fi
echo "fuzz ${name:-all}, $secs s each, seed $seed: $([ "$failed" = 0 ] && echo passed || echo FAILED)"
[ "$failed" = 0 ]
