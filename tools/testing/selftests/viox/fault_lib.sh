# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the fault-injection selftests (sourced, so not executable):
# the injection knobs they need, and fault-sweep.py. Debian's kernel has
# no fault injection: they are the debug kernel's.

# The knobs are the VM's, whichever lanes and boots the scripts are put
# in: fail-nth sweeps set the same ones and share them (fault_lock -s),
# igb_pf's failures for all of viox_igb's atomic allocations would fail a
# sweep's counts and take them alone (fault_lock -x). Held until the
# script exits or fault_unlock.
fault_lock() { exec 8>/tmp/viox-fault.lock && flock "$1" 8; }
fault_unlock() { exec 8>&-; }

# Sleeping allocations may fail too (they are what setup paths make), and
# quietly: the harness reads the console for splats. Left so: fail-nth
# fails the sweeping thread's calls alone, and igb_pf sets what it needs.
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
