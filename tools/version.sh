#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The viox version: from git describe in a checkout, from the VERSION file
# a source package (dkms) carries otherwise. usage: version.sh [TOPDIR]
top=${1:-$(dirname "$0")/..}
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1 &&
   [ "$(git -C "$top" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$top" && pwd -P)" ]; then
	v=$(git -C "$top" describe --tags --match 'v[0-9]*' --dirty 2>/dev/null) || {
		# No release tag yet: 0.0-<commits>-g<hash>, as describe would say.
		v=0.0-$(git -C "$top" rev-list --count HEAD 2>/dev/null || echo 0)
		v=$v-g$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
		git -C "$top" diff --quiet HEAD 2>/dev/null || v=$v-dirty
	}
	echo "${v#v}"
elif [ -r "$top/VERSION" ]; then
	cat "$top/VERSION"
else
	echo 0.0-unknown
fi
