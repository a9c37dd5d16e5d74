#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch (from Debian's linux-source-6.12) and sparse (C=2) over the
# viox sources, and viox_igb's layering; any finding fails.
# usage: lint.sh KDIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=$1
src=$(linux_source_tree)
cd "$VIOX_TOP"
mapfile -t files < <(git ls-files --cached --others --exclude-standard \
		     'drivers/*.[ch]' 'include/*.h' 'kunit/*.[ch]' ':(glob)tools/testing/viox/*.c' |
		     grep -v '^include/viox/compat.h$')
checkpatch() {
	"$src/scripts/checkpatch.pl" --no-tree --quiet --show-types --strict "$@"
}
rc=0
log "checkpatch over ${#files[@]} files and the compat header"
checkpatch -f "${files[@]}" || rc=1
# Version tests are the compat header's whole purpose.
checkpatch --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	-f include/viox/compat.h || rc=1

log "sparse (C=2)"
make -s -C "$kdir" M="$VIOX_TOP" C=2 CF=-D__CHECK_ENDIAN__ W=1 modules \
	> .lint.log 2>&1 || rc=1
if grep -E 'warning:|error:' .lint.log; then
	rc=1
fi
# viox_igb's files are layered: policy in one place, thin front ends.
log "layers"
"$VIOX_HARNESS/layers.sh" drivers/igb || rc=1
[ "$rc" = 0 ] && log "lint clean"
exit "$rc"
