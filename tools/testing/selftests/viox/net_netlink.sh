#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_net's counters as the viox generic netlink family reports them,
# read with the kernel's own YNL client from the YNL spec, against the
# tap's counters (ip -j -s link), the guest driver's totals, and the
# sysfs summary.
# Run by itself: it counts every viox-net device and drop in the VM.
# viox-lane: alone
. "$(dirname "$0")/ktap.sh"
debug_kernel_only "viox_net's counters over netlink"

. "$(dirname "$0")/net_lib.sh"

sys=/sys/class/misc/viox-net
kmod_load tun
work=$(mktemp -d)
# Taps made from here on carry no host-stack chatter (IPv6 discovery).
sysctl -qw net.ipv6.conf.default.disable_ipv6=1

# check.py NAME: one assertion over the saved JSON; prints what it compared.
check() {
	/usr/bin/python3 -I -S - "$work" "$vnet_held" "$1" <<'PY'
import json, os, sys
work, pid, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
dump = json.load(open(f"{work}/dump.json"))
tap = json.load(open(f"{work}/tap.json"))[0]["stats64"]
totals = dict(zip(*[iter(open(f"{work}/totals").read().split())] * 2))
sysfs = json.load(open(f"{work}/sysfs.json"))
mine = [d for d in dump if d.get("owner-pid") == pid]
print(f"devices owned by {pid}: {mine}")
print(f"tap: {tap}\ntotals: {totals}\nsysfs: {sysfs}")
assert len(mine) == 1
dev = mine[0]
rx, tx = sorted(dev["vq"], key=lambda v: v["index"])
if what == "device":
    assert dev["type"] == "net"
    assert dev["features"] & (1 << 32)		# VIRTIO_F_VERSION_1
    for vq in rx, tx:
        assert (vq["layout"], vq["size"], vq["backend"], vq["broken"]) == \
               ("split", 256, "tap", 0), vq
elif what == "tx":
    assert tx["packets"] == int(totals["tx_frames"]) == tap["rx"]["packets"]
    assert tx["bytes"] == int(totals["tx_bytes"]) == tap["rx"]["bytes"]
elif what == "rx":
    assert rx["packets"] == tap["tx"]["packets"] == 300
    assert rx["bytes"] == tap["tx"]["bytes"]
elif what == "notify":
    assert tx["kicks"] > 0 and rx["kicks"] > 0
    assert tx["interrupts"] > 0 and rx["interrupts"] > 0
    assert rx["drops-too-big"] == rx["drops-error"] == tx["drops-error"] == 0
    assert tx["breaks"] == rx["breaks"] == 0
elif what == "sysfs":
    assert sysfs["devices"] == len(dump) == 1
    assert sysfs["tx_packets"] == tx["packets"] and sysfs["rx_packets"] == rx["packets"]
    assert sysfs["tx_bytes"] == tx["bytes"] and sysfs["rx_bytes"] == rx["bytes"]
    assert sysfs["broken"] == sysfs["rx_dropped"] == sysfs["tx_dropped"] == 0
elif what == "runt":
    # 16 frames shorter than an Ethernet header, then 64 good ones.
    assert tx["drops-error"] == 16 and tx["broken"] == 0, tx
    assert tx["packets"] == 64 == tap["rx"]["packets"], (tx, tap)
elif what == "broken":
    assert tx["broken"] == 1 and tx["breaks"] == 1 and rx["broken"] == 0, tx
    assert sysfs["broken"] == 1
PY
}

snapshot() { # TAP
	local k
	viox_ynl --dump dev-get > "$work/dump.json" &&
	ip -j -s link show dev "$1" > "$work/tap.json" &&
	for k in devices broken rx_packets rx_bytes rx_dropped tx_packets tx_bytes tx_dropped; do
		printf '"%s": %s\n' "$k" "$(cat "$sys/$k")"
	done | paste -sd, | sed 's/.*/{&}/' > "$work/sysfs.json" &&
	sed -n 's/^# \(tx_frames .*\)/\1/p' "$work/guest.log" > "$work/totals"
}

do_by_id() {
	local id
	id=$(/usr/bin/python3 -I -S -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' \
	     "$work/dump.json")
	viox_ynl --do dev-get --json "{\"id\": $id}" > "$work/do.json" &&
	/usr/bin/python3 -I -S -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
print(a, b); assert a["id"] == b[0]["id"] and a["owner-pid"] == b[0]["owner-pid"]' \
		"$work/do.json" "$work/dump.json"
}

unknown_id_refused() {
	local out
	out=$(viox_ynl --do dev-get --json '{"id": 2147483647}' 2>&1)
	echo "$out"
	grep -q "No such file or directory" <<<"$out" &&
	grep -q "no viox device with this id" <<<"$out"
}

gone() {
	viox_ynl --dump dev-get > "$work/dump.json"
	cat "$work/dump.json" "$sys/devices"
	[ "$(cat "$work/dump.json")" = "[]" ] && [ "$(cat "$sys/devices")" = 0 ]
}

ktap_check "the viox family answers a dump with no device open" gone
if ktap_check "a guest moves 300 frames each way and holds its device open" \
	vnet_hold "$work/guest.log" --tap nl0 --count 300; then
	snapshot nl0
	ktap_check "dump: one device, its owner, features, vq layout, size and backend" \
		check device
	ktap_check "TX packets and bytes agree with the guest and with the tap" check tx
	ktap_check "RX packets and bytes agree with the tap" check rx
	ktap_check "kicks and interrupts counted, nothing dropped or broken" check notify
	ktap_check "sysfs summary agrees with netlink" check sysfs
	ktap_check "get by id returns the device the dump lists" do_by_id
	ktap_check "get of an unknown id: ENOENT with an extack message" unknown_id_refused
fi
vnet_release
ktap_check "a closed device leaves the dump and the sysfs count" gone
if ktap_check "a hostile guest breaks its TX vq and holds the device open" \
	vnet_hold "$work/guest.log" --tap nl1 --hostile oob; then
	snapshot nl1
	ktap_check "the broken vq is reported broken, once, in netlink and sysfs" check broken
fi
vnet_release
if ktap_check "a guest sends frames shorter than an Ethernet header, then good ones" \
	vnet_hold "$work/guest.log" --tap nl2 --hostile runt; then
	snapshot nl2
	ktap_check "runts are dropped and counted, the tap sees only the good frames" \
		check runt
fi
vnet_release

# A tenant stalls its own device (an ioctl faulting on a userfaultfd page
# nobody serves): other users' dumps, opens and closes go on.
STALL=$VIOX_TOP/tools/testing/viox/uffd-stall.py
stall_pid=
stall_start() {
	local i
	"$STALL" /dev/viox-net > "$work/stall.log" 2>&1 &
	stall_pid=$!
	for i in $(seq 100); do
		grep -q '^stalled' "$work/stall.log" && return 0
		sleep 0.1
	done
	cat "$work/stall.log"
	return 1
}

# finishes_within SECONDS CMD...: CMD ends by itself in time, and succeeds.
finishes_within() {
	local t=$1 p i
	shift
	"$@" &
	p=$!
	for i in $(seq $((t * 10))); do
		kill -0 "$p" 2>/dev/null || { wait "$p"; return; }
		sleep 0.1
	done
	echo "still blocked after $t s: $*"
	return 1
}

dump_lists() { # FILE PID
	/usr/bin/python3 -I -S -c 'import json, sys
d = json.load(open(sys.argv[1])); print(d)
assert [x for x in d if x.get("owner-pid") == int(sys.argv[2])]' "$1" "$2"
}

stalled_dump() {
	finishes_within 20 viox_ynl --dump dev-get > "$work/stall-dump.json" &&
	dump_lists "$work/stall-dump.json" "$stall_pid"
}

open_close() {
	/usr/bin/python3 -I -S -c 'import os; os.close(os.open("/dev/viox-net", os.O_RDWR))'
}

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# Another user sees none of root's devices, by dump or by id.
nobody_sees_nothing() {
	local out id
	out=$(as_nobody bash -c "$(declare -f viox_ynl); VIOX_KSRC=$VIOX_KSRC \
		VIOX_TOP=$VIOX_TOP viox_ynl --dump dev-get") || return 1
	echo "dump as nobody: $out"
	[ "$out" = "[]" ] || return 1
	id=$(/usr/bin/python3 -I -S -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' \
	     "$work/stall-dump.json")
	out=$(as_nobody bash -c "$(declare -f viox_ynl); VIOX_KSRC=$VIOX_KSRC \
		VIOX_TOP=$VIOX_TOP viox_ynl --do dev-get --json '{\"id\": $id}'" 2>&1)
	echo "get $id as nobody: $out"
	grep -q "No such file or directory" <<<"$out" &&
	grep -q "no viox device with this id" <<<"$out"
}

# ... but its own device, and root in another netns sees none.
nobody_sees_own() {
	local holder out mode
	mode=$(stat -c %a /dev/viox-net)
	chmod o+rw /dev/viox-net
	# Not through as_nobody: $! must be the holder itself.
	setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -I -S -c 'import os, time
fd = os.open("/dev/viox-net", os.O_RDWR); print("open", flush=True); time.sleep(60)' \
		> "$work/nobody.log" &
	holder=$!
	for _ in $(seq 50); do grep -q open "$work/nobody.log" && break; sleep 0.1; done
	out=$(as_nobody bash -c "$(declare -f viox_ynl); VIOX_KSRC=$VIOX_KSRC \
		VIOX_TOP=$VIOX_TOP viox_ynl --dump dev-get")
	chmod "$mode" /dev/viox-net
	kill "$holder"; wait "$holder" 2>/dev/null
	echo "dump as nobody with its own device open: $out"
	/usr/bin/python3 -I -S -c 'import json, sys; d = json.loads(sys.argv[1])
assert len(d) == 1 and "owner-pid" not in d[0], d' "$out"
}

# A device root opens and hands to an unprivileged VMM, as libvirt does,
# is the VMM's once it takes ownership.
nobody_sees_handed_device() {
	local holder out
	/usr/bin/python3 -I -S -c 'import fcntl, os, sys, time
fd = os.open("/dev/viox-net", os.O_RDWR)
os.setresgid(65534, 65534, 65534); os.setgroups([]); os.setresuid(65534, 65534, 65534)
fcntl.ioctl(fd, 0xAF01)    # VHOST_SET_OWNER
print("owned", os.getpid(), flush=True); time.sleep(60)' > "$work/handed.log" &
	holder=$!
	for _ in $(seq 50); do grep -q owned "$work/handed.log" && break; sleep 0.1; done
	out=$(as_nobody bash -c "$(declare -f viox_ynl); VIOX_KSRC=$VIOX_KSRC \
		VIOX_TOP=$VIOX_TOP viox_ynl --dump dev-get")
	kill "$holder"; wait "$holder" 2>/dev/null
	echo "dump as nobody owning a device root opened: $out"
	/usr/bin/python3 -I -S -c 'import json, sys; d = json.loads(sys.argv[1])
assert [x["owner-pid"] for x in d] == [int(sys.argv[2])], d' "$out" "$holder"
}

other_netns_sees_nothing() {
	local out
	out=$(unshare -n bash -c "$(declare -f viox_ynl); VIOX_KSRC=$VIOX_KSRC \
		VIOX_TOP=$VIOX_TOP viox_ynl --dump dev-get") || return 1
	echo "dump from another netns: $out"
	[ "$out" = "[]" ]
}

if ktap_check "a tenant stalls its device in an ioctl on a userfaultfd page" stall_start; then
	ktap_check "a dump during the stall ends and lists the stalled device" stalled_dump
	ktap_check "other devices open and close during the stall" \
		finishes_within 20 open_close
	ktap_check "an unprivileged user sees none of root's devices" nobody_sees_nothing
	ktap_check "an unprivileged user sees its own device" nobody_sees_own
	ktap_check "an unprivileged VMM sees the device root opened and it owns" \
		nobody_sees_handed_device
	ktap_check "another network namespace sees none of them" other_netns_sees_nothing
fi
[ -n "$stall_pid" ] && kill -9 "$stall_pid" 2>/dev/null
wait "$stall_pid" 2>/dev/null
ktap_check "the stalled device closes once its owner is killed" finishes_within 20 gone
sysctl -qw net.ipv6.conf.default.disable_ipv6=0
rm -rf "$work"
ktap_finish
