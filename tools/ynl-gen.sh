#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Regenerate, from Documentation/netlink/specs/viox.yaml, the uapi header
# and the kernel policy and op tables with the kernel's own YNL generator
# (from linux-source), validating the spec against its genetlink schema.
# usage: ynl-gen.sh [--check]   (--check: fail if a generated file is stale)
set -euo pipefail
. "$(dirname "$0")/testing/viox/lib.sh"

src=$(linux_source_tree)
spec=Documentation/netlink/specs/viox.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The generator finds the schema beside the spec's folder and names the
# spec relative to the tree that has a MAINTAINERS file: run it on a copy
# laid out as in the kernel. Debian's python3 has its yaml and jsonschema.
mkdir -p "$work/Documentation/netlink/specs"
touch "$work/MAINTAINERS"
cp "$src/Documentation/netlink/genetlink.yaml" "$work/Documentation/netlink/"
cp "$VIOX_TOP/$spec" "$work/$spec"
gen() { # MODE KIND OUT
	# The source includes the header by the name it is written to.
	local out=$work/${3##*/}
	(cd "$work" && timeout 120 /usr/bin/python3 "$src/tools/net/ynl/ynl-gen-c.py" \
		--mode "$1" "--$2" --spec "$work/$spec" -o "$out")
	if [ "${check:-}" = 1 ]; then
		cmp -s "$out" "$VIOX_TOP/$3" || die "$3 is stale: run tools/ynl-gen.sh"
	else
		cp "$out" "$VIOX_TOP/$3"
	fi
}
[ "${1:-}" = --check ] && check=1
gen uapi header include/uapi/linux/viox.h
gen kernel header drivers/vring/netlink-gen.h
gen kernel source drivers/vring/netlink-gen.c
