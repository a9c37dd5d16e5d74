# SPDX-License-Identifier: GPL-2.0
# Helpers of the fuzz_* selftests; sourced, so not executable.
#
# A fuzzer runs in the debug kernel only, where KASAN, lockdep and kmemleak
# report what it finds, for VIOX_FUZZ_SECONDS (default: a short bounded
# run) from VIOX_FUZZ_SEED (default: a fixed seed, so `make check` is the
# same run every time). `make fuzz SECONDS=N SEED=S` sets both.

FUZZ_DIR=$VIOX_TOP/tools/testing/viox/fuzz
FUZZ_BIN=$FUZZ_DIR/viox-fuzz
FUZZ_SEED=${VIOX_FUZZ_SEED:-20261201}
# The patterns check.sh fails a run on.
FUZZ_REPORTS='WARNING:|BUG:|UBSAN:|Oops|general protection fault|Kernel panic|circular locking|recursive locking|inconsistent lock state|suspicious RCU usage|kmemleak:.*suspected|blocked for more than'

# fuzz_start NAME SECONDS: a fuzzer's run begins; sets secs (how long it
# runs: SECONDS unless make fuzz says) and log (its output).
fuzz_start() {
	FUZZ_NAME=$1
	secs=${VIOX_FUZZ_SECONDS:-$2}
	log=$(mktemp)
}

# fuzz_run CMD...: CMD under a timeout of secs plus a margin, its output
# kept in log and shown as diagnostics, then the checks every fuzzer has:
# it ran to its end (not a hang: exit status 124), and the kernel
# reported nothing.
fuzz_run() {
	kmsg_mark
	echo "# reproduce: make fuzz T=$FUZZ_NAME SECONDS=$secs SEED=$FUZZ_SEED, or in a guest: ${*#$VIOX_TOP/}"
	fuzz_watchdog $((secs + 60))
	timeout -k 10 $((secs + 90)) "$@" > "$log" 2>&1
	fuzz_rc=$?
	fuzz_watchdog_off
	sed 's/^\([^#]\)/# \1/' "$log"
	ktap_check "$FUZZ_NAME: $secs s from seed $FUZZ_SEED, the fuzzer ran to its end" \
		fuzz_finished "$log"
	ktap_check "$FUZZ_NAME: no kernel report" fuzz_no_report
}

# Tasks blocked in the kernel (D state), with their kernel stacks: what a
# hang looks like from inside, the test kernel having no hung-task detector.
fuzz_blocked() {
	local t
	# Every thread: a fuzzer's helper thread may be the one stuck.
	for t in /proc/[0-9]*/task/[0-9]*; do
		[ "$(awk '/^State:/ { print $2 }' "$t/status" 2>/dev/null)" = D ] || continue
		echo "# blocked: thread ${t##*/} of $(tr '\0' ' ' < "$t/cmdline")"
		sed 's/^/#   /' "$t/stack" 2>/dev/null
	done
}

# fuzz_watchdog SECONDS: unless fuzz_watchdog_off comes first, show the
# blocked tasks after SECONDS.
fuzz_watchdog() {
	( sleep "$1"; echo "# still running after $1 s; blocked tasks:"; fuzz_blocked ) &
	fuzz_wd=$!
}

fuzz_watchdog_off() {
	kill "$fuzz_wd" 2>/dev/null
	wait "$fuzz_wd" 2>/dev/null
}

# The fuzzer finished in time and without an error of its own.
fuzz_finished() {
	echo "exit status $fuzz_rc"
	[ "$fuzz_rc" = 124 ] && echo "it did not finish in time: a hang?"
	tail -n 5 "$1"
	[ "$fuzz_rc" = 0 ]
}

# No WARNING, BUG, KASAN, lockdep, RCU or hung-task report since fuzz_run.
fuzz_no_report() {
	local found
	found=$(kmsg_since | grep -nE -A25 "$FUZZ_REPORTS")
	[ -z "$found" ] && return 0
	echo "$found" | head -n 80
	return 1
}

# fuzz_count LOG NAME: a counter or call count the fuzzer printed.
fuzz_count() {
	sed -n "s/^# $2: \([0-9]*\).*/\1/p" "$1" | head -n 1 | grep . || echo 0
}

# fuzz_at_least LOG NAME MIN: the fuzzer really did something.
fuzz_at_least() {
	local n
	n=$(fuzz_count "$1" "$2")
	echo "$2: $n (at least $3 wanted)"
	[ "$n" -ge "$3" ]
}

# Every viox_net device file was released once its users exited.
fuzz_devices_released() {
	local i n
	for i in $(seq 50); do
		n=$(cat /sys/class/misc/viox-net/devices)
		[ "$n" = 0 ] && return 0
		sleep 0.2
	done
	echo "viox-net still counts $n open devices"
	return 1
}

# The device still works: frames both ways, split and packed.
fuzz_device_works() {
	local g=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest
	"$g" --tap fzok0 --count 200 && "$g" --tap fzok1 --packed --mrg --rx-buf 512 --count 200
}
