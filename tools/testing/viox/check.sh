#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: build viox for the debug test kernel, run every KUnit suite
# and selftest in it (two boots: most selftests with kmemleak off, KUnit and
# the ones whose error and teardown paths it watches with it on), then the
# selftests again on Debian's stock kernel with modules built by dkms.
# Prints a KTAP line per test and a closing count; exits non-zero on any
# failure, including a kernel report (WARNING, BUG, KASAN, lockdep,
# kmemleak) in any guest's log.
# usage: check.sh [FILTER]   (run only suites/selftests whose name has FILTER,
#                             or one of its comma-separated parts)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

filter=${1:-}
runs=$VIOX_CACHE/runs
n=0 passed=0 failed=0 skipped=0
start=$SECONDS

report() { # STATUS NAME [DIAGNOSTICS-FILE]
	n=$((n + 1))
	case "$1" in
	ok) passed=$((passed + 1)); echo "ok $n $2" ;;
	skip) skipped=$((skipped + 1)); echo "ok $n $2 # SKIP" ;;
	*) failed=$((failed + 1)); echo "not ok $n $2"
	   [ -n "${3:-}" ] && [ -s "$3" ] && sed 's/^/# /' "$3" | tail -n 60 ;;
	esac
}

finish() {
	echo "1..$n"
	echo "# make check took $((SECONDS - start)) s"
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" = 0 ]
	exit
}

# FILTER is one or more comma-separated substrings of a name.
wanted() {
	local f
	[ -z "$filter" ] && return 0
	for f in ${filter//,/ }; do
		[[ "$1" == *"$f"* ]] && return 0
	done
	return 1
}

# KUnit: one line per test case from the suite's debugfs KTAP.
collect_kunit() { # OUTDIR PREFIX
	local f suite tmp=$(mktemp)
	for f in "$1"/kunit/*.ktap; do
		[ -e "$f" ] || continue
		suite=$(basename "$f" .ktap)
		wanted "$suite" || continue
		local cases=0
		while read -r status name skip; do
			cases=$((cases + 1))
			# The case's own log: its diagnostics and failing parameters.
			awk -v c="$name" '$0 ~ "# Subtest: " c "$" { on = 1; next }
				on && $0 ~ "^    (not )?ok [0-9]+ " c "$" { exit }
				on && !/^ *ok [0-9]/' "$f" > "$tmp"
			case "$status$skip" in
			ok*SKIP*) report skip "$2/kunit/$suite/$name" ;;
			ok*) report ok "$2/kunit/$suite/$name" ;;
			*) report fail "$2/kunit/$suite/$name" "$tmp" ;;
			esac
		done < <(sed -n 's/^    \(not ok\|ok\) [0-9]\+ \([^ ]*\)\( # SKIP\)\?.*/\1 \2 \3/p' "$f" |
			 sed 's/^not ok/not-ok/')
		if [ "$cases" = 0 ] ||
		   { grep -q '^not ok 1' "$f" && ! grep -q '^    not ok' "$f"; }; then
			report fail "$2/kunit/$suite (suite did not complete)" "$f"
		fi
	done
	rm -f "$tmp"
}

# Selftests: their KTAP lines, and the script's own verdict.
collect_selftests() { # OUTDIR PREFIX
	local f name tmp=$(mktemp)
	for f in "$1"/selftests/*.log; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .log)
		while IFS= read -r line; do
			case "$line" in
			"not ok "*)
				# The diagnostics that follow this line.
				awk -v l="$line" '$0 == l { on = 1; next } on && /^# / { print; next } { on = 0 }' \
					"$f" > "$tmp"
				report fail "$2/$name/${line#not ok * }" "$tmp" ;;
			"ok "*"# SKIP"*) local t=${line#ok * }; report skip "$2/$name/${t%% # SKIP*}" ;;
			"ok "*) report ok "$2/$name/${line#ok * }" ;;
			esac
		done < "$f"
		grep -q '^exit=0$' "$f" || report fail "$2/$name exited $(sed -n 's/^exit=//p' "$f")" "$f"
		echo "# $2/$name took $(sed -n 's/^seconds=//p' "$f") s"
	done
	rm -f "$tmp"
}

# Anything the kernel reported is a failure even if every test passed.
collect_kernel_reports() { # OUTDIR PREFIX
	local tmp=$(mktemp)
	grep -nE -A25 'WARNING:|BUG:|UBSAN:|Oops|general protection fault|Kernel panic|circular locking|recursive locking|inconsistent lock state|suspicious RCU usage|kmemleak:.*suspected|blocked for more than|Show Blocked State' \
		"$1/console.log" > "$tmp"
	[ -s "$1/kmemleak.txt" ] && cat "$1/kmemleak.txt" >> "$tmp"
	if [ -s "$tmp" ]; then
		report fail "$2/no kernel WARNING, BUG, KASAN, lockdep or kmemleak report" "$tmp"
	else
		report ok "$2/no kernel WARNING, BUG, KASAN, lockdep or kmemleak report"
	fi
	rm -f "$tmp"
}

# Selftests whose error, teardown and unload paths kmemleak watches: it
# makes a debug VM take some 25% longer (vmdq_offload 60%: 214 s to 134),
# so they run in a debug VM of their own with KUnit, the rest in one with
# kmemleak off.
leak_watched=(fuzz_ioctl fuzz_mbx fuzz_netlink fuzz_rings fault_inject fault_inject_igb
	      fuzz_vport blk_faults vmdq_module vmdq_offload vmdq_scale vring_module)

# The wanted selftests (comma-separated): all, or the kmemleak-watched or
# other ones only.
selftest_list() { # all|leak|rest
	local t name w leak
	for t in "$VIOX_TOP"/tools/testing/selftests/viox/*.sh; do
		[ -x "$t" ] || continue		# a sourced helper
		name=$(basename "$t" .sh)
		wanted "$name" || continue
		leak=
		for w in "${leak_watched[@]}"; do [ "$w" = "$name" ] && leak=1; done
		case $1 in
		leak) [ -n "$leak" ] || continue ;;
		rest) [ -z "$leak" ] || continue ;;
		esac
		echo "$name"
	done | paste -sd,
}

run_vm() { # KIND OUTDIR PREFIX MODSRC SELFTESTS [ARG=VALUE ...]
	local kind=$1 out=$2 prefix=$3 modsrc=$4 selftests=$5 f took t0=$SECONDS
	shift 5
	# What each selftest took the last time: the guest starts the
	# longest lanes first.
	took=$(for f in "$out"/selftests/*.log; do
		[ -e "$f" ] && echo "$(basename "$f" .log)=$(sed -n 's/^seconds=\([0-9]*\)$/\1/p' "$f")"
	done | grep '=[0-9]' | paste -sd,)
	rm -rf "$out"
	mkdir -p "$out"
	# The guests see this tree read-only: give them the YNL library's
	# bytecode, which they would otherwise compile again on every call.
	/usr/bin/python3 -m compileall -q "$(linux_source_tree)/tools/net/ynl" >/dev/null 2>&1
	# A debug VM with kmemleak off runs most selftests: some 25 minutes
	# under TCG, so 55 before giving up.
	VIOX_VM_TIMEOUT=${VIOX_VM_TIMEOUT:-3300} \
	"$VIOX_HARNESS/vm.sh" "$kind" "$out" "$VIOX_HARNESS/guest-check.sh" \
		"VIOX_MODSRC=$modsrc" "VIOX_SELFTESTS=$selftests" \
		"VIOX_KSRC=$(linux_source_tree)" \
		"VIOX_EXPECT_VERSION=$(cd "$VIOX_TOP" && tools/version.sh)" \
		"VIOX_LANES=${VIOX_LANES:-2}" "VIOX_SELFTEST_SECONDS=$took" "$@" \
		>"$out/vm.log" 2>&1
	echo "# the $prefix VM took $((SECONDS - t0)) s"
	if [ ! -e "$out/done" ]; then
		tail -n 40 "$out/console.log" > "$out/tail.txt" 2>/dev/null
		cat "$out/vm.log" >> "$out/tail.txt"
		report fail "$prefix/the guest ran to the end" "$out/tail.txt"
	fi
	if [ -e "$out/load-failed" ]; then
		cat "$out/load-failed" "$out/guest.log" > "$out/load.txt" 2>/dev/null
		report fail "$prefix/viox modules load" "$out/load.txt"
	fi
	[ -e "$out/unload-failed" ] && report fail "$prefix/viox modules unload" "$out/unload-failed"
	# A run that found nothing to run is a failure, not a pass.
	if [ -z "$filter" ] && [ -n "$selftests" ] && ! ls "$out"/selftests/*.log >/dev/null 2>&1; then
		report fail "$prefix/selftests ran" "$out/guest.log"
	fi
	collect_kunit "$out" test
	[ -e "$out/kunit/seconds" ] && echo "# test/kunit took $(cat "$out/kunit/seconds") s"
	collect_selftests "$out" "${prefix%%+*}"
	collect_kernel_reports "$out" "$prefix"
}

mkdir -p "$runs"
echo "KTAP version 1"

# Userspace helpers the selftests run in the guests.
t0=$SECONDS
if make -s -C "$VIOX_HARNESS/vnet-guest" >"$runs.tools.log" 2>&1 &&
   make -s -C "$VIOX_TOP/tools/ip" >>"$runs.tools.log" 2>&1 &&
   make -s -C "$VIOX_HARNESS/vdpa-blk-guest" >>"$runs.tools.log" 2>&1 &&
   make -s -C "$VIOX_HARNESS/fuzz" >>"$runs.tools.log" 2>&1; then
	report ok "build/test tools"
else
	report fail "build/test tools" "$runs.tools.log"
fi

# The netlink uapi header and policies are what the YNL spec generates.
if "$VIOX_TOP/tools/ynl-gen.sh" --check >"$runs.ynl.log" 2>&1; then
	report ok "build/generated netlink code matches its YNL spec"
else
	report fail "build/generated netlink code matches its YNL spec" "$runs.ynl.log"
fi

# The debug test kernel: KUnit and selftests, modules built here with W=1.
if kdir=$("$VIOX_HARNESS/build-kernel.sh" 2>"$runs.kernel.log" || true) && [ -n "$kdir" ]; then
	log "test kernel: $kdir"
	if make -s -C "$VIOX_TOP" KDIR="$kdir" modules >"$VIOX_CACHE/modules.log" 2>&1; then
		report ok "build/modules for the test kernel, W=1 warning-free"
		if "$VIOX_HARNESS/lint.sh" "$kdir" >"$runs.lint.log" 2>&1; then
			report ok "build/lint: checkpatch, sparse and layering clean"
		else
			report fail "build/lint: checkpatch, sparse and layering clean" "$runs.lint.log"
		fi
		echo "# the builds and lint took $((SECONDS - t0)) s"
		rest=$(selftest_list rest) leak=$(selftest_list leak)
		[ -z "$rest" ] ||
			run_vm test "$runs/test" test "$VIOX_TOP" "$rest" kmemleak=off
		# KUnit and the kmemleak-watched selftests; KUnit alone when
		# the filter names no selftest.
		if [ -n "$leak" ] || [ -z "$rest" ]; then
			run_vm test "$runs/test-kmemleak" test+kmemleak "$VIOX_TOP" "$leak" VIOX_KUNIT=1
			if [ -z "$filter" ] && ! ls "$runs"/test-kmemleak/kunit/*.ktap >/dev/null 2>&1; then
				report fail "test+kmemleak/KUnit suites ran" "$runs/test-kmemleak/guest.log"
			fi
		fi
	else
		report fail "build/modules for the test kernel, W=1 warning-free" "$VIOX_CACHE/modules.log"
	fi
else
	report fail "build/test kernel" "$runs.kernel.log"
fi

# Debian's stock kernel: the modules as dkms builds them, selftests only.
t0=$SECONDS
if moddir=$("$VIOX_HARNESS/dkms.sh" build 2>"$VIOX_CACHE/dkms.err"); then
	report ok "build/dkms build for Debian's $(stock_kver)"
	echo "# the dkms build took $((SECONDS - t0)) s"
	run_vm stock "$runs/stock" stock "$moddir" "$(selftest_list all)"
else
	report fail "build/dkms build for Debian's stock kernel" "$VIOX_CACHE/dkms.err"
fi
finish
