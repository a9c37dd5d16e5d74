#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox's setup paths with every one of their fault points failed in turn
# (allocations and user copies, through /proc/thread-self/fail-nth): each
# call fails with an errno or succeeds, the next call without injection
# works, and the kernel logs no splat; kmemleak judges leaks after the run.
# The debug kernel only: Debian's has no fault injection.
# Run by itself: it sweeps the 82576's and viox-net's set-up paths.
# viox-lane: alone
. "$(dirname "$0")/ktap.sh"

if [ "${VIOX_KERNEL:-}" = stock ]; then
	ktap_skip "fault injection on setup paths" "Debian's kernel has no fault injection"
	ktap_finish
fi
kmod_load tun

# Sleeping allocations may fail too (they are what setup paths make), and
# quietly: the harness reads the console for splats. Put back afterwards.
dbg=/sys/kernel/debug
saved=()
for f in failslab fail_page_alloc fail_usercopy; do
	for k in verbose ignore-gfp-wait reject-start reject-end; do
		[ -e "$dbg/$f/$k" ] && saved+=("$dbg/$f/$k=$(cat "$dbg/$f/$k")")
	done
	echo 0 > "$dbg/$f/verbose"
	[ -e "$dbg/$f/ignore-gfp-wait" ] && echo N > "$dbg/$f/ignore-gfp-wait"
done

# viox_igb's setup paths: VFs created (without their driver: the sweep is
# of the PF's side) and a pool reserved by the pool interface's test
# consumer. Each step creates the VFs anew, seconds under TCG, so
# fault-sweep's time budget bounds these paths. One VF is swept: seven run
# the same code in a longer loop and reach less of it in the budget.
. "$(dirname "$0")/igb_lib.sh"
igb_args=()
kmod_load igb
insmod "$(viox_ko viox_igb)" 2>/dev/null
consumer=$(dirname "$(viox_ko viox_igb)")/vioxtest_pool.ko
insmod "$consumer" 2>/dev/null
if bdf=$(igb_pf_bdf) && pci_bind "$bdf" viox_igb && dev=$(pci_netdev "$bdf"); then
	echo 0 > "/sys/bus/pci/devices/$bdf/sriov_drivers_autoprobe"
	ip link set "$dev" up
	igb_args=(--numvfs "$bdf" 1 --pool "$dev" vioxpt)
else
	echo "# no 82576 bound to viox_igb: its paths are not swept"
fi

# fault-sweep prints a KTAP line per scenario (ktap.sh gave the header).
/usr/bin/python3 -u "$VIOX_TOP/tools/testing/viox/fault-sweep.py" --no-header \
	"${igb_args[@]}"
rc=$?
if [ -n "${bdf:-}" ]; then
	echo 1 > "/sys/bus/pci/devices/$bdf/sriov_drivers_autoprobe"
	# The next selftest binds a fresh PF, not one the sweep went through.
	echo "$bdf" > "/sys/bus/pci/devices/$bdf/driver/unbind"
fi
rmmod vioxtest_pool 2>/dev/null
for kv in "${saved[@]}"; do
	echo "${kv#*=}" > "${kv%%=*}"
done
exit $rc
