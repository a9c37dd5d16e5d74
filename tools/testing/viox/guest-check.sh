#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make check`: load viox, run its KUnit suites (test kernel
# only) and selftests, unload, and leave results in the result share:
#   kunit/<suite>.ktap   the suite's KTAP from debugfs
#   kunit/seconds        how long the suites took
#   selftests/<name>.log each selftest's output (KTAP lines inside), its
#                        exit status and duration (exit=, seconds=)
#   selftests/<name>.times  milliseconds each of its checks took
#   kmemleak.txt         what kmemleak found after unload (test kernel)
#   done                 written last: the run got to the end
# VIOX_SELFTESTS names the selftests to run (comma-separated, in order);
# VIOX_KUNIT=1 runs the KUnit suites (test kernel only).
. "$VIOX_TOP/tools/testing/viox/guest-lib.sh"
guest_setup
exec >"$OUT/guest.log" 2>&1
set -x
shopt -s nullglob

modsrc=${VIOX_MODSRC:-$VIOX_TOP}
mapfile -t mods < <(find "$modsrc" -maxdepth 1 -name 'viox_*.ko*' ! -name '*_kunit.ko*' | sort)
mapfile -t kunits < <(find "$modsrc" -maxdepth 1 -name 'viox_*_kunit.ko*' | sort)
mkdir -p "$OUT/kunit" "$OUT/selftests"

leaks=/sys/kernel/debug/kmemleak
if [ -w "$leaks" ]; then
	echo scan > "$leaks"
	echo clear > "$leaks"
	# Its scans of all memory every ten minutes would take a CPU from the
	# tests for a minute each under TCG: it scans once, at the end.
	echo scan=off > "$leaks"
fi

echo "modules: ${mods[*]}"
if [ ${#mods[@]} = 0 ]; then
	echo "no viox modules in $modsrc" > "$OUT/load-failed"
elif ! viox_load "${mods[@]}"; then
	echo "loading ${mods[*]} failed" > "$OUT/load-failed"
fi

if [ "$VIOX_KERNEL" = test ] && [ -n "${VIOX_KUNIT:-}" ] &&
   [ ! -e "$OUT/load-failed" ]; then
	start=$SECONDS
	for ko in "${kunits[@]}"; do
		before=$(ls /sys/kernel/debug/kunit 2>/dev/null)
		insmod "$ko" || { echo "insmod $ko failed" >> "$OUT/load-failed"; continue; }
		for s in $(ls /sys/kernel/debug/kunit); do
			grep -qx "$s" <<<"$before" && continue
			cp "/sys/kernel/debug/kunit/$s/results" "$OUT/kunit/$s.ktap"
		done
		rmmod "$(modinfo -F name "$ko")"
	done
	echo "$((SECONDS - start))" > "$OUT/kunit/seconds"
fi

export VIOX_MODULES="${mods[*]}" VIOX_MODDIR="${VIOX_MODDIR:-}"
run_selftest() { # SCRIPT SLACK-PERCENT
	local name start limit watchdog
	name=$(basename "$1" .sh)
	start=$SECONDS
	# Five minutes, or what the script asks for in a "# viox-timeout: S"
	# line; more while another lane shares the CPUs.
	limit=$(sed -n 's/^# viox-timeout: \([0-9][0-9]*\)$/\1/p' "$1")
	limit=${VIOX_SELFTEST_TIMEOUT:-${limit:-300}}
	limit=$((limit * $2 / 100))
	# Stuck where timeout cannot kill it (a task in D state), a script
	# holds its lane until the VM times out: the blocked tasks' stacks
	# and the locks held go to the console first, for the report (at
	# every log level: with "quiet" sysrq prints only its header).
	(sleep $((limit + 20)) && dmesg -n 8 && echo w > /proc/sysrq-trigger &&
		echo d > /proc/sysrq-trigger) &
	watchdog=$!
	VIOX_KTAP_TIMES=$OUT/selftests/$name.times \
		timeout -k 5 "$limit" "$1" \
		> "$OUT/selftests/$name.log" 2>&1
	echo "exit=$?" >> "$OUT/selftests/$name.log"
	pkill -P "$watchdog" sleep		# its sleep first: no dump follows
	kill "$watchdog" 2>/dev/null
	echo "seconds=$((SECONDS - start))" >> "$OUT/selftests/$name.log"
}

# Selftests run in lanes, two at a time on the VM's two CPUs: a script's
# "# viox-lane: NAME" line puts it in lane NAME (by default "main"), and
# a lane runs its scripts one after another. Scripts that share a device,
# a module or a global view share a lane. Each CPU takes the next lane
# when it is done with one, the longest first (by what each script took
# the last time, VIOX_SELFTEST_SECONDS=NAME=S,...; a minute if unknown).
# Those that must have the VM to themselves (they unload modules) are in
# lane "alone" and run after the others. VIOX_LANES=1 runs everything in
# order.
declare -A lane_scripts=() lane_seconds=() took=()
for t in ${VIOX_SELFTEST_SECONDS//,/ }; do took[${t%%=*}]=${t#*=}; done
lanes=() alone=() ordered=()
for name in ${VIOX_SELFTESTS//,/ }; do
	t=$VIOX_TOP/tools/testing/selftests/viox/$name.sh
	[ -x "$t" ] || continue
	ordered+=("$t")
	lane=$(sed -n 's/^# viox-lane: \([a-z0-9_]*\)$/\1/p' "$t")
	lane=${lane:-main}
	if [ "$lane" = alone ]; then
		alone+=("$t")
		continue
	fi
	[ -n "${lane_scripts[$lane]+set}" ] || lanes+=("$lane")
	lane_scripts[$lane]+="$t "
	lane_seconds[$lane]=$((${lane_seconds[$lane]:-0} + ${took[$name]:-60}))
done
lane_queue=/tmp/viox-lanes
next_lane() { # the next lane no CPU has taken, or nothing
	(
		flock 9
		head -n 1 "$lane_queue"
		sed -i 1d "$lane_queue"
	) 9>"$lane_queue.lock"
}
if [ "${VIOX_LANES:-}" = 1 ] || [ ${#lanes[@]} -le 1 ]; then
	for t in "${ordered[@]}"; do run_selftest "$t" 100; done
else
	for lane in "${lanes[@]}"; do
		echo "${lane_seconds[$lane]} $lane"
	done | sort -s -k1,1nr | cut -d' ' -f2 > "$lane_queue"
	for _ in 0 1; do
		(while lane=$(next_lane) && [ -n "$lane" ]; do
			for t in ${lane_scripts[$lane]}; do run_selftest "$t" 150; done
		 done) &
	done
	wait
	for t in "${alone[@]}"; do run_selftest "$t" 100; done
fi

for ((i = ${#VIOX_LOADED[@]} - 1; i >= 0; i--)); do
	m=${VIOX_LOADED[$i]}
	[ -d "/sys/module/$m" ] && { rmmod "$m" || echo "rmmod $m failed" >> "$OUT/unload-failed"; }
done

if [ -w "$leaks" ]; then
	# Objects must age before kmemleak reports them; scan twice.
	sleep 6
	echo scan > "$leaks"
	echo scan > "$leaks"
	cat "$leaks" > "$OUT/kmemleak.txt"
fi
dmesg > "$OUT/dmesg.txt"
echo ok > "$OUT/done"
guest_poweroff
