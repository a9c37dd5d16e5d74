#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_igb's setup paths with every one of their fault points failed in
# turn, as fault_inject does viox-net's: VFs created (without their
# driver: the sweep is of the PF's side) and a pool reserved by the pool
# interface's test consumer. Each step creates the VFs anew, seconds
# under TCG, so fault-sweep's time budget bounds these paths. One VF is
# swept: seven run the same code in a longer loop and reach less of it in
# the budget.
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"
. "$(dirname "$0")/fault_lib.sh"

igb_debug_kernel_only "fault injection on viox_igb's setup paths"
kmod_load igb
[ -d /sys/module/viox_igb ] || insmod "$(viox_ko viox_igb)"
consumer=$(dirname "$(viox_ko viox_igb)")/vioxtest_pool.ko
insmod "$consumer" 2>/dev/null
bdf=$(igb_pf_bdf) && pci_bind "$bdf" viox_igb && dev=$(pci_netdev "$bdf") ||
	{ echo "Bail out! no 82576 bound to viox_igb"; exit 1; }
echo 0 > "/sys/bus/pci/devices/$bdf/sriov_drivers_autoprobe"
# Killed by its limit, it leaves the next selftest a PF whose VFs probe.
trap 'echo 1 > "/sys/bus/pci/devices/$bdf/sriov_drivers_autoprobe"; rm -f "$ktap_out"' EXIT
ip link set "$dev" up

fault_lock -s
fault_quiet
fault_sweep --numvfs "$bdf" 1 --pool "$dev" vioxpt numvfs-1 pool
rc=$?
echo 1 > "/sys/bus/pci/devices/$bdf/sriov_drivers_autoprobe"
# The next selftest binds a fresh PF, not one the sweep went through.
echo "$bdf" > "/sys/bus/pci/devices/$bdf/driver/unbind"
rmmod vioxtest_pool 2>/dev/null
exit $rc
