#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The scenario is sound: in-tree igb and igbvf pass the part of igb_sriov
# that in-tree igb supports, on the same emulated 82576.
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"
. "$(dirname "$0")/igb_sriov_lib.sh"

igb_debug_kernel_only "seven VFs on in-tree igb"
igb_sriov_setup

common_scenario igb
vfs_down
ip link set "$pf" down
ip -n "$IGB_WIRE_NS" link del wv100
pci_bind "$bdf" viox_igb
ktap_finish
