#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make run`: load viox on the stock kernel and describe what
# it offers, for a person to read (OUT/report.txt).
. "$VIOX_TOP/tools/testing/viox/guest-lib.sh"
guest_setup
exec 2>"$OUT/guest.log"
report=$OUT/report.txt

mapfile -t mods < <(find "$VIOX_MODSRC" -maxdepth 1 -name 'viox_*.ko*' ! -name '*_kunit.ko*' | sort)
{
	echo "viox ${VIOX_EXPECT_VERSION:-?} on Linux $(uname -r)"
	echo
	if viox_load "${mods[@]}"; then
		echo "Modules (built by dkms, loaded with insmod):"
	else
		echo "Modules: LOADING FAILED"
	fi
	for ko in "${mods[@]}"; do
		m=$(modinfo -F name "$ko")
		[ -d "/sys/module/$m" ] || { echo "  $m: not loaded"; continue; }
		printf '  %-12s %s, %s bytes, uses: %s\n' "$m" \
			"$(cat /sys/module/$m/version)" "$(cat /sys/module/$m/coresize)" \
			"$(modinfo -F depends "$ko")"
		printf '  %-12s %s\n' "" "$(modinfo -F description "$ko")"
		nexp=$(grep -c "__ksymtab_viox_.*\[$m\]" /proc/kallsyms)
		printf '  %-12s %s symbols exported for viox backends\n' "" "$nexp"
	done
	echo
	echo "Module parameters (sysfs):"
	for p in /sys/module/viox_*/parameters/*; do
		[ -e "$p" ] || continue
		m=${p#/sys/module/}
		printf '  %s.%s = %s\n' "${m%%/*}" "${p##*/}" "$(cat "$p")"
	done
	echo
	echo "Character devices:"
	ls /dev/viox-* >/dev/null 2>&1 && ls -l /dev/viox-* | sed 's/^/  /' ||
		echo "  none yet (the vring core is a library for the backends)"
	echo
	echo "Generic netlink families:"
	fams=$(genl ctrl list 2>/dev/null | sed -n 's/^Name: \(viox.*\)/\1/p')
	[ -n "$fams" ] && echo "$fams" | sed 's/^/  /' || echo "  none yet"
	echo
	echo "Kernel taint after loading: $(cat /proc/sys/kernel/tainted) (out-of-tree, unsigned)"
} > "$report" 2>&1
guest_poweroff
