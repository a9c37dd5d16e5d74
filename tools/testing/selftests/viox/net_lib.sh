# SPDX-License-Identifier: GPL-2.0
# viox_net helpers shared by the selftests and `make run`; sourced, so not
# executable (the harness runs only executable scripts).

VNET_GUEST=$VIOX_TOP/tools/testing/viox/vnet-guest/vnet-guest

# The kernel's YNL client on the viox family, JSON out: viox_ynl ARGS...
# The spec is checked against its schema once, on the host (make check's
# YNL step): jsonschema would cost seconds per call in a TCG guest.
viox_ynl() {
	/usr/bin/python3 "$VIOX_KSRC/tools/net/ynl/cli.py" \
		--spec "$VIOX_TOP/Documentation/netlink/specs/viox.yaml" \
		--no-schema --output-json "$@"
}

# Run vnet-guest and keep its devices open once its checks are done:
# vnet_hold LOG ARGS... sets vnet_held to its pid; fails if it never ends
# its checks.
vnet_hold() {
	local log=$1 i
	shift
	"$VNET_GUEST" "$@" --hold 120 > "$log" 2>&1 &
	vnet_held=$!
	for i in $(seq 120); do
		grep -q '^1\.\.' "$log" && return 0
		sleep 0.5
	done
	return 1
}

vnet_release() {
	kill "$vnet_held" 2>/dev/null
	wait "$vnet_held" 2>/dev/null
}
