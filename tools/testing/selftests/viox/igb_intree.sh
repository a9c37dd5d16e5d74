#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The scenario is sound: in-tree igb and igbvf pass the part of igb_sriov
# that in-tree igb supports, on the same emulated 82576. They are the peer,
# not the code under test: they run on Debian's kernel, as users have them
# (the debug kernel's minutes go to viox's own code).
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"
. "$(dirname "$0")/igb_sriov_lib.sh"

if [ "${VIOX_KERNEL:-}" != stock ]; then
	ktap_skip "seven VFs on in-tree igb" "the peer runs on Debian's kernel"
	ktap_finish
fi
igb_sriov_setup

common_scenario igb
vfs_down
ip link set "$pf" down
ip -n "$IGB_WIRE_NS" link del wv100
pci_bind "$bdf" viox_igb
ktap_finish
