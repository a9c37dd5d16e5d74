// SPDX-License-Identifier: GPL-2.0
/*
 * iproute2 plugin for viox vports: `ip link add link UPLINK name NAME type
 * viox [mac MAC] [vlan VID] [spoofchk on|off] [mode netdev|tap] [offload
 * on|off] [rx_cpu CPU|none] [tx_rate RATE] [tx_pps N] [rx_rate RATE]
 * [rx_pps N] [standby vf N]`, `ip link set NAME type viox
 * ...`, and what `ip -d [-s] link show` prints of them.
 *
 * ip looks for link_<kind>.so in its library directory (IP_LIB_DIR, by
 * default /usr/lib/<multiarch>/ip) and calls the functions below through
 * viox_link_util (iproute2.h: what it uses of ip).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/if_ether.h>
#include <linux/viox_link.h>

#include "iproute2.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ip's request buffer, as its own link kinds give it. */
#define VIOX_REQ_MAX 1024

static void viox_print_help(struct link_util *lu, int argc, char **argv,
			    FILE *f)
{
	fprintf(f,
		"Usage: ... viox [ mac ADDRESS ] [ vlan VID ] [ spoofchk { on | off } ]\n"
		"                [ mode { netdev | tap } ] [ offload { on | off } ]\n"
		"                [ rx_cpu { CPU | none } ]\n"
		"                [ tx_rate RATE ] [ tx_pps N ] [ rx_rate RATE ] [ rx_pps N ]\n"
		"                [ standby vf N ]\n"
		"\n"
		"ADDRESS: the vport's unicast MAC (random if none is given)\n"
		"VID: its access VLAN, 1..4094 (0: untagged)\n"
		"spoofchk: drop frames the VM sends from another MAC or VLAN (default on)\n"
		"mode: netdev, its stack gets its frames (default); tap, a VM's port,\n"
		"      its frames for its tap device only: /dev/vioxtapN, or for libvirt\n"
		"      /dev/tapIFINDEX with viox_vmdq's tap_ifindex_names (at creation)\n"
		"offload: take a pool of the uplink's NIC (viox_igb) when one is free,\n"
		"      else the software classifier (default on)\n"
		"rx_cpu: the CPU its own receive queue runs on (and its NIC pool's\n"
		"      interrupt); none: it receives on the CPU that classified (default)\n"
		"RATE: bits/s the VM may send or receive, a number with bit, kbit, mbit\n"
		"      or gbit (none: bit); N: packets/s; 0 for no limit (the default)\n"
		"standby vf N: stand in for VF N of the uplink (viox_igb): take its MAC\n"
		"      and VLAN, and its traffic while the VF cannot receive (at creation)\n");
}

static int viox_bad(struct link_util *lu, const char *what, const char *arg)
{
	fprintf(stderr, "viox: invalid %s \"%s\"\n", what, arg);
	viox_print_help(lu, 0, NULL, stderr);
	return -1;
}

/* "100mbit", "5kbit", "800" (bits/s), or with no unit allowed, "1000". */
static int viox_get_rate(__u64 *val, const char *arg, int units)
{
	static const struct { const char *name; __u64 scale; } unit[] = {
		{ "", 1 }, { "bit", 1 }, { "kbit", 1000 },
		{ "mbit", 1000000 }, { "gbit", 1000000000 },
	};
	unsigned long long v;
	unsigned int i;
	char *end;

	if (*arg < '0' || *arg > '9')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno)
		return -1;
	for (i = 0; i < (units ? ARRAY_SIZE(unit) : 1); i++) {
		if (strcasecmp(end, unit[i].name))
			continue;
		if (v > ~0ULL / unit[i].scale)
			return -1;
		*val = v * unit[i].scale;
		return 0;
	}
	return -1;
}

static const struct {
	const char *name;
	int attr, units;
} viox_limits[] = {
	{ "tx_rate", IFLA_VIOX_TX_RATE, 1 },
	{ "tx_pps", IFLA_VIOX_TX_PPS, 0 },
	{ "rx_rate", IFLA_VIOX_RX_RATE, 1 },
	{ "rx_pps", IFLA_VIOX_RX_PPS, 0 },
};

/* tx_rate and its kind, or any other option: refused. */
static int viox_parse_limit(struct link_util *lu, const char *opt,
			    const char *arg, struct nlmsghdr *n)
{
	unsigned int i;
	__u64 v;

	for (i = 0; i < ARRAY_SIZE(viox_limits); i++) {
		if (strcmp(opt, viox_limits[i].name))
			continue;
		if (viox_get_rate(&v, arg, viox_limits[i].units))
			return viox_bad(lu, opt, arg);
		addattr64(n, VIOX_REQ_MAX, viox_limits[i].attr, v);
		return 0;
	}
	return viox_bad(lu, "option", opt);
}

static int viox_parse_opt(struct link_util *lu, int argc, char **argv,
			  struct nlmsghdr *n)
{
	while (argc > 0) {
		if (!strcmp(*argv, "help")) {
			viox_print_help(lu, argc, argv, stdout);
			return -1;
		}
		if (argc < 2)
			return viox_bad(lu, "option", *argv);
		if (!strcmp(*argv, "standby")) {
			__u32 vf;

			if (argc < 3 || strcmp(argv[1], "vf") ||
			    get_u32(&vf, argv[2], 0))
				return viox_bad(lu, "standby", argv[1]);
			addattr32(n, VIOX_REQ_MAX, IFLA_VIOX_STANDBY_VF, vf);
			argc--;
			argv++;
		} else if (!strcmp(*argv, "mac")) {
			char mac[ETH_ALEN];

			if (ll_addr_a2n(mac, sizeof(mac), argv[1]) != ETH_ALEN)
				return viox_bad(lu, "mac", argv[1]);
			addattr_l(n, VIOX_REQ_MAX, IFLA_VIOX_MAC, mac, ETH_ALEN);
		} else if (!strcmp(*argv, "vlan")) {
			__u16 vid;

			if (get_u16(&vid, argv[1], 0) || vid > 4094)
				return viox_bad(lu, "vlan", argv[1]);
			addattr16(n, VIOX_REQ_MAX, IFLA_VIOX_VLAN, vid);
		} else if (!strcmp(*argv, "spoofchk")) {
			if (strcmp(argv[1], "on") && strcmp(argv[1], "off"))
				return viox_bad(lu, "spoofchk", argv[1]);
			addattr8(n, VIOX_REQ_MAX, IFLA_VIOX_SPOOFCHK,
				 !strcmp(argv[1], "on"));
		} else if (!strcmp(*argv, "offload")) {
			if (strcmp(argv[1], "on") && strcmp(argv[1], "off"))
				return viox_bad(lu, "offload", argv[1]);
			addattr8(n, VIOX_REQ_MAX, IFLA_VIOX_OFFLOAD,
				 !strcmp(argv[1], "on"));
		} else if (!strcmp(*argv, "rx_cpu")) {
			__s32 cpu = -1;

			if (strcmp(argv[1], "none") &&
			    (get_s32(&cpu, argv[1], 0) || cpu < 0))
				return viox_bad(lu, "rx_cpu", argv[1]);
			addattr32(n, VIOX_REQ_MAX, IFLA_VIOX_RX_CPU, cpu);
		} else if (!strcmp(*argv, "mode")) {
			__u8 mode;

			if (!strcmp(argv[1], "netdev"))
				mode = VIOX_VPORT_MODE_NETDEV;
			else if (!strcmp(argv[1], "tap"))
				mode = VIOX_VPORT_MODE_TAP;
			else
				return viox_bad(lu, "mode", argv[1]);
			addattr8(n, VIOX_REQ_MAX, IFLA_VIOX_MODE, mode);
		} else if (viox_parse_limit(lu, argv[0], argv[1], n)) {
			return -1;
		}
		argc -= 2;
		argv += 2;
	}
	return 0;
}

static const char *const viox_stat_names[IFLA_VIOX_STAT_MAX + 1] = {
	[IFLA_VIOX_STAT_RX_BROADCAST]	  = "rx_broadcast",
	[IFLA_VIOX_STAT_RX_MULTICAST]	  = "rx_multicast",
	[IFLA_VIOX_STAT_RX_LOOPBACK]	  = "rx_loopback",
	[IFLA_VIOX_STAT_DROP_DOWN]	  = "drop_down",
	[IFLA_VIOX_STAT_DROP_REPLICATION] = "drop_replication",
	[IFLA_VIOX_STAT_DROP_SPOOFED]	  = "drop_spoofed",
	[IFLA_VIOX_STAT_DROP_NO_READER]	  = "drop_no_reader",
	[IFLA_VIOX_STAT_DROP_RATE_TX]	  = "drop_rate_tx",
	[IFLA_VIOX_STAT_DROP_RATE_RX]	  = "drop_rate_rx",
	[IFLA_VIOX_STAT_RX_CLASSIFIED]	  = "rx_classified",
	[IFLA_VIOX_STAT_RX_POOL]	  = "rx_pool",
	[IFLA_VIOX_STAT_DROP_QUEUE_FULL]  = "drop_queue_full",
};

static void viox_print_stats(struct rtattr *nest)
{
	struct rtattr *tb[IFLA_VIOX_STAT_MAX + 1];
	int i;

	parse_rtattr_flags(tb, IFLA_VIOX_STAT_MAX, RTA_DATA(nest),
			   RTA_PAYLOAD(nest), NLA_F_NESTED);
	open_json_object("viox_stats");
	print_nl();
	print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s", "    viox:");
	for (i = 0; i <= IFLA_VIOX_STAT_MAX; i++) {
		unsigned long long v;
		char fmt[64];

		if (!viox_stat_names[i] || !tb[i] ||
		    RTA_PAYLOAD(tb[i]) < sizeof(__u64))
			continue;
		memcpy(&v, RTA_DATA(tb[i]), sizeof(v));
		snprintf(fmt, sizeof(fmt), " %s %%llu", viox_stat_names[i]);
		print_color_u64(PRINT_ANY, COLOR_NONE, viox_stat_names[i], fmt, v);
	}
	/* ip goes on with its own attributes on this line. */
	print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s", " ");
	close_json_object();
}

static const char *const viox_standby_why[] = {
	[VIOX_STANDBY_WHY_NONE]		= "none",
	[VIOX_STANDBY_WHY_VF_BACK]	= "vf_back",
	[VIOX_STANDBY_WHY_ADMIN]	= "admin",
	[VIOX_STANDBY_WHY_RESET]	= "reset",
	[VIOX_STANDBY_WHY_STOPPED]	= "stopped",
	[VIOX_STANDBY_WHY_VFS_REMOVED]	= "vfs_removed",
};

/* "standby vf N active|parked switches S last WHY gap_us U" */
static void viox_print_standby(struct rtattr *vf, struct rtattr *nest)
{
	struct rtattr *tb[IFLA_VIOX_STANDBY_MAX + 1] = {};
	unsigned long long v;
	__u8 why;

	if (RTA_PAYLOAD(vf) < sizeof(__u32))
		return;
	print_color_uint(PRINT_ANY, COLOR_NONE, "standby_vf", "standby vf %u ",
			 *(__u32 *)RTA_DATA(vf));
	if (!nest)
		return;
	parse_rtattr_flags(tb, IFLA_VIOX_STANDBY_MAX, RTA_DATA(nest),
			   RTA_PAYLOAD(nest), NLA_F_NESTED);
	open_json_object("standby");
	if (tb[IFLA_VIOX_STANDBY_ACTIVE] &&
	    RTA_PAYLOAD(tb[IFLA_VIOX_STANDBY_ACTIVE]) >= 1)
		print_color_string(PRINT_ANY, COLOR_NONE, "state", "%s ",
				   *(__u8 *)RTA_DATA(tb[IFLA_VIOX_STANDBY_ACTIVE]) ?
				   "active" : "parked");
	if (tb[IFLA_VIOX_STANDBY_SWITCHES] &&
	    RTA_PAYLOAD(tb[IFLA_VIOX_STANDBY_SWITCHES]) >= sizeof(v)) {
		memcpy(&v, RTA_DATA(tb[IFLA_VIOX_STANDBY_SWITCHES]), sizeof(v));
		print_color_u64(PRINT_ANY, COLOR_NONE, "switches",
				"switches %llu ", v);
	}
	if (tb[IFLA_VIOX_STANDBY_WHY] &&
	    RTA_PAYLOAD(tb[IFLA_VIOX_STANDBY_WHY]) >= 1) {
		why = *(__u8 *)RTA_DATA(tb[IFLA_VIOX_STANDBY_WHY]);
		print_color_string(PRINT_ANY, COLOR_NONE, "last", "last %s ",
				   why < ARRAY_SIZE(viox_standby_why) &&
				   viox_standby_why[why] ?
				   viox_standby_why[why] : "unknown");
	}
	if (tb[IFLA_VIOX_STANDBY_GAP_NS] &&
	    RTA_PAYLOAD(tb[IFLA_VIOX_STANDBY_GAP_NS]) >= sizeof(v)) {
		memcpy(&v, RTA_DATA(tb[IFLA_VIOX_STANDBY_GAP_NS]), sizeof(v));
		print_color_u64(PRINT_ANY, COLOR_NONE, "gap_ns", "gap_ns %llu ", v);
	}
	close_json_object();
}

static void viox_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	unsigned int i;
	char buf[32];

	if (!tb)
		return;
	if (tb[IFLA_VIOX_MAC] && RTA_PAYLOAD(tb[IFLA_VIOX_MAC]) == ETH_ALEN)
		print_color_string(PRINT_ANY, COLOR_MAC, "mac", "mac %s ",
				   ll_addr_n2a(RTA_DATA(tb[IFLA_VIOX_MAC]),
					       ETH_ALEN, 0, buf, sizeof(buf)));
	if (tb[IFLA_VIOX_VLAN] && RTA_PAYLOAD(tb[IFLA_VIOX_VLAN]) >= 2)
		print_color_uint(PRINT_ANY, COLOR_NONE, "vlan", "vlan %u ",
				 *(__u16 *)RTA_DATA(tb[IFLA_VIOX_VLAN]));
	if (tb[IFLA_VIOX_SPOOFCHK] && RTA_PAYLOAD(tb[IFLA_VIOX_SPOOFCHK]) >= 1)
		print_color_on_off(PRINT_ANY, COLOR_NONE, "spoofchk",
				   "spoofchk %s ",
				   *(__u8 *)RTA_DATA(tb[IFLA_VIOX_SPOOFCHK]));
	if (tb[IFLA_VIOX_MODE] && RTA_PAYLOAD(tb[IFLA_VIOX_MODE]) >= 1)
		print_color_string(PRINT_ANY, COLOR_NONE, "mode", "mode %s ",
				   *(__u8 *)RTA_DATA(tb[IFLA_VIOX_MODE]) ==
				   VIOX_VPORT_MODE_TAP ? "tap" : "netdev");
	if (tb[IFLA_VIOX_TAP] && RTA_PAYLOAD(tb[IFLA_VIOX_TAP]) > 1 &&
	    ((char *)RTA_DATA(tb[IFLA_VIOX_TAP]))[RTA_PAYLOAD(tb[IFLA_VIOX_TAP]) - 1] == '\0')
		print_color_string(PRINT_ANY, COLOR_NONE, "tap", "tap /dev/%s ",
				   RTA_DATA(tb[IFLA_VIOX_TAP]));
	if (tb[IFLA_VIOX_OFFLOAD] && RTA_PAYLOAD(tb[IFLA_VIOX_OFFLOAD]) >= 1)
		print_color_on_off(PRINT_ANY, COLOR_NONE, "offload",
				   "offload %s ",
				   *(__u8 *)RTA_DATA(tb[IFLA_VIOX_OFFLOAD]));
	if (tb[IFLA_VIOX_POOL] && RTA_PAYLOAD(tb[IFLA_VIOX_POOL]) >= 4)
		print_color_uint(PRINT_ANY, COLOR_NONE, "pool", "pool %u ",
				 *(__u32 *)RTA_DATA(tb[IFLA_VIOX_POOL]));
	if (tb[IFLA_VIOX_RX_CPU] && RTA_PAYLOAD(tb[IFLA_VIOX_RX_CPU]) >= 4) {
		__s32 cpu = *(__s32 *)RTA_DATA(tb[IFLA_VIOX_RX_CPU]);

		/* Text shows a CPU set; JSON -1 for none. */
		print_color_int(cpu >= 0 ? PRINT_ANY : PRINT_JSON, COLOR_NONE,
				"rx_cpu", "rx_cpu %d ", cpu);
	}
	for (i = 0; i < ARRAY_SIZE(viox_limits); i++) {
		struct rtattr *a = tb[viox_limits[i].attr];
		unsigned long long v;
		char fmt[32];

		if (!a || RTA_PAYLOAD(a) < sizeof(__u64))
			continue;
		memcpy(&v, RTA_DATA(a), sizeof(v));
		/* Text shows the limits set; JSON all of them. */
		snprintf(fmt, sizeof(fmt), "%s %%llu ", viox_limits[i].name);
		print_color_u64(v ? PRINT_ANY : PRINT_JSON, COLOR_NONE,
				viox_limits[i].name, fmt, v);
	}
	if (tb[IFLA_VIOX_STANDBY_VF])
		viox_print_standby(tb[IFLA_VIOX_STANDBY_VF], tb[IFLA_VIOX_STANDBY]);
	if (show_stats && tb[IFLA_VIOX_STATS])
		viox_print_stats(tb[IFLA_VIOX_STATS]);
}

struct link_util viox_link_util = {
	.id		= VIOX_LINK_KIND,
	.maxattr	= IFLA_VIOX_MAX,
	.parse_opt	= viox_parse_opt,
	.print_opt	= viox_print_opt,
	.print_help	= viox_print_help,
};
