/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * Link attributes of viox vports (rtnetlink kind "viox"): the data nested in
 * IFLA_INFO_DATA of `ip link add link UPLINK name NAME type viox ...`.
 */
#ifndef _UAPI_LINUX_VIOX_LINK_H
#define _UAPI_LINUX_VIOX_LINK_H

#define VIOX_LINK_KIND "viox"

enum {
	IFLA_VIOX_UNSPEC,
	IFLA_VIOX_MAC,		/* binary, ETH_ALEN: the vport's address */
	IFLA_VIOX_VLAN,		/* u16: access VLAN 1..4094, 0 for none */
	IFLA_VIOX_SPOOFCHK,	/* u8: drop frames from another MAC or VLAN */
	IFLA_VIOX_STATS,	/* nest of IFLA_VIOX_STAT_* (read only) */
	IFLA_VIOX_MODE,		/* u8: VIOX_VPORT_MODE_*, at creation only */
	IFLA_VIOX_TAP,		/* string: the tap device's name in /dev (read only) */
	IFLA_VIOX_TX_RATE,	/* u64: bits/s the VM may send, 0 for no limit */
	IFLA_VIOX_TX_PPS,	/* u64: packets/s the VM may send, 0 for no limit */
	IFLA_VIOX_RX_RATE,	/* u64: bits/s the VM may receive, 0 for no limit */
	IFLA_VIOX_RX_PPS,	/* u64: packets/s the VM may receive, 0 for no limit */
	IFLA_VIOX_PAD,
	IFLA_VIOX_OFFLOAD,	/* u8: 1 (default), take a NIC pool when one is free */
	IFLA_VIOX_POOL,		/* u32: the NIC pool it is in, if any (read only) */
	IFLA_VIOX_RX_CPU,	/* s32: the CPU its receive queue runs on, -1 none */
	IFLA_VIOX_STANDBY_VF,	/* u32: the uplink's VF it stands in for, at creation only */
	IFLA_VIOX_STANDBY,	/* nest of IFLA_VIOX_STANDBY_* (read only) */
	__IFLA_VIOX_MAX
};

#define IFLA_VIOX_MAX (__IFLA_VIOX_MAX - 1)

/*
 * What a vport is for. NETDEV: a netdev whose stack gets its frames (a
 * container's interface). TAP: a VM's port, reached through its tap
 * device only (IFLA_VIOX_TAP: /dev/vioxtapN, or /dev/tapIFINDEX): its
 * frames never reach its stack, nor does the vport leave its namespace.
 */
enum {
	VIOX_VPORT_MODE_NETDEV,
	VIOX_VPORT_MODE_TAP,
};

/*
 * A standby vport (IFLA_VIOX_STANDBY_VF) takes its VF's MAC and port VLAN
 * and receives the MAC's traffic only while the VF cannot: the NIC
 * delivers it to the VF otherwise.
 */
enum {
	IFLA_VIOX_STANDBY_UNSPEC,
	IFLA_VIOX_STANDBY_PAD,
	IFLA_VIOX_STANDBY_ACTIVE,	/* u8: 1 while the vport has the traffic */
	IFLA_VIOX_STANDBY_SWITCHES,	/* u64: switches either way */
	IFLA_VIOX_STANDBY_WHY,		/* u8: VIOX_STANDBY_WHY_* of the last */
	IFLA_VIOX_STANDBY_GAP_NS,	/* u64: the last switch's gap, at most */
	__IFLA_VIOX_STANDBY_MAX
};

#define IFLA_VIOX_STANDBY_MAX (__IFLA_VIOX_STANDBY_MAX - 1)

/* Why a standby switched. */
enum {
	VIOX_STANDBY_WHY_NONE,		/* no switch yet */
	VIOX_STANDBY_WHY_VF_BACK,	/* to the VF: it receives again */
	VIOX_STANDBY_WHY_ADMIN,		/* link state disabled, or devlink port function inactive */
	VIOX_STANDBY_WHY_RESET,		/* a function level reset, or its driver's reset */
	VIOX_STANDBY_WHY_STOPPED,	/* its driver stopped receiving or let it go */
	VIOX_STANDBY_WHY_VFS_REMOVED,	/* sriov_numvfs took it away */
};

/* A vport's counters beyond rtnl_link_stats64, all u64. */
enum {
	IFLA_VIOX_STAT_UNSPEC,
	IFLA_VIOX_STAT_PAD,
	IFLA_VIOX_STAT_RX_BROADCAST,	/* broadcast frames replicated to it */
	IFLA_VIOX_STAT_RX_MULTICAST,	/* multicast frames replicated to it */
	IFLA_VIOX_STAT_RX_LOOPBACK,	/* frames from vports of its uplink */
	IFLA_VIOX_STAT_DROP_DOWN,	/* received while the vport was down */
	IFLA_VIOX_STAT_DROP_REPLICATION, /* no room for a replicated copy */
	IFLA_VIOX_STAT_DROP_SPOOFED,	/* sent with another MAC or VLAN */
	IFLA_VIOX_STAT_DROP_NO_READER,	/* tap mode: no file had the tap open */
	IFLA_VIOX_STAT_DROP_RATE_TX,	/* over the vport's TX rate limits */
	IFLA_VIOX_STAT_DROP_RATE_RX,	/* over the vport's RX rate limits */
	IFLA_VIOX_STAT_RX_CLASSIFIED,	/* unicast the software classifier steered */
	IFLA_VIOX_STAT_RX_POOL,		/* frames its NIC pool delivered */
	IFLA_VIOX_STAT_DROP_QUEUE_FULL,	/* its receive queue was full */
	__IFLA_VIOX_STAT_MAX
};

#define IFLA_VIOX_STAT_MAX (__IFLA_VIOX_STAT_MAX - 1)

#endif /* _UAPI_LINUX_VIOX_LINK_H */
