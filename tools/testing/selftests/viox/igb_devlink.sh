#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_igb's devlink instance, asserted from devlink's and ip's JSON: device
# info, the PF and VF ports, VF addresses and states set as port function
# attributes, rate leaves sharing the limiter with ip link's max_tx_rate,
# the vf_msg_rate parameter, and the vf_mbx health reporter.
# The 82576 is one: its tests take turns in one lane.
# viox-lane: nic
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/igb_lib.sh"

igb_debug_kernel_only "viox_igb's devlink instance"

kmod_load igbvf
insmod "$(viox_ko viox_igb)" 2>/dev/null
bdf=$(igb_pf_bdf) || { echo "Bail out! no 82576"; exit 1; }
pci_bind "$bdf" viox_igb || { echo "Bail out! cannot bind viox_igb"; exit 1; }
pf=$(pci_netdev "$bdf")
h=pci/$bdf
ip link set "$pf" up

info() { devlink -j dev info "$h" | json "d['info']['$h']$1"; }
port() { devlink -j port show "$h/$1" | json "d['port']['$h/$1']$2"; }
rate() { devlink -j port function rate show "$h/$1" | json "d['rate']['$h/$1'].get('tx_max', 0)"; }

ktap_check "dev info: driver viox_igb" test "$(info "['driver']")" = viox_igb
ktap_check "dev info: asic.id 82576" test "$(info "['versions']['fixed']['asic.id']")" = 82576
ktap_check "dev info: serial is the permanent address" \
	test "$(info "['serial_number']")" = "$(tr -d : < "/sys/class/net/$pf/address")"
ktap_check "dev info: NVM version" sh -c "devlink -j dev info $h | grep -q '\"fw.nvm\"'"
ktap_check "PF port: flavour pcipf with the netdev" \
	test "$(port 0 "['flavour']") $(port 0 "['netdev']")" = "pcipf $pf"

echo 2 > "/sys/bus/pci/devices/$bdf/sriov_numvfs"
ktap_check "VF ports: flavour pcivf, vfnum 0 and 1" \
	test "$(port 1 "['flavour']") $(port 1 "['vfnum']") $(port 2 "['vfnum']")" = "pcivf 0 1"
devlink port function set "$h/1" hw_addr 02:00:00:00:aa:01
ktap_check "hw_addr set through devlink shows in devlink" \
	test "$(port 1 "['function']['hw_addr']")" = 02:00:00:00:aa:01
ktap_check "hw_addr set through devlink shows in ip link" \
	test "$(vfinfo 0 "['address']")" = 02:00:00:00:aa:01
ktap_check "hw_addr: a multicast address is refused" \
	sh -c "! devlink port function set $h/1 hw_addr 03:00:00:00:aa:01 2>/dev/null"
devlink port function set "$h/2" state inactive
ktap_check "state inactive shows in devlink" test "$(port 2 "['function']['state']")" = inactive
ktap_check "state inactive is ip link's state disable" test "$(vfinfo 1 "['link_state']")" = disable
devlink port function set "$h/2" state active
ktap_check "state active is ip link's state auto" test "$(vfinfo 1 "['link_state']")" = auto
devlink port function rate set "$h/1" tx_max 100mbit
ktap_check "rate tx_max 100mbit is ip link's max_tx_rate 100" test "$(vfinfo 0 "['rate']['max_tx']")" = 100
ip link set "$pf" vf 1 max_tx_rate 50
ktap_check "ip link max_tx_rate 50 is devlink's tx_max 50mbit" test "$(rate 2)" = 6250000
ktap_check "rate: tx_max above the link speed is refused" \
	sh -c "! devlink port function rate set $h/1 tx_max 2gbit 2>/dev/null"
ktap_check "rate: tx_share is not supported" \
	sh -c "! devlink port function rate set $h/1 tx_share 10mbit 2>/dev/null"

param() { devlink -j dev param show "$h" name vf_msg_rate | json "d['param']['$h'][0]['values'][0]['value']"; }
ktap_check "param vf_msg_rate defaults to 200" test "$(param)" = 200
ktap_check "param vf_msg_rate set to 500" \
	sh -c "devlink dev param set $h name vf_msg_rate value 500 cmode runtime && [ \$(devlink -j dev param show $h name vf_msg_rate | grep -o '\"value\":[0-9]*') = '\"value\":500' ]"
ktap_check "param vf_msg_rate below 10 is refused with a reason" \
	sh -c "devlink dev param set $h name vf_msg_rate value 5 cmode runtime 2>&1 | grep -q 'must be 10 to 100000'"
devlink dev param set "$h" name vf_msg_rate value 200 cmode runtime

ktap_check "health: vf_mbx reporter, healthy" \
	sh -c "devlink -j health show $h reporter vf_mbx | grep -q '\"state\":\"healthy\"'"
diag() { devlink -j health diagnose "$h" reporter vf_mbx | json "$1"; }
ktap_check "health: diagnose lists both VFs with counters" \
	test "$(diag "[v['vf'] for v in d['vfs']]") $(diag "'messages' in d['vfs'][0] and 'malformed' in d['vfs'][0]")" = "[0, 1] True"
ktap_check "health: recover and dump run" \
	sh -c "devlink health recover $h reporter vf_mbx && devlink health dump show $h reporter vf_mbx | grep -q num_vfs"

igb_vfs_unbind "$bdf"
echo 0 > "/sys/bus/pci/devices/$bdf/sriov_numvfs"
ktap_check "VF ports go with the VFs" test "$(devlink -j port show | json "len(d['port'])")" = 1
ip link set "$pf" down
ktap_finish
