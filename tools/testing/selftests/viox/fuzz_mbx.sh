#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_igb's VF mailbox fuzzed from a raw VF's BAR (random messages,
# register abuse, floods, a held buffer) while `ip link set vf`, devlink
# and VF function resets run and numvfs changes under them. Nothing may
# reach the kernel log; afterwards a VF on igbvf and the PF still pass
# traffic and the health reporter answers.
# Run by itself: its admin calls race the fuzzer for a CPU.
# viox-lane: alone
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"
. "$(dirname "$0")/fuzz_lib.sh"

igb_debug_kernel_only "the mailbox fuzzer"

kmod_load igbvf
insmod "$(viox_ko viox_igb)" 2>/dev/null
bdf=$(igb_pf_bdf) || { echo "Bail out! no 82576"; exit 1; }
pci_bind "$bdf" viox_igb || { echo "Bail out! cannot bind viox_igb"; exit 1; }
igb_wire_setup >/dev/null || { echo "Bail out! no wire NIC"; exit 1; }
pf=$(pci_netdev "$bdf")
igb_pf_setup "$pf"
echo 3 > "/sys/bus/pci/devices/$bdf/sriov_numvfs"

fuzz_start mbx 20
# A VF function reset while igbvf has the VF's interface down hangs in
# igbvf's reset_prepare (napi_disable() of a disabled NAPI, in-tree igbvf
# whatever the PF; seed 20261201): make check leaves the fuzzer's resets
# out, make fuzz keeps them.
flr=(--no-flr)
[ -n "${VIOX_FUZZ_SECONDS:-}" ] && flr=()
fuzz_run /usr/bin/python3 "$FUZZ_DIR/mbx-fuzz.py" "$bdf" --vf 1 \
	--seed "$FUZZ_SEED" --seconds "$secs" "${flr[@]}"
ktap_check "mbx: mailbox messages sent" fuzz_at_least "$log" messages $((secs * 3))
ktap_check "mbx: admin calls made" fuzz_at_least "$log" "admin calls" "$secs"
ktap_check "mbx: no admin call hung" sh -c "! grep -q 'TIMED OUT' '$log'"

# Afterwards: one VF on igbvf reaches the wire, and so does the PF.
vf_works() {
	local dev
	igb_vfs_unbind "$bdf"
	echo 0 > "/sys/bus/pci/devices/$bdf/sriov_numvfs" || return 1
	echo 1 > "/sys/bus/pci/devices/$bdf/sriov_numvfs" || return 1
	ip link set "$pf" vf 0 state auto
	ip link set "$pf" vf 0 vlan 0
	ip link set "$pf" vf 0 spoofchk on
	ip link set "$pf" vf 0 trust off
	ip link set "$pf" vf 0 max_tx_rate 0
	devlink dev param set "pci/$bdf" name vf_msg_rate value 200 cmode runtime
	dev=$(pci_netdev "$(vfbdf 0)") || return 1
	ip netns add fzvf
	ip link set "$dev" netns fzvf
	ip -n fzvf addr add 192.0.2.30/24 dev "$dev"
	ip -n fzvf link set "$dev" up
	# A function reset only once igbvf is up: igbvf's reset_prepare takes
	# its interface down unconditionally, and napi_disable() on one that
	# is down already waits for ever (in-tree igbvf, whatever the PF).
	echo 1 > "/sys/bus/pci/devices/$(vfbdf 0)/reset"
	wait_carrier "$dev" fzvf
	ip netns exec fzvf ping -c 3 -i 0.2 -W 2 "$IGB_WIRE_IP"
}
fuzz_watchdog 90
ktap_check "mbx: a VF on igbvf reaches the wire afterwards" vf_works
fuzz_watchdog_off
ktap_check "mbx: the PF reaches the wire afterwards" ping -c 3 -i 0.2 -W 2 "$IGB_WIRE_IP"
ktap_check "mbx: the vf_mbx health reporter answers" \
	devlink health diagnose "pci/$bdf" reporter vf_mbx
ip netns del fzvf 2>/dev/null
igb_vfs_unbind "$bdf"
echo 0 > "/sys/bus/pci/devices/$bdf/sriov_numvfs"
ip link set "$pf" down
# The next selftest binds a fresh PF: the health reporter and counters
# the fuzz left are this one's.
echo "$bdf" > "/sys/bus/pci/devices/$bdf/driver/unbind"
rm -f "$log"
ktap_finish
