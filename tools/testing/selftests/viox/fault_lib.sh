# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the fault-injection selftests (sourced, so not executable):
# the injection knobs they need, and fault-sweep.py. Debian's kernel has
# no fault injection: they are the debug kernel's.

# Sleeping allocations may fail too (they are what setup paths make), and
# quietly: the harness reads the console for splats. Left so: nothing
# else in the VM injects faults (fail-nth fails the sweeping thread's
# calls alone), and two sweeps in two lanes must not put them back under
# each other.
fault_quiet() {
	local f dbg=/sys/kernel/debug
	for f in failslab fail_page_alloc fail_usercopy; do
		echo 0 > "$dbg/$f/verbose"
		[ -e "$dbg/$f/ignore-gfp-wait" ] && echo N > "$dbg/$f/ignore-gfp-wait"
	done
}

# fault_sweep ARGS...: fault-sweep.py's KTAP lines (ktap.sh gave the header).
fault_sweep() {
	/usr/bin/python3 -u "$VIOX_TOP/tools/testing/viox/fault-sweep.py" --no-header "$@"
}
