# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# What the benchmarks share (sourced, and not executable: not one itself).

# One JSON row for bench.sh; the spreads (lowest-highest of the rounds)
# when the median's spread is worth keeping.
row() { # NAME METRIC UNIT VIOX PEER PEER_VALUE [HIGHER_IS_BETTER [VIOX_SPREAD PEER_SPREAD]]
	local spreads=
	[ -z "${8:-}" ] || spreads=$(printf ', "viox_spread": "%s", "peer_spread": "%s"' "$8" "${9:-}")
	printf '{"bench": "%s", "metric": "%s", "unit": "%s", "viox": %s, "peer": "%s", "peer_value": %s, "higher_is_better": %s%s}\n' \
		"$1" "$2" "$3" "$4" "$5" "$6" "${7:-true}" "$spreads"
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }

# A pktgen control file's command: pg kpktgend_0 "add_device eth0".
pg() { echo "$2" > "/proc/net/pktgen/$1"; }

# Links up, with no IPv6 chatter to count.
quiet_up() {
	local d
	for d in "$@"; do
		sysctl -qw "net.ipv6.conf.$d.disable_ipv6=1"
		ip link set "$d" up
	done
}
