#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_vring as a module: identity, dependencies, parameters, load/unload.
# Run by itself: it unloads and loads the viox modules.
# viox-lane: alone
. "$(dirname "$0")/ktap.sh"

ko=$(viox_ko viox_vring)
sys=/sys/module/viox_vring
# The backends that use the core come off first and go back at the end.
mapfile -t users < <(ls $sys/holders 2>/dev/null)

version_matches() {
	echo "loaded $(cat $sys/version), tree ${VIOX_EXPECT_VERSION:-?}"
	[ "$(cat $sys/version)" = "$VIOX_EXPECT_VERSION" ]
}

uses_vhost_iotlb() {
	modinfo -F depends "$ko" | tr , '\n' | grep -qx vhost_iotlb &&
	[ -e /sys/module/vhost_iotlb/holders/viox_vring ]
}

not_proprietary() {
	local t
	t=$(cat /proc/sys/kernel/tainted)
	echo "tainted=$t"
	[ $((t & 1)) = 0 ]
}

param_is() {
	local v
	v=$(cat $sys/parameters/max_mem_regions)
	echo "max_mem_regions=$v"
	[ "$v" = "$1" ]
}

unload() {
	local m
	for m in "${users[@]}"; do
		rmmod "$m" || return 1
	done
	rmmod viox_vring && [ ! -d $sys ]
}

# insmod with a bad value must fail with EINVAL and say why in the log.
refused() {
	kmsg_mark
	if insmod "$ko" "max_mem_regions=$1"; then
		rmmod viox_vring
		return 1
	fi
	[ ! -d $sys ] && kmsg_since | grep "max_mem_regions must be 1 to 1024, not $1"
}

honoured() {
	insmod "$ko" "max_mem_regions=$1" && param_is "$1" && rmmod viox_vring
}

reload() {
	local m
	insmod "$ko" || return 1
	for m in "${users[@]}"; do
		insmod "$(viox_ko "$m")" || return 1
	done
}

ktap_check "viox_vring is loaded" test -d $sys
ktap_check "version is the source tree's" version_matches
ktap_check "builds on the kernel's vhost_iotlb" uses_vhost_iotlb
ktap_check "GPL: no proprietary taint" not_proprietary
ktap_check "max_mem_regions defaults to 64" param_is 64
ktap_check "unloads with nothing left behind" unload
ktap_check "max_mem_regions=0 is refused" refused 0
ktap_check "max_mem_regions=1025 is refused" refused 1025
ktap_check "max_mem_regions=509 is honoured" honoured 509
ktap_check "loads again with defaults, backends too" reload
ktap_finish
