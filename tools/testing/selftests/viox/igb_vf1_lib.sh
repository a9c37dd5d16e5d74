# SPDX-License-Identifier: GPL-2.0
# The setting igb_hostile and igb_isolation share: three VFs of a
# viox_igb PF, VFs 0 and 2 on igbvf in namespaces hv0 and hv2, and VF 1
# played through its BAR by vf-mbx.py. Sourced after igb_lib.sh, so not
# executable.

mbx=$VIOX_TOP/tools/testing/viox/vf-mbx.py

# Bind viox_igb and the wire, bring the PF up: sets bdf, wire, pf and h.
igb_vf1_pf_setup() {
	kmod_load igbvf
	insmod "$(viox_ko viox_igb)" 2>/dev/null
	bdf=$(igb_pf_bdf) || { echo "Bail out! no 82576"; exit 1; }
	pci_bind "$bdf" viox_igb || { echo "Bail out! cannot bind viox_igb"; exit 1; }
	wire=$(igb_wire_setup) || { echo "Bail out! no wire NIC"; exit 1; }
	pf=$(pci_netdev "$bdf")
	igb_pf_setup "$pf"
	h=pci/$bdf
}

counter() { # VF NAME: a vf_mbx diagnose counter
	devlink -j health diagnose "$h" reporter vf_mbx | json "d['vfs'][$1]['$2']"
}
reply() { # ARGS...: vf-mbx.py on VF 1, the reply's first word in hex
	/usr/bin/python3 -I -S "$mbx" "$(vfbdf 1)" --word "$@"
}
nacked() { # EXPECTED-ID ARGS...: the PF answers with a NACK for EXPECTED-ID
	local want=$1 r
	shift
	r=$(reply "$@")
	echo "reply $r"
	[ "$r" != none ] && (( (0x$r & 0x40000000) && (0x$r & 0xffff) == want ))
}
grew() { # VF NAME BEFORE: the counter went up
	local now
	now=$(counter "$1" "$2")
	echo "$2: $3 -> $now"
	[ "$now" -gt "$3" ]
}
vf1_reset() { # the reply's first word, in decimal, or None
	local r
	r=$(reply reset)
	if [ "$r" = none ]; then echo None; else echo $((0x$r)); fi
}
vf_dev() { ip netns exec "hv$1" ls /sys/class/net | grep -vx lo; }
vf_addr() { ip netns exec "hv$1" cat "/sys/class/net/$(vf_dev "$1")/address"; }
vf_rx() { ip netns exec "hv$1" cat "/sys/class/net/$(vf_dev "$1")/statistics/rx_packets"; }
mac_words() { # MAC: the address in mailbox words
	local b
	IFS=: read -ra b <<<"$1"
	printf '0x%s%s%s%s 0x%s%s' "${b[3]}" "${b[2]}" "${b[1]}" "${b[0]}" "${b[5]}" "${b[4]}"
}
