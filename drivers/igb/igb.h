/* SPDX-License-Identifier: GPL-2.0 */
/* viox_igb: SR-IOV PF driver for the Intel 82576. Shared definitions. */
#ifndef _VIOX_IGB_H
#define _VIOX_IGB_H

#include <linux/if_link.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/devlink.h>
#include <viox/pool.h>
#include <viox/standby.h>

#include "regs.h"

#define VIGB_DRV_NAME		"viox_igb"

#define VIGB_MAX_QUEUE_PAIRS	4	/* the PF alone: RSS over four pairs */
#define VIGB_RING_DEFAULT	256
#define VIGB_RING_MIN		64
#define VIGB_RING_MAX		4096
#define VIGB_RX_BUF_LEN		2048	/* SRRCTL packet buffer: 2 KiB */
#define VIGB_RX_HEADROOM	(NET_SKB_PAD + NET_IP_ALIGN)
#define VIGB_MAX_MTU		9216
#define VIGB_MAX_FRAME		(VIGB_MAX_MTU + ETH_HLEN + VLAN_HLEN + ETH_FCS_LEN)
#define VIGB_TX_DESC_NEEDED	(MAX_SKB_FRAGS + 4)	/* frags, head, context */
#define VIGB_TX_WAKE		(2 * VIGB_TX_DESC_NEEDED)
#define VIGB_ITR_DEFAULT	196	/* about 20000 interrupts per second */
#define VIGB_PF_RAR_SLOTS	16	/* RAR 0-15: the PF's unicast addresses */
#define VIGB_VF_RAR(vf)		(16 + (vf))	/* RAR 16-23: VF primaries */
#define VIGB_POOLS		8
#define VIGB_MAX_VFS		7	/* the PF keeps a pool for itself */
#define VIGB_VF_MC_HASHES	30	/* what one mailbox message carries */
#define VIGB_VF_MSG_RATE	200	/* default mailbox messages a VF may send a second */
#define VIGB_RAR_PF		~0u	/* vigb_rar_taken(): asked by the PF */
#define VIGB_VLVF_ADMIN_RESERVE	8	/* VLVF entries VF requests leave free */
#define VIGB_VF_VLANS		8	/* VLANs a VF may ask for */

struct vigb_adapter;
struct vigb_pool;
struct vigb_standby;
struct vigb_qvec;

struct vigb_tx_buf {
	union vigb_tx_desc *eop;	/* set last: the packet is complete */
	struct sk_buff *skb;
	unsigned int bytes;	/* on the wire, with repeated headers */
	unsigned int segs;	/* frames on the wire */
	DEFINE_DMA_UNMAP_ADDR(dma);
	DEFINE_DMA_UNMAP_LEN(len);
};

struct vigb_ring_stats {
	u64 packets;
	u64 bytes;
	u64 drops;		/* rx: no skb; tx: mapping failed */
	u64 errors;		/* rx: frame errors; tx: restarts */
	u64 csum_err;		/* rx only */
	u64 alloc_fail;		/* rx only: page pool empty */
	u64 tso;		/* tx only: frames the device segmented */
	struct u64_stats_sync syncp;	/* packets, bytes; rx: all */
	/* tx: drops, errors, tso, written by xmit while NAPI cleans */
	struct u64_stats_sync xmit_syncp;
};

/* A consistent copy of a ring's counters, whichever side wrote them. */
static inline void vigb_ring_stats_read(const struct vigb_ring_stats *rs,
					struct vigb_ring_stats *copy)
{
	unsigned int s, x;

	do {
		s = u64_stats_fetch_begin(&rs->syncp);
		x = u64_stats_fetch_begin(&rs->xmit_syncp);
		copy->packets = rs->packets;
		copy->bytes = rs->bytes;
		copy->drops = rs->drops;
		copy->errors = rs->errors;
		copy->csum_err = rs->csum_err;
		copy->alloc_fail = rs->alloc_fail;
		copy->tso = rs->tso;
	} while (u64_stats_fetch_retry(&rs->syncp, s) ||
		 u64_stats_fetch_retry(&rs->xmit_syncp, x));
}

struct vigb_ring {
	struct vigb_qvec *qvec;
	struct net_device *netdev;
	struct device *dev;
	void *desc;
	dma_addr_t desc_dma;
	u8 __iomem *tail;
	u16 count;
	u16 index;		/* netdev queue */
	u8 reg;			/* hardware queue */
	u16 next_to_use;
	u16 next_to_clean;
	union {
		struct vigb_tx_buf *tx_buf;
		struct page **rx_page;
	};
	struct page_pool *pp;
	struct sk_buff *rx_skb;	/* frame still awaiting its EOP */
	struct viox_pool *pool;	/* a reserved pool's ring: its holder sees rx */
	struct vigb_ring_stats stats;
};

struct vigb_qvec {
	struct vigb_adapter *ad;
	struct napi_struct napi;
	struct vigb_ring *tx;
	struct vigb_ring *rx;
	u32 eims;		/* EIMS/EICR bit of this vector */
	unsigned int irq;
	char name[IFNAMSIZ + 16];
};

/* Hardware counters, accumulated from clear-on-read registers. */
struct vigb_hw_stats {
	u64 crcerrs, rxerrc, mpc, rlec, gprc, bprc, mprc, gptc, gorc, gotc;
	u64 rnbc, ruc, roc, tpr, tpt, mptc, bptc;
};

/* Per-VF counters from the PVF* registers, which wrap at 32 bits. */
struct vigb_vf_stats {
	u64 rx_packets, tx_packets, rx_bytes, tx_bytes, rx_multicast;
	u32 last[5];
};

/* Mailbox misbehaviour, reported through the devlink health reporter. */
struct vigb_vf_mbx_stats {
	u64 msgs;		/* messages received */
	u64 nacks;		/* replies that refused */
	u64 bad;		/* unknown IDs and malformed messages */
	u64 spoof;		/* attempts to override admin MAC or VLAN */
	u64 floods;		/* seconds above the message rate limit */
	u64 held;		/* times the VF kept the buffer past the PF's wait */
	u64 resets;		/* VF_RESET messages */
	u64 flrs;		/* function level resets */
	u64 recoveries;		/* resets ordered by the health reporter */
	u64 offenses_seen;	/* offenses at the last recovery */
	u64 offenses_reported;	/* offenses the health reporter was told of */
	u32 last_bad[VIGB_MBX_WORDS]; /* the last malformed message */
};

/* What the health reporter counts against a VF. */
static inline u64 vigb_vf_offenses(const struct vigb_vf_mbx_stats *m)
{
	return m->bad + m->floods + m->held;
}

struct vigb_vf {
	u8 mac[ETH_ALEN];
	u8 admin_addr[ETH_ALEN]; /* what the admin set, while admin_mac */
	u8 old_mac[ETH_ALEN];	/* the VF's address before the admin's */
	bool admin_mac;		/* set by the admin: fixed unless trusted */
	bool mac_pending;	/* admin-set since the VF's last reset */
	bool cts;		/* reset done: the VF may configure itself */
	bool spoofchk;
	bool trusted;
	bool mc_promisc;	/* trusted VFs only */
	unsigned long held_until; /* kept its mailbox buffer: don't wait */
	unsigned long nudge_until; /* told to renegotiate: remind it till then */
	unsigned long nudge_from; /* when it was told */
	bool rejoin;		/* had clearance when the device reset */
	unsigned long last_msg;	/* jiffies of the VF's last message */
	u8 link_state;		/* IFLA_VF_LINK_STATE_* */
	u16 port_vlan;		/* admin VLAN inserted and stripped, 0 = none */
	u8 port_qos;
	u32 max_tx_rate;	/* Mbit/s, 0 = unlimited */
	u16 rlpml;		/* largest frame the VF accepts */
	u8 num_mc;
	u16 mc_hash[VIGB_VF_MC_HASHES];
	unsigned long vlans[BITS_TO_LONGS(VLAN_N_VID)]; /* VF-requested */
	unsigned long window;	/* start of the rate-limit second */
	unsigned int window_msgs;
	struct vigb_vf_stats stats;
	struct vigb_vf_mbx_stats mbx;
};

/* What the admin sees of a VF (vigb_vf_get_info). */
struct vigb_vf_info {
	u8 mac[ETH_ALEN];
	u16 port_vlan;
	u8 port_qos;
	u32 max_tx_rate;
	bool spoofchk;
	bool trusted;
	u8 link_state;
	bool attached;		/* reset done: the VF may configure itself */
};

/* A pool reserved through include/viox/pool.h (pool.c, pool_hw.c). */
struct vigb_pool {
	struct viox_pool pub;
	struct vigb_adapter *ad;
	struct vigb_qvec qvec;
	struct vigb_ring tx;
	struct vigb_ring rx;
	bool running;		/* queues up; read by xmit under the txq lock */
	bool orphan;		/* revoked from a holder that kept it: off the device */
	int cpu;		/* where its interrupt goes; -1: anywhere */
	u8 mac[ETH_ALEN];
	unsigned long vlans[BITS_TO_LONGS(VLAN_N_VID)];
	u32 mta[VIGB_MTA_REGS];	/* under ad->mta_lock */
};

/* A VF's devlink port; priv of its rate leaf. */
struct vigb_vf_port {
	struct devlink_port dl_port;
	struct vigb_adapter *ad;
	unsigned int vf;
	bool registered;
};

enum vigb_state {
	VIGB_DOWN,		/* rings are not running */
	VIGB_RESETTING,		/* a reset is in progress: the mailbox waits */
	VIGB_REMOVING,
	VIGB_FAILED,		/* the last full reset failed: no new pools */
};

struct vigb_adapter {
	struct pci_dev *pdev;
	struct net_device *netdev;
	u8 __iomem *hw;
	unsigned long state;

	/* Interrupts: vector 0 is "other" (link, mailbox) under MSI-X. */
	bool msix;
	unsigned int num_vectors;
	unsigned int misc_irq;
	char misc_name[IFNAMSIZ + 8];

	unsigned int num_qp;		/* queue pairs in use */
	unsigned int req_qp;		/* what ethtool -L asked for */
	unsigned int tx_ring_count;
	unsigned int rx_ring_count;
	struct vigb_qvec qvec[VIGB_MAX_QUEUE_PAIRS];
	struct vigb_ring tx_ring[VIGB_MAX_QUEUE_PAIRS];
	struct vigb_ring rx_ring[VIGB_MAX_QUEUE_PAIRS];
	u8 first_queue;			/* the PF pool's queue under VMDq */

	bool link_up;
	u16 link_speed;
	struct delayed_work watchdog;
	struct work_struct reset_task;
	/* Pools a reset could not bring back, for pool.c to revoke (RTNL). */
	unsigned long pools_lost;
	struct work_struct pools_lost_work;

	/* Filters the PF owns: the RAR slots and the VLAN table. */
	unsigned long active_vlans[BITS_TO_LONGS(VLAN_N_VID)];
	unsigned int pf_rar_count;	/* unicast entries programmed */

	/* The shared filter tables (filters.c). */
	spinlock_t filt_lock;		/* rar_mac, VLVF, VFTA, vlan_promisc */
	u8 rar_mac[VIGB_RAR_ENTRIES][ETH_ALEN]; /* who holds which address */
	bool vlan_promisc;		/* the PF's pool gets every VLAN */

	/* SR-IOV: VF i owns pool i, the PF the pool after the last VF. */
	unsigned int num_vfs;
	struct vigb_vf *vfs;
	struct mutex vf_lock;		/* vfs[], pools and their filters */
	struct delayed_work mbx_work;	/* at once on a VF event, later to retry */
	unsigned int turn_vf;		/* the last VF whose turn it was to reset */
	unsigned long turn_until;	/* its turn runs till then (0: over) */
	unsigned long reserved_pools;	/* taken through the offload API */
	struct vigb_pool *pools[VIGB_POOLS];
	struct vigb_standby *standbys[VIGB_MAX_VFS]; /* by VF, whether it exists or not */
	u32 pool_mta[VIGB_MTA_REGS];	/* the reserved pools' share */
	u32 vf_msg_rate;		/* mailbox messages a VF may send a second */
	u32 pf_mta[VIGB_MTA_REGS];	/* the PF's share of the MTA */
	u32 vf_mta[VIGB_MTA_REGS];	/* the VFs' share */
	spinlock_t mta_lock;		/* the MTA is the union of both */

	struct devlink *devlink;
	struct devlink_port pf_port;
	struct vigb_vf_port *vf_ports;
	unsigned int num_vf_ports;
	struct devlink_health_reporter *mbx_reporter;

	struct mutex stats_lock;	/* accumulating hw counters */
	struct vigb_hw_stats hw_stats;
	u64 tx_timeouts;
};

static inline u32 vigb_rd32(struct vigb_adapter *ad, u32 reg)
{
	return readl(ad->hw + reg);
}

static inline void vigb_wr32(struct vigb_adapter *ad, u32 reg, u32 val)
{
	writel(val, ad->hw + reg);
}

static inline void vigb_flush(struct vigb_adapter *ad)
{
	readl(ad->hw + VIGB_STATUS);
}

static inline bool vigb_vf_link_allowed(struct vigb_adapter *ad, unsigned int vf)
{
	return ad->vfs[vf].link_state != IFLA_VF_LINK_STATE_DISABLE;
}

/* The clear-to-send bit of a message to a VF. */
static inline u32 vigb_vf_cts(struct vigb_adapter *ad, unsigned int vf)
{
	return ad->vfs[vf].cts && vigb_vf_link_allowed(ad, vf) ? VIGB_MSG_CTS : 0;
}

/* VFs or pools: the device steers by pool rather than by RSS. */
static inline bool vigb_vmdq(const struct vigb_adapter *ad)
{
	return ad->num_vfs || ad->reserved_pools;
}

static inline unsigned int vigb_unused(const struct vigb_ring *r)
{
	int n = (int)r->next_to_clean - r->next_to_use - 1;

	return n < 0 ? n + r->count : n;
}

/* hw.c */
int vigb_hw_reset(struct vigb_adapter *ad);
void vigb_hw_read_mac(struct vigb_adapter *ad, u8 *mac);
void vigb_hw_set_rar_pools(struct vigb_adapter *ad, unsigned int idx,
			   const u8 *mac, u32 pools);
void vigb_hw_set_rar(struct vigb_adapter *ad, unsigned int idx, const u8 *mac,
		     u32 pools);
void vigb_hw_clear_rar(struct vigb_adapter *ad, unsigned int idx);
u32 vigb_hw_mta_hash(const u8 *mac);
int vigb_hw_phy_write(struct vigb_adapter *ad, u32 reg, u16 val);
void vigb_hw_start_link(struct vigb_adapter *ad);
void vigb_hw_set_vfta(struct vigb_adapter *ad, u16 vid, bool on);
void vigb_hw_update_stats(struct vigb_adapter *ad);
void vigb_hw_pool_gates(struct vigb_adapter *ad, unsigned int pool, bool on);

/* ring.c */
int vigb_rings_alloc(struct vigb_adapter *ad);
void vigb_rings_free(struct vigb_adapter *ad);
void vigb_rings_configure(struct vigb_adapter *ad);
void vigb_rings_disable(struct vigb_adapter *ad);
int vigb_ring_pair_alloc(struct vigb_ring *tx, struct vigb_ring *rx);
void vigb_ring_pair_free(struct vigb_ring *tx, struct vigb_ring *rx);
void vigb_ring_pair_configure(struct vigb_adapter *ad, struct vigb_ring *tx,
			      struct vigb_ring *rx);
void vigb_rx_ring_stop(struct vigb_adapter *ad, struct vigb_ring *rx);
void vigb_tx_ring_stop(struct vigb_adapter *ad, struct vigb_ring *tx);
void vigb_ring_pair_disable(struct vigb_adapter *ad, struct vigb_ring *tx,
			    struct vigb_ring *rx);
void vigb_rx_refill(struct vigb_ring *rx, unsigned int n);
void vigb_tx_clean_all(struct vigb_ring *tx);

/* tx.c, rx.c */
netdev_tx_t vigb_xmit(struct sk_buff *skb, struct net_device *dev);
netdev_tx_t vigb_xmit_ring(struct vigb_ring *tx, struct sk_buff *skb);
bool vigb_tx_clean(struct vigb_ring *tx, int budget);
void vigb_tx_unmap(struct vigb_ring *tx, struct vigb_tx_buf *b);
int vigb_rx_clean(struct vigb_ring *rx, int budget);

/* irq.c */
int vigb_irq_init(struct vigb_adapter *ad);
void vigb_irq_fini(struct vigb_adapter *ad);
unsigned int vigb_irq_max_qp(struct vigb_adapter *ad);
int vigb_irq_request_misc(struct vigb_adapter *ad);
void vigb_irq_release_misc(struct vigb_adapter *ad);
int vigb_irq_request(struct vigb_adapter *ad);
void vigb_irq_release(struct vigb_adapter *ad);
void vigb_irq_configure(struct vigb_adapter *ad);
void vigb_irq_enable_misc(struct vigb_adapter *ad);
void vigb_irq_enable(struct vigb_adapter *ad);
void vigb_irq_disable(struct vigb_adapter *ad);
irqreturn_t vigb_irq_queue(int irq, void *data);
void vigb_irq_route_queue(struct vigb_adapter *ad, u8 queue, u8 vec);
void vigb_irq_unmask(struct vigb_adapter *ad, u32 eims);
bool vigb_qvec_clean(struct vigb_qvec *qv, int budget, int *work);

/* netdev.c */
extern const struct net_device_ops vigb_netdev_ops;
int vigb_up(struct vigb_adapter *ad);
void vigb_down(struct vigb_adapter *ad);
int vigb_reinit(struct vigb_adapter *ad);
void vigb_set_rx_mode(struct net_device *dev);
void vigb_update_vlan_filtering(struct vigb_adapter *ad);
void vigb_check_link(struct vigb_adapter *ad);
void vigb_watchdog(struct work_struct *work);
void vigb_reset_task(struct work_struct *work);
int vigb_full_reset(struct vigb_adapter *ad);

/* filters.c */
void vigb_rar_set(struct vigb_adapter *ad, unsigned int idx, const u8 *mac,
		  u32 pools);
void vigb_rar_clear(struct vigb_adapter *ad, unsigned int idx);
int vigb_rar_claim(struct vigb_adapter *ad, unsigned int idx, const u8 *mac,
		   u32 pools);
bool vigb_rar_taken(struct vigb_adapter *ad, const u8 *mac, unsigned int idx);
void vigb_vfta_rebuild(struct vigb_adapter *ad);
void vigb_vfta_set(struct vigb_adapter *ad, u16 vid, bool on);
int vigb_vlvf_set(struct vigb_adapter *ad, u16 vid, unsigned int pool, bool on);
int vigb_vlvf_join(struct vigb_adapter *ad, u16 vid, unsigned int pool);
void vigb_vlvf_clear(struct vigb_adapter *ad);
void vigb_vlan_promisc(struct vigb_adapter *ad, bool on);
void vigb_mta_write(struct vigb_adapter *ad);
void vigb_pool_scrub(struct vigb_adapter *ad, unsigned int pool);

/* vmdq.c */
void vigb_vmdq_configure(struct vigb_adapter *ad);
void vigb_vmdq_vlan_strip(struct vigb_adapter *ad, netdev_features_t features);

/* sriov.c */
int vigb_sriov_configure(struct pci_dev *pdev, int num_vfs);
void vigb_sriov_disable(struct vigb_adapter *ad, bool disable_vfs);

/* vf.c: the VFs' state and the policy on it */
struct vigb_vf *vigb_vfs_alloc(unsigned int num_vfs);
void vigb_vf_mta_rebuild(struct vigb_adapter *ad);
void vigb_vf_apply(struct vigb_adapter *ad, unsigned int vf);
void vigb_vfs_program(struct vigb_adapter *ad);

/* A VF's standby (standby.c), and where its MAC goes (standby_steer.c). */
struct vigb_standby {
	struct viox_standby pub;
	struct vigb_adapter *ad;
	/* All under vf_lock. */
	bool to_host;		/* the MAC's entry points at the PF's pool */
	u8 mac[ETH_ALEN];	/* the address and VLAN the holder was given */
	u16 vid;
	u64 seen_ns;		/* when the VF was last seen in use */
	int pool;		/* the holder's pool for the MAC, or -1: the PF's */
};

#define VIGB_STANDBY_POLL	msecs_to_jiffies(20)
void vigb_standby_set(struct vigb_adapter *ad, unsigned int vf,
		      struct vigb_standby *sb);
u32 vigb_vf_rx_pools(struct vigb_adapter *ad, unsigned int vf);
void vigb_standby_sync(struct vigb_adapter *ad, unsigned int vf,
		       bool may_return);
void vigb_standbys_program(struct vigb_adapter *ad);
bool vigb_standby_holds_pool(struct vigb_adapter *ad, unsigned int p);
unsigned long vigb_standbys_poll(struct vigb_adapter *ad);
void vigb_standby_set_pool(struct vigb_adapter *ad, struct vigb_standby *sb,
			   int pool);
void vigb_standbys_pool_gone(struct vigb_adapter *ad, unsigned int pool);
void vigb_vf_reset(struct vigb_adapter *ad, unsigned int vf);
void vigb_vfs_update_stats(struct vigb_adapter *ad);
void vigb_vfs_reset_prepare(struct vigb_adapter *ad);
void vigb_vfs_stats_baseline(struct vigb_adapter *ad);
void vigb_vfs_renegotiate(struct vigb_adapter *ad);
void vigb_vfs_link_changed(struct vigb_adapter *ad);
void vigb_vfs_watchdog(struct vigb_adapter *ad);
int vigb_vf_set_admin_mac(struct vigb_adapter *ad, unsigned int vf, const u8 *mac);
int vigb_vf_set_port_vlan(struct vigb_adapter *ad, unsigned int vf, u16 vlan,
			  u8 qos);
int vigb_vf_set_max_rate(struct vigb_adapter *ad, unsigned int vf, u32 mbps);
int vigb_vf_set_spoofchk(struct vigb_adapter *ad, unsigned int vf, bool on);
int vigb_vf_set_trust(struct vigb_adapter *ad, unsigned int vf, bool on);
int vigb_vf_set_link_state(struct vigb_adapter *ad, unsigned int vf, int state);
int vigb_vf_get_info(struct vigb_adapter *ad, unsigned int vf,
		     struct vigb_vf_info *info);
int vigb_vf_get_stats(struct vigb_adapter *ad, unsigned int vf,
		      struct vigb_vf_stats *stats);
void vigb_vf_req_reset(struct vigb_adapter *ad, unsigned int vf, u8 *mac);
int vigb_vf_req_mac(struct vigb_adapter *ad, unsigned int vf, const u8 *mac);
int vigb_vf_req_multicast(struct vigb_adapter *ad, unsigned int vf,
			  const u16 *hash, unsigned int n);
int vigb_vf_req_vlan(struct vigb_adapter *ad, unsigned int vf, u32 vid,
		     bool add);
int vigb_vf_req_max_frame(struct vigb_adapter *ad, unsigned int vf, u32 len);
int vigb_vf_req_mc_promisc(struct vigb_adapter *ad, unsigned int vf, bool on);

/* pool_hw.c */
void vigb_pool_program(struct vigb_adapter *ad, struct vigb_pool *pl);
void vigb_pools_program(struct vigb_adapter *ad);
int vigb_pool_poll(struct napi_struct *napi, int budget);
int vigb_pool_start(struct vigb_adapter *ad, struct vigb_pool *pl);
void vigb_pool_stop(struct vigb_adapter *ad, struct vigb_pool *pl);
void vigb_pools_stop(struct vigb_adapter *ad);
unsigned long vigb_pools_start(struct vigb_adapter *ad);
void vigb_pool_init_ring(struct vigb_adapter *ad, struct vigb_pool *pl,
			 struct vigb_ring *r);
void vigb_pools_mta_rebuild(struct vigb_adapter *ad);
void vigb_pool_irq_cpu(struct vigb_pool *pl);

/* pool.c */
void vigb_pools_revoke(struct vigb_adapter *ad, unsigned long mask,
		       enum viox_pool_revoke_reason why);
void vigb_pools_lost_work(struct work_struct *work);

/* mbx_hw.c */
extern struct workqueue_struct *vigb_mbx_wq;
int vigb_mbx_read(struct vigb_adapter *ad, unsigned int vf, u32 *msg);
int vigb_mbx_write(struct vigb_adapter *ad, unsigned int vf,
		   const u32 *msg, unsigned int words);
void vigb_vf_renegotiate(struct vigb_adapter *ad, unsigned int vf);
void vigb_vf_ping(struct vigb_adapter *ad, unsigned int vf, bool renegotiate);
void vigb_vf_ping_all(struct vigb_adapter *ad);
void vigb_vf_reset_seen(struct vigb_adapter *ad, unsigned int vf);
void vigb_vf_turn_done(struct vigb_adapter *ad, unsigned int vf);
unsigned long vigb_vf_nudge(struct vigb_adapter *ad);

/* mbx.c */
extern const struct devlink_health_reporter_ops vigb_mbx_reporter_ops;
void vigb_mbx_irq(struct vigb_adapter *ad);
void vigb_mbx_work(struct work_struct *work);

/* vf_ndo.c */
int vigb_ndo_set_vf_mac(struct net_device *dev, int vf, u8 *mac);
int vigb_ndo_set_vf_vlan(struct net_device *dev, int vf, u16 vlan, u8 qos,
			 __be16 proto);
int vigb_ndo_set_vf_rate(struct net_device *dev, int vf, int min, int max);
int vigb_ndo_set_vf_spoofchk(struct net_device *dev, int vf, bool on);
int vigb_ndo_set_vf_trust(struct net_device *dev, int vf, bool on);
int vigb_ndo_set_vf_link_state(struct net_device *dev, int vf, int state);
int vigb_ndo_get_vf_config(struct net_device *dev, int vf,
			   struct ifla_vf_info *ivi);
int vigb_ndo_get_vf_stats(struct net_device *dev, int vf,
			  struct ifla_vf_stats *st);

/* devlink.c */
int vigb_devlink_init(struct vigb_adapter *ad);
void vigb_devlink_fini(struct vigb_adapter *ad);
int vigb_devlink_vfs_add(struct vigb_adapter *ad, unsigned int num_vfs);
void vigb_devlink_vfs_del(struct vigb_adapter *ad);
void vigb_devlink_rate_sync(struct vigb_adapter *ad, unsigned int vf);

/* ethtool.c */
void vigb_set_ethtool_ops(struct net_device *dev);

#endif /* _VIOX_IGB_H */
