# SPDX-License-Identifier: GPL-2.0
# Minimal KTAP emitter for the viox selftests; sourced.

ktap_n=0
ktap_failed=0
ktap_out=$(mktemp)
trap 'rm -f "$ktap_out"' EXIT
echo "KTAP version 1"

# ktap_check NAME CMD [ARGS...]: one test; CMD's output is shown on failure.
ktap_check() {
	local name=$1
	shift
	ktap_n=$((ktap_n + 1))
	if "$@" >"$ktap_out" 2>&1; then
		echo "ok $ktap_n $name"
	else
		echo "not ok $ktap_n $name"
		sed 's/^/# /' "$ktap_out"
		ktap_failed=$((ktap_failed + 1))
	fi
	ktap_time "$name"
}

# Where a selftest's time goes, for whoever makes it faster: the
# milliseconds since the previous result, set-up included.
ktap_last=${EPOCHREALTIME/./}
ktap_time() {
	local now=${EPOCHREALTIME/./}
	[ -n "${VIOX_KTAP_TIMES:-}" ] &&
		echo "$(( (now - ktap_last) / 1000 )) $ktap_n $1" >> "$VIOX_KTAP_TIMES"
	ktap_last=$now
	return 0
}

ktap_skip() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $1 # SKIP $2"
	ktap_time "$1"
}

# The stock kernel's pass proves the DKMS-built modules with their peers;
# a selftest whose behaviour the debug kernel's pass checks more strictly
# (KASAN, lockdep) says so and stops there: debug_kernel_only WHAT.
debug_kernel_only() {
	[ "${VIOX_KERNEL:-}" = stock ] || return 0
	ktap_skip "$1 on Debian's kernel" "covered by the debug-kernel run"
	ktap_finish
}

ktap_finish() {
	echo "1..$ktap_n"
	[ "$ktap_failed" = 0 ]
	exit
}

# The kernel log from here on, without clearing it (selftests run side by
# side and read it too): kmsg_mark, then kmsg_since prints what came after.
kmsg_mark() {
	kmsg_tag="viox-selftest $$ mark $((++kmsg_n))"
	echo "$kmsg_tag" > /dev/kmsg
}
kmsg_since() {
	dmesg | sed -n "/$kmsg_tag\$/,\$p" | tail -n +2
}

# The path of a viox module given to the guest, by module name.
viox_ko() {
	local ko
	for ko in $VIOX_MODULES; do
		[ "$(modinfo -F name "$ko")" = "$1" ] && { echo "$ko"; return 0; }
	done
	echo "module $1 not among: $VIOX_MODULES" >&2
	return 1
}

# pktgen in namespace NS (its control files are the namespace's): each
# "FILE COMMAND" written to /proc/net/pktgen/FILE in turn; a command
# pktgen refuses stops it, with the file's reason, and fails.
# "pgctrl start" returns when the run ends (or is stopped).
pktgen_in() { # NS "FILE COMMAND"...
	local ns=$1
	shift
	ip netns exec "$ns" /bin/sh -c '
		for l in "$@"; do
			echo "${l#* }" > "/proc/net/pktgen/${l%% *}" ||
				{ grep -h "Result" "/proc/net/pktgen/${l%% *}"; exit 1; }
		done' sh "$@"
}

# modprobe an in-tree module of the running kernel (the test kernel keeps
# its modules in a staging tree).
kmod_load() {
	if [ -n "${VIOX_MODDIR:-}" ]; then
		modprobe -d "$VIOX_MODDIR" "$@"
	else
		modprobe "$@"
	fi
}
