/* SPDX-License-Identifier: GPL-2.0 */
/*
 * viox_vmdq: vports on an Ethernet uplink, each a netdev with its own MAC
 * and optional access VLAN, fed by a classifier in the uplink's receive hook.
 */
#ifndef _VIOX_VMDQ_H
#define _VIOX_VMDQ_H

#include <linux/etherdevice.h>
#include <linux/if_tap.h>
#include <linux/netdevice.h>
#include <linux/rhashtable-types.h>
#include <linux/u64_stats_sync.h>
#include <linux/xarray.h>
#include <net/sch_generic.h>
#include <uapi/linux/viox_link.h>
#include <viox/pool.h>
#include <viox/standby.h>

/*
 * What the classifier matches: destination MAC and VLAN, with untagged and
 * priority-tagged frames both on VLAN 0 (802.1Q: VID 0 carries no VLAN).
 */
struct vmdq_key {
	u8 mac[ETH_ALEN];
	u16 vid;
} __packed;

/*
 * One key in the table. Separate from its vport so that a vport changes
 * key by inserting the new entry before the old one goes: a failed change
 * leaves it as it was.
 */
struct vmdq_entry {
	struct vmdq_key key;
	struct rhash_head node;
	struct vmdq_vport *vport;
	struct rcu_head rcu;
};

/* The vports of one VLAN, for broadcast and multicast replication. */
struct vmdq_vlan {
	struct list_head vports;	/* vmdq_vport.vlan_node, RCU */
	unsigned int count;
	struct rcu_head rcu;
};

/*
 * The classifier of one uplink. Its one owner is the uplink's rx_handler
 * data: created with the first vport, freed after the last. Writers hold
 * RTNL; the receive and transmit paths read under RCU.
 */
struct vmdq_table {
	struct rhashtable vports;	/* vmdq_key -> vmdq_vport */
	struct rhashtable macs;		/* MAC -> its number of vports */
	struct xarray vlans;		/* vid -> vmdq_vlan */
	unsigned int count;
};

struct vmdq_uplink {
	struct net_device *dev;
	struct list_head node;		/* vmdq_uplinks, RTNL */
	struct vmdq_table table;
	struct list_head vports;	/* RTNL; the ones not being deleted */
	unsigned int nr_vports;		/* RTNL; until their uninit */
	bool lro_busy;			/* RTNL; turning its LRO off */
	struct rcu_head rcu;
};

/* Counters beyond the netdev's own, in IFLA_VIOX_STAT_* order. */
enum vmdq_stat {
	VMDQ_STAT_RX_BROADCAST,
	VMDQ_STAT_RX_MULTICAST,
	VMDQ_STAT_RX_LOOPBACK,
	VMDQ_STAT_DROP_DOWN,
	VMDQ_STAT_DROP_REPLICATION,
	VMDQ_STAT_DROP_SPOOFED,
	VMDQ_STAT_DROP_NO_READER,
	VMDQ_STAT_DROP_RATE_TX,
	VMDQ_STAT_DROP_RATE_RX,
	VMDQ_STAT_RX_CLASSIFIED,
	VMDQ_STAT_RX_POOL,
	VMDQ_STAT_DROP_QUEUE_FULL,
	VMDQ_STAT_NUM
};

#define VMDQ_STAT_ATTR(i) ((i) + IFLA_VIOX_STAT_RX_BROADCAST)

struct vmdq_rxq;

struct vmdq_pcpu_stats {
	u64_stats_t count[VMDQ_STAT_NUM];
	struct u64_stats_sync syncp;
};

/* One direction's rate limits (limit.c). */
struct vmdq_limit {
	spinlock_t lock;		/* the buckets; BH is off on every charge */
	bool on;			/* a rate is set: READ_ONCE unlocked */
	u64 bits_ps, pkts_ps;		/* as set; 0: none */
	struct psched_ratecfg bytes;
	struct psched_pktrate pkts;
	s64 byte_credit, pkt_credit;	/* ns of traffic the buckets hold */
	u64 last;			/* ns, the last charge */
};

/*
 * A vport's multicast groups the uplink's own list takes, at most: beyond,
 * the uplink takes all multicast for it. A tenant that joins groups
 * without end grows neither the host NIC's list nor the cost of every
 * change to it.
 */
#define VMDQ_MC_MAX		64

#define VMDQ_MC_FILTER_BITS	8
#define VMDQ_MC_FILTER_SIZE	BIT(VMDQ_MC_FILTER_BITS)

struct vmdq_vport {
	struct net_device *dev;
	struct net_device *lower;	/* the uplink's netdev */
	struct vmdq_uplink *uplink;	/* NULL once it left */
	struct vmdq_key key;		/* key.mac mirrors dev->dev_addr */
	struct vmdq_entry *entry;	/* RTNL */
	struct list_head vlan_node;
	struct list_head uplink_node;
	bool spoofchk;
	bool offload;			/* RTNL: take a NIC pool when one is free */
	bool offload_failed;		/* RTNL: its pool's set-up failed */
	u8 mode;			/* VIOX_VPORT_MODE_*, fixed */
	/*
	 * Its NIC pool (offload.c), if it has one: the NIC steers its
	 * unicast and replicates to it, the software classifier does not.
	 * RTNL writes; readers hold RCU.
	 */
	struct viox_pool __rcu *pool;
	struct vmdq_rxq __rcu *rxq;	/* rxq.c: its own queue, if a CPU is set */
	/* Multicast groups it wants, hashed: a superset, as in macvlan. */
	DECLARE_BITMAP(mc_filter, VMDQ_MC_FILTER_SIZE);
	/*
	 * More groups than VMDQ_MC_MAX, so the uplink has all multicast for
	 * it (an allmulti reference) instead of its list. RTNL writes.
	 */
	bool mc_over;
	bool mc_over_told;		/* logged the first time */
	/* Syncs the uplink's list and moves it in and out of mc_over. */
	struct work_struct mc_work;
	/* Its groups' count and hashes, summed (under its address lock). */
	u64 mc_sig;
	/* The groups it has on the uplink's list (mc_work, RTNL). */
	u8 mc_synced[VMDQ_MC_MAX][ETH_ALEN] __aligned(2);
	unsigned int mc_nsynced;
	struct vmdq_pcpu_stats __percpu *stats;
	struct vmdq_limit tx_limit, rx_limit;
	struct tap_dev tap;		/* tap mode: its device; rx_handler data */
	bool tap_by_ifindex;		/* its device is /dev/tapIFINDEX */
	/*
	 * standby.c: the VF it stands in for, if any. While parked (the VF
	 * receives) the datapath passes it over.
	 */
	struct viox_standby *standby;	/* RTNL */
	u32 sb_vf;
	bool parked;			/* WRITE_ONCE by the provider's news */
	bool sb_ready;			/* registered: news are taken */
	struct work_struct sb_work;
	struct delayed_work sb_pool_work; /* a pool, once it has the traffic a while */
	unsigned long sb_active_since;	/* jiffies it last took the traffic */
	spinlock_t sb_lock;		/* the news below */
	bool sb_news, sb_readdress;
	u8 sb_mac[ETH_ALEN];
	u16 sb_vid;
	u8 sb_why;
	u64 sb_switches, sb_gap_ns;
};

/* Whether the classifier sees @vp: a standby whose VF receives it does not. */
static inline bool vmdq_vport_live(const struct vmdq_vport *vp)
{
	return !READ_ONCE(vp->parked);
}

/* table.c */
int vmdq_table_init(struct vmdq_table *t);
void vmdq_table_destroy(struct vmdq_table *t);
struct vmdq_vport *vmdq_table_lookup(struct vmdq_table *t,
				     const u8 *mac, u16 vid);
int vmdq_table_check(struct vmdq_table *t, const u8 *mac, u16 vid,
		     struct netlink_ext_ack *extack);
struct vmdq_vlan *vmdq_table_vlan(struct vmdq_table *t, u16 vid);
unsigned int vmdq_table_mac_users(struct vmdq_table *t, const u8 *addr);
int vmdq_table_insert(struct vmdq_table *t, struct vmdq_vport *vp,
		      struct netlink_ext_ack *extack);
void vmdq_table_remove(struct vmdq_table *t, struct vmdq_vport *vp);
int vmdq_table_rekey(struct vmdq_table *t, struct vmdq_vport *vp,
		     const u8 *mac, u16 vid, struct netlink_ext_ack *extack);

/*
 * main.c: the module's works that take RTNL, run before it goes: the
 * standbys' news in order, and apart from them the tenants' multicast.
 */
extern struct workqueue_struct *vmdq_wq, *vmdq_mc_wq;

/* Run @work of @vp on @wq; the vport is held until it has run (it puts). */
static inline void vmdq_vport_queue_work(struct vmdq_vport *vp,
					 struct workqueue_struct *wq,
					 struct work_struct *work)
{
	dev_hold(vp->dev);
	if (!queue_work(wq, work))
		dev_put(vp->dev);
}

/* uplink.c */
extern struct list_head vmdq_uplinks;
struct vmdq_uplink *vmdq_uplink_get(struct net_device *dev,
				    struct netlink_ext_ack *extack);
void vmdq_uplink_put(struct vmdq_uplink *up);
struct vmdq_uplink *vmdq_uplink_of(const struct net_device *dev);
bool vmdq_stacked_on_vport(struct net_device *dev);
int vmdq_uplink_pre_changeupper(struct netdev_notifier_changeupper_info *info);
void vmdq_replicate(struct vmdq_uplink *up, struct sk_buff *skb, u16 vid,
		    const struct vmdq_vport *from);

/* vport.c */
extern const struct net_device_ops vmdq_vport_ops;
bool vmdq_is_vport(const struct net_device *dev);
bool vmdq_vport_admin(const struct vmdq_vport *vp);
void vmdq_vport_setup(struct net_device *dev);
void vmdq_vport_operstate(struct vmdq_vport *vp);
bool vmdq_vport_joined(const struct vmdq_vport *vp, const u8 *mc);
bool vmdq_vport_wants(const struct vmdq_vport *vp, const u8 *mc);

static inline bool vmdq_vport_allmulti(const struct vmdq_vport *vp)
{
	return READ_ONCE(vp->dev->flags) & IFF_ALLMULTI;
}

rx_handler_result_t vmdq_vport_receive(struct vmdq_vport *vp,
				       struct sk_buff *skb);

void vmdq_vport_stats(const struct vmdq_vport *vp, u64 *count);

/* Bumps one of a vport's own counters; BH is off on every path that does. */
static inline void vmdq_count(struct vmdq_vport *vp, enum vmdq_stat i)
{
	struct vmdq_pcpu_stats *s = this_cpu_ptr(vp->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->count[i]);
	u64_stats_update_end(&s->syncp);
}

/* limit.c */
void vmdq_limit_init(struct vmdq_limit *l);
void vmdq_limit_set(struct vmdq_limit *l, u64 bits_ps, u64 pkts_ps, u64 now);
void vmdq_limit_get(struct vmdq_limit *l, u64 *bits_ps, u64 *pkts_ps);
bool vmdq_limit_charge(struct vmdq_limit *l, u64 now, unsigned int bytes,
		       unsigned int pkts);
bool vmdq_limit_skb(struct vmdq_limit *l, const struct sk_buff *skb,
		    unsigned int len);

/* tap.c */
int vmdq_tap_attach(struct vmdq_vport *vp);
void vmdq_tap_detach(struct vmdq_vport *vp);
bool vmdq_tap_deliver(struct vmdq_vport *vp, struct sk_buff *skb);
int vmdq_tap_register(struct vmdq_vport *vp);
void vmdq_tap_unregister(struct vmdq_vport *vp);
int vmdq_tap_resize(struct vmdq_vport *vp);
int vmdq_tap_name(const struct vmdq_vport *vp, char *name, size_t size);
int vmdq_tap_init(void);
void vmdq_tap_exit(void);

/* rxq.c */
bool vmdq_rxq_enqueue(struct vmdq_vport *vp, struct sk_buff *skb,
		      unsigned int len);
bool vmdq_rxq_elsewhere(const struct vmdq_vport *vp);
int vmdq_rxq_set(struct vmdq_vport *vp, int cpu);
int vmdq_rxq_cpu(const struct vmdq_vport *vp);

/* offload.c */
int vmdq_offload_attach(struct vmdq_vport *vp, struct netlink_ext_ack *extack);
void vmdq_offload_detach(struct vmdq_vport *vp);
void vmdq_offload_added(struct vmdq_vport *vp);
void vmdq_offload_rekeyed(struct vmdq_vport *vp, bool mac_changed);
bool vmdq_offload_vf_has_mac(struct net_device *lower, const u8 *mac);
void vmdq_offload_set_mac(struct vmdq_vport *vp, const u8 *mac);
void vmdq_offload_set_vid(struct vmdq_vport *vp, u16 old_vid, u16 vid);
void vmdq_offload_sync_mc(struct vmdq_vport *vp);
void vmdq_offload_set_cpu(struct vmdq_vport *vp, int cpu);
u32 vmdq_offload_pool_id(const struct vmdq_vport *vp);
void vmdq_offload_kick(void);
void vmdq_offload_exit(void);

static inline bool vmdq_offloaded(const struct vmdq_vport *vp)
{
	return rcu_access_pointer(vp->pool);
}

/* standby.c */
struct vmdq_standby_info {
	bool active;
	u8 why;
	u64 switches, gap_ns;
};

void vmdq_standby_info(struct vmdq_vport *vp, struct vmdq_standby_info *info);
int vmdq_standby_attach(struct vmdq_vport *vp, u32 vf,
			struct netlink_ext_ack *extack);
void vmdq_standby_ready(struct vmdq_vport *vp);
bool vmdq_standby_may_pool(const struct vmdq_vport *vp);
void vmdq_standby_detach(struct vmdq_vport *vp);
int vmdq_standby_fill(struct sk_buff *skb, struct vmdq_vport *vp);
size_t vmdq_standby_size(void);

/* link.c */
extern struct rtnl_link_ops vmdq_link_ops;
int vmdq_link_register(void);
int vmdq_link_rekey(struct vmdq_vport *vp, const u8 *mac, u16 vid,
		    const struct nlattr *attr, struct netlink_ext_ack *extack);
void vmdq_link_unregister(void);
void vmdq_uplink_gone(struct net_device *dev);

/* netlink.c */
void vmdq_nl_notify(struct vmdq_vport *vp, u8 cmd);

#endif /* _VIOX_VMDQ_H */
