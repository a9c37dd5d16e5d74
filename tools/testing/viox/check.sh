#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make check`: build viox for the debug test kernel, run every KUnit suite
# and selftest in it, then the selftests again on Debian's stock kernel with
# modules built by dkms. Prints a KTAP line per test and a closing count;
# exits non-zero on any failure, including a kernel report (WARNING, BUG,
# KASAN, lockdep, kmemleak) in either guest's log.
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
	grep -nE -A25 'WARNING:|BUG:|UBSAN:|Oops|general protection fault|Kernel panic|circular locking|recursive locking|inconsistent lock state|suspicious RCU usage|kmemleak:.*suspected|blocked for more than' \
		"$1/console.log" > "$tmp"
	[ -s "$1/kmemleak.txt" ] && cat "$1/kmemleak.txt" >> "$tmp"
	if [ -s "$tmp" ]; then
		report fail "$2/no kernel WARNING, BUG, KASAN, lockdep or kmemleak report" "$tmp"
	else
		report ok "$2/no kernel WARNING, BUG, KASAN, lockdep or kmemleak report"
	fi
	rm -f "$tmp"
}

# Boots one VM; what it leaves is collected afterwards (collect_vm).
boot_vm() { # KIND OUTDIR MODSRC [ARG=VALUE ...]
	local kind=$1 out=$2 modsrc=$3
	shift 3
	rm -rf "$out"
	mkdir -p "$out"
	# A debug VM runs KUnit and the selftests it claims from the queue
	# (about 40 minutes of them in all under TCG): 55 before giving up.
	VIOX_VM_TIMEOUT=${VIOX_VM_TIMEOUT:-3300} \
	"$VIOX_HARNESS/vm.sh" "$kind" "$out" "$VIOX_HARNESS/guest-check.sh" \
		"VIOX_MODSRC=$modsrc" "VIOX_SELFTESTS=$selftests" \
		"VIOX_KSRC=$(linux_source_tree)" \
		"VIOX_EXPECT_VERSION=$(cd "$VIOX_TOP" && tools/version.sh)" "$@" \
		>"$out/vm.log" 2>&1
}

# What a VM left: that it got to the end, and its kernel's reports.
collect_vm() { # OUTDIR PREFIX
	local out=$1
	if [ ! -e "$out/done" ]; then
		tail -n 40 "$out/console.log" > "$out/tail.txt" 2>/dev/null
		cat "$out/vm.log" >> "$out/tail.txt"
		report fail "$2/the guest ran to the end" "$out/tail.txt"
	fi
	if [ -e "$out/load-failed" ]; then
		cat "$out/load-failed" "$out/guest.log" > "$out/load.txt" 2>/dev/null
		report fail "$2/viox modules load" "$out/load.txt"
	fi
	[ -e "$out/unload-failed" ] && report fail "$2/viox modules unload" "$out/unload-failed"
	collect_kernel_reports "$out" "$2"
}

# The selftests to run, longest first by the last debug run (new ones
# first of all): two VMs sharing the queue then finish close together.
selftest_list() {
	local t name
	for t in "$VIOX_TOP"/tools/testing/selftests/viox/*.sh; do
		[ -x "$t" ] || continue		# a sourced helper
		name=$(basename "$t" .sh)
		wanted "$name" || continue
		echo "$(awk -v n="$name" '$1 == n { print $2 }' "$seconds_file" 2>/dev/null || true) $name"
	done | sort -k1,1rn -s | awk '{ printf "%s%s", sep, $NF; sep = "," }'
}

# Anything left in the queue for a second debug VM to take.
queue_left() {
	local n=$(( $(tr ',' '\n' <<<"$selftests" | grep -c .) + 1 ))	# and KUnit
	[ "$(find "$queue" -mindepth 1 -maxdepth 1 | wc -l)" -lt "$n" ]
}

# Each selftest's seconds in the debug kernel, for the next run's order.
remember_seconds() {
	local f name tmp=$seconds_file.tmp
	{
		for f in "$runs"/test*/selftests/*.log; do
			[ -e "$f" ] || continue
			name=$(basename "$f" .log)
			echo "$name $(sed -n 's/^seconds=//p' "$f")"
		done
		cat "$seconds_file" 2>/dev/null
	} | awk 'NF == 2 && !seen[$1]++' > "$tmp" && mv "$tmp" "$seconds_file"
}

mkdir -p "$runs"
echo "KTAP version 1"

# Userspace helpers the selftests run in the guests.
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

seconds_file=$VIOX_CACHE/selftest-seconds
selftests=$(selftest_list)
queue=$runs/queue
rm -rf "$queue" "$runs"/test "$runs"/test2 "$runs"/stock
mkdir -p "$queue"
# The guests see this tree read-only: give them the YNL library's
# bytecode, which they would otherwise compile again on every call.
/usr/bin/python3 -m compileall -q "$(linux_source_tree)/tools/net/ynl" >/dev/null 2>&1

# The debug test kernel: KUnit and selftests, modules built here with W=1.
# A debug VM uses about one of the host's two CPUs, so the work runs in
# two lanes: a debug VM from the start; lint, the DKMS build, the stock
# VM and then a second debug VM taking what is left of the queue.
modules_ok= test_pid=
if kdir=$("$VIOX_HARNESS/build-kernel.sh" 2>"$runs.kernel.log" || true) && [ -n "$kdir" ]; then
	log "test kernel: $kdir"
	if make -s -C "$VIOX_TOP" KDIR="$kdir" modules >"$VIOX_CACHE/modules.log" 2>&1; then
		report ok "build/modules for the test kernel, W=1 warning-free"
		modules_ok=1
		VIOX_VM_QUEUE=$queue boot_vm test "$runs/test" "$VIOX_TOP" VIOX_QUEUE=1 &
		test_pid=$!
		"$VIOX_HARNESS/lint.sh" "$kdir" >"$runs.lint.log" 2>&1
		lint_rc=$?
	else
		report fail "build/modules for the test kernel, W=1 warning-free" "$VIOX_CACHE/modules.log"
	fi
else
	report fail "build/test kernel" "$runs.kernel.log"
fi

# Debian's stock kernel: the modules as dkms builds them, selftests only.
if moddir=$("$VIOX_HARNESS/dkms.sh" build 2>"$VIOX_CACHE/dkms.err"); then
	dkms_ok=1
	boot_vm stock "$runs/stock" "$moddir"
else
	dkms_ok=
fi
if [ -n "$modules_ok" ] && queue_left; then
	VIOX_VM_QUEUE=$queue boot_vm test "$runs/test2" "$VIOX_TOP" VIOX_QUEUE=1
fi
[ -n "$test_pid" ] && wait "$test_pid"

if [ -n "$modules_ok" ]; then
	if [ "$lint_rc" = 0 ]; then
		report ok "build/lint: checkpatch, sparse and layering clean"
	else
		report fail "build/lint: checkpatch, sparse and layering clean" "$runs.lint.log"
	fi
	# A run that found nothing to run is a failure, not a pass.
	if [ -z "$filter" ] && ! ls "$runs"/test*/kunit/*.ktap >/dev/null 2>&1; then
		report fail "test/KUnit suites ran" "$runs/test/guest.log"
	fi
	if [ -z "$filter" ] && ! ls "$runs"/test*/selftests/*.log >/dev/null 2>&1; then
		report fail "test/selftests ran" "$runs/test/guest.log"
	fi
	for out in "$runs/test" "$runs/test2"; do
		[ -d "$out" ] || continue
		collect_kunit "$out" test
		[ -e "$out/kunit/seconds" ] && echo "# test/kunit took $(cat "$out/kunit/seconds") s"
		collect_selftests "$out" test
	done
	collect_vm "$runs/test" test
	[ -d "$runs/test2" ] && collect_vm "$runs/test2" test2
	[ -z "$filter" ] && remember_seconds
fi
if [ -n "$dkms_ok" ]; then
	report ok "build/dkms build for Debian's $(stock_kver)"
	if [ -z "$filter" ] && ! ls "$runs"/stock/selftests/*.log >/dev/null 2>&1; then
		report fail "stock/selftests ran" "$runs/stock/guest.log"
	fi
	collect_selftests "$runs/stock" stock
	collect_vm "$runs/stock" stock
else
	report fail "build/dkms build for Debian's stock kernel" "$VIOX_CACHE/dkms.err"
fi
finish
