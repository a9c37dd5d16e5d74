#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# No two files of a driver call each other, directly or around a circle:
# the driver's files form layers (hardware, then the tables and state
# that own it, then the front ends). Reads the symbols each object file
# defines and uses; run after a build. usage: layers.sh DRIVER-DIR
set -euo pipefail

dir=$1
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
for o in "$dir"/*.o; do
	nm "$o" | awk -v f="$(basename "$o" .o)" \
		'$1 == "U" { print "U", $2, f } $2 ~ /^[TDRB]$/ { print "D", $3, f }'
done | awk '$1 == "D" { def[$2] = $3 } $1 == "U" { use[++n] = $2 " " $3 }
	END { for (i = 1; i <= n; i++) { split(use[i], u, " ")
		if (u[1] in def && def[u[1]] != u[2]) print u[2], def[u[1]] } }' |
	sort -u > "$edges"
if ! out=$(tsort "$edges" 2>&1 >/dev/null) || [ -n "$out" ]; then
	echo "$dir: files that call each other in a circle:"
	grep -v 'input contains a loop' <<<"$out" | sed 's/^tsort: /  /'
	exit 1
fi
echo "$dir: $(wc -l < "$edges") calls between files, no circle"
