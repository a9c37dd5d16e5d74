#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: in one stock-kernel VM, measure viox against its in-tree
# peer for each row, print the ratios, and write them to bench-results.json.
#
# A benchmark is an executable tools/testing/viox/bench/NAME.sh run in the
# guest; it prints one JSON object per line:
#   {"bench": "...", "metric": "...", "unit": "...",
#    "viox": <number>, "peer": "<peer name>", "peer_value": <number>,
#    "higher_is_better": true|false}
set -euo pipefail
. "$(dirname "$0")/lib.sh"

moddir=$("$VIOX_HARNESS/dkms.sh" build)
make -s -C "$VIOX_HARNESS/vnet-guest"
make -s -C "$VIOX_TOP/tools/ip"
out=$VIOX_CACHE/runs/bench
rm -rf "$out"
# Every benchmark together runs longer than a test VM's 20 minutes (blk,
# the vmdq ones and failover alone took 19).
# Three vCPUs: a device worker and a guest driver on one each, and for
# the benchmarks that ask for it (guest-bench.sh) a traffic source on the
# third, off the CPUs of what it feeds.
VIOX_VM_TIMEOUT=${VIOX_VM_TIMEOUT:-3600} VIOX_VM_SMP=${VIOX_VM_SMP:-3} \
	"$VIOX_HARNESS/vm.sh" stock "$out" "$VIOX_HARNESS/guest-bench.sh" "VIOX_MODSRC=$moddir" \
	"VIOX_BENCH_ONLY=${1:-}" \
	"VIOX_KSRC=$(linux_source_tree)" \
	"VIOX_EXPECT_VERSION=$(cd "$VIOX_TOP" && tools/version.sh)"
[ -e "$out/done" ] || { tail -n 30 "$out/console.log"; die "the bench VM did not finish"; }

python3 - "$out/rows.jsonl" "$VIOX_TOP/bench-results.json" "$(cd "$VIOX_TOP" && tools/version.sh)" \
	"$(stock_kver)" <<'PY'
import json, sys
rows_file, result_file, version, kver = sys.argv[1:]
rows = [json.loads(l) for l in open(rows_file) if l.strip()]
for r in rows:
    v, p = r["viox"], r["peer_value"]
    better = r.get("higher_is_better", True)
    r["ratio"] = (v / p if better else p / v) if v and p else None
json.dump({"version": version, "kernel": kver, "rows": rows},
          open(result_file, "w"), indent=1)
print(f"viox {version} on {kver} (QEMU TCG); ratio > 1 means viox is better")
if not rows:
    print("no benchmark rows yet")
    sys.exit(0)
w = max(len(r["bench"] + r["metric"]) for r in rows) + 3
print(f"{'benchmark':<{w}} {'viox':>12} {'peer':>12}  {'peer name':<12} ratio")
for r in rows:
    ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "n/a"
    spreads = (f"  spreads {r['viox_spread']} / {r['peer_spread']}"
               if r.get("viox_spread") else "")
    print(f"{r['bench'] + ': ' + r['metric']:<{w}} {r['viox']:>12.4g} "
          f"{r['peer_value']:>12.4g}  {r['peer']:<12} {ratio}  ({r['unit']}){spreads}")
PY
[ ! -e "$out/failed" ] || { cat "$out/failed"; die "a benchmark failed"; }
