#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# viox_vmdq's vports through the viox generic netlink family, driven by
# the kernel's own YNL client from the YNL spec: made, read, listed and
# deleted as `ip link ... type viox` makes them (ip -d -j must agree),
# bad requests refused with their reason, an unprivileged user refused,
# and each vport's coming and going announced to the vport group.
# viox_vmdq's tests take turns in one lane: vmdq_scale holds RTNL for
# seconds, where vmdq_basic waits for RTNL work and carrier.
# viox-lane: vmdq
. "$(dirname "$0")/ktap.sh"
. "$(dirname "$0")/net_lib.sh"

top=$(cd "$(dirname "$0")/../../../.." && pwd)
export IP_LIB_DIR=$top/tools/ip
kmod_load veth
[ -d /sys/module/viox_vring ] || insmod "$(viox_ko viox_vring)"
[ -d /sys/module/viox_vmdq ] || insmod "$(viox_ko viox_vmdq)"

H=vn-host
work=$(mktemp -d)
cleanup() { ip netns del $H 2>/dev/null; ip netns del vn-vm 2>/dev/null; }
trap 'cleanup; rm -rf "$ktap_out" "$work"' EXIT
cleanup
ip netns add $H
ip -n $H link add vn-up type veth peer name vn-wire
ip -n $H link set vn-up up
uplink=$(ip netns exec $H cat /sys/class/net/vn-up/ifindex)
in_host() { ip netns exec $H "$@"; }
host_ynl() { # viox_ynl in the uplink's namespace
	in_host /usr/bin/python3 "$VIOX_KSRC/tools/net/ynl/cli.py" \
		--spec "$VIOX_TOP/Documentation/netlink/specs/viox.yaml" \
		--no-schema --output-json "$@"
}
json() { /usr/bin/python3 -I -S -c "import json,sys; d=json.load(sys.stdin); print(($1))"; }

# What the vport group says, until WANT notifications or 120 s: a client
# of the kernel's YNL library (and its yaml) that says when it has joined.
in_host /usr/bin/python3 -I - "$VIOX_KSRC/tools/net/ynl" \
	"$VIOX_TOP/Documentation/netlink/specs/viox.yaml" "$work" 3 <<'PY' &
import json, sys, time
sys.path.insert(0, sys.argv[1])
from lib import YnlFamily
ynl = YnlFamily(sys.argv[2], '')
ynl.ntf_subscribe('vport')
open(sys.argv[3] + '/joined', 'w').close()
got, deadline = [], time.time() + 120
while len(got) < int(sys.argv[4]) and time.time() < deadline:
    ynl.check_ntf()
    got += ynl.async_msg_queue
    ynl.async_msg_queue = []
    time.sleep(0.1)
json.dump(got, open(sys.argv[3] + '/ntf.json', 'w'), default=bytes.hex)
PY
listener=$!
joined() {
	local i
	for i in $(seq 200); do [ -e "$work/joined" ] && return 0; sleep 0.1; done
	return 1
}
ktap_check "a listener joins the vport group" joined

made() {
	host_ynl --do vport-new --json \
		"{\"uplink\": $uplink, \"name\": \"nv1\", \"mac\": \"020000007301\", \"vlan\": 5, \"offload\": 0}" \
		> "$work/new.json" || { cat "$work/new.json"; return 1; }
	cat "$work/new.json"
	json 'd["name"], d["vlan"], d["mac"], d["offload"], d["uplink"], "pool" in d' < "$work/new.json" |
		grep -qx "('nv1', 5, '02:00:00:00:73:01', 0, $uplink, False)"
}
ktap_check "vport-new makes a vport and answers with it" made
ip_agrees() {
	local got
	got=$(in_host ip -d -j link show nv1 |
		json 'd[0]["linkinfo"]["info_kind"], d[0]["linkinfo"]["info_data"]["vlan"], d[0]["address"], d[0]["link"]')
	expect_eq "$got" "('viox', 5, '02:00:00:00:73:01', 'vn-up')"
}
expect_eq() { [ "$1" = "$2" ] || { echo "got $1, expected $2"; return 1; }; }
ktap_check "ip -d link shows the same vport" ip_agrees

nv1=$(json 'd["ifindex"]' < "$work/new.json")
got_one() {
	host_ynl --do vport-get --json "{\"ifindex\": $nv1}" > "$work/get.json" &&
		expect_eq "$(json 'sorted(d.items())' < "$work/get.json")" \
			  "$(json 'sorted(d.items())' < "$work/new.json")"
}
ktap_check "vport-get by ifindex answers the same" got_one
host_ynl --do vport-new --json "{\"uplink\": $uplink, \"mac\": \"020000007302\"}" > "$work/new2.json"
listed() {
	host_ynl --dump vport-get > "$work/dump.json" &&
		expect_eq "$(json 'sorted((v["name"], v["vlan"]) for v in d)' < "$work/dump.json")" \
			  "[('nv1', 5), ('viox0', 0)]"
}
ktap_check "a vport without a name is viox0; the dump lists both" listed
netns_moved() {
	ip netns add vn-vm &&
		in_host ip link set viox0 netns vn-vm &&
		host_ynl --dump vport-get > "$work/dump.json" &&
		json '[v.get("link-netnsid") for v in d if v["name"] == "viox0"][0] is not None' < "$work/dump.json" |
		grep -qx True
}
ktap_check "a vport in another namespace is listed with its link-netnsid" netns_moved
nobody() { in_host setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
nobody_dump() {
	nobody /usr/bin/python3 "$VIOX_KSRC/tools/net/ynl/cli.py" \
		--spec "$VIOX_TOP/Documentation/netlink/specs/viox.yaml" --no-schema \
		--output-json --dump vport-get > "$work/nobody.json" &&
		expect_eq "$(json 'sorted(v["name"] for v in d)' < "$work/nobody.json")" "['nv1']"
}
ktap_check "nobody's dump leaves out the vport in another namespace" nobody_dump

refused() { # ERRNO-TEXT EXTACK-TEXT JSON: vport-new refused, saying why
	local out
	out=$(host_ynl --do vport-new --json "$3" 2>&1) && { echo "made: $out"; return 1; }
	echo "$out"
	grep -q -- "$1" <<<"$out" && grep -q -- "$2" <<<"$out"
}
ktap_check "the same MAC and VLAN again: refused" \
	refused "File exists" "another vport" "{\"uplink\": $uplink, \"mac\": \"020000007301\", \"vlan\": 5}"
ktap_check "no such uplink: refused" \
	refused "No such device" "no such uplink" "{\"uplink\": 99999, \"mac\": \"020000007303\"}"
ktap_check "a multicast MAC: refused" \
	refused "Cannot assign requested address" "must be unicast" "{\"uplink\": $uplink, \"mac\": \"010000007303\"}"
ktap_check "VLAN 4095: refused by the policy" \
	refused "Numerical result out of range" "out of range" "{\"uplink\": $uplink, \"vlan\": 4095}"
ktap_check "no uplink: refused" \
	refused "Invalid argument" "" "{\"mac\": \"020000007303\"}"
unprivileged() {
	local out
	out=$(nobody /usr/bin/python3 "$VIOX_KSRC/tools/net/ynl/cli.py" \
		--spec "$VIOX_TOP/Documentation/netlink/specs/viox.yaml" --no-schema \
		--do "$1" --json "$2" 2>&1) && { echo "done: $out"; return 1; }
	echo "$out"
	grep -q "Operation not permitted" <<<"$out"
}
ktap_check "nobody may not make a vport" \
	unprivileged vport-new "{\"uplink\": $uplink, \"mac\": \"020000007304\"}"
ktap_check "nobody may not delete one" unprivileged vport-del "{\"ifindex\": $nv1}"
not_a_vport() {
	local out
	out=$(host_ynl --do vport-del --json "{\"ifindex\": $uplink}" 2>&1) && return 1
	echo "$out"
	grep -q "no vport with this ifindex" <<<"$out" && in_host ip link show vn-up >/dev/null
}
ktap_check "vport-del of the uplink: refused, the uplink stays" not_a_vport

deleted() {
	host_ynl --do vport-del --json "{\"ifindex\": $nv1}" >/dev/null &&
		! in_host ip link show nv1 2>/dev/null
}
ktap_check "vport-del deletes it" deleted
wait "$listener"
announced() {
	json '[(n["name"], n["msg"]["name"]) for n in d]' < "$work/ntf.json" |
		grep -qx "\[('vport-add-ntf', 'nv1'), ('vport-add-ntf', 'viox0'), ('vport-del-ntf', 'nv1')\]" ||
		{ cat "$work/ntf.json"; return 1; }
}
ktap_check "the vport group heard each vport made and deleted" announced
ktap_finish
