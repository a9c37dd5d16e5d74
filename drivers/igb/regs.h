/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 82576 registers and descriptor formats that viox_igb programs. Offsets
 * and bit positions are the datasheet's; only what the driver uses is here.
 */
#ifndef _VIOX_IGB_REGS_H
#define _VIOX_IGB_REGS_H

#include <linux/bits.h>
#include <linux/types.h>

/* Receive addresses 16-23 live apart from 0-15. */
static inline u32 vigb_ral(unsigned int i)
{
	return i < 16 ? 0x05400 + 8 * i : 0x054e0 + 8 * (i - 16);
}

/* Queues 0-3 have their registers apart from queues 4-15. */
static inline u32 vigb_rxq(unsigned int q, u32 reg)
{
	return (q < 4 ? 0x02800 + 0x100 * q : 0x0c000 + 0x40 * q) + reg;
}

static inline u32 vigb_txq(unsigned int q, u32 reg)
{
	return (q < 4 ? 0x03800 + 0x100 * q : 0x0e000 + 0x40 * q) + reg;
}

/* General control and status */
#define VIGB_CTRL		0x00000
#define  VIGB_CTRL_SLU		BIT(6)		/* set link up */
#define  VIGB_CTRL_RST		BIT(26)		/* device reset, self-clearing */
#define  VIGB_CTRL_VME		BIT(30)		/* VLAN mode: strip/insert */
#define VIGB_STATUS		0x00008
#define  VIGB_STATUS_FD		BIT(0)
#define  VIGB_STATUS_LU		BIT(1)
#define  VIGB_STATUS_SPEED_100	BIT(6)
#define  VIGB_STATUS_SPEED_1000	BIT(7)
#define VIGB_EERD		0x00014
#define  VIGB_EERD_START	BIT(0)
#define  VIGB_EERD_DONE		BIT(1)
#define  VIGB_EERD_ADDR_SHIFT	2
#define  VIGB_EERD_DATA_SHIFT	16
#define VIGB_CTRL_EXT		0x00018
#define  VIGB_CTRL_EXT_PFRSTD	BIT(14)		/* PF reset done: VFs may run */
#define  VIGB_CTRL_EXT_DRV_LOAD	BIT(28)
#define VIGB_MDIC		0x00020		/* PHY register access */
#define  VIGB_MDIC_REG_SHIFT	16
#define  VIGB_MDIC_PHY_ADDR	BIT(21)		/* the PHY is at address 1 */
#define  VIGB_MDIC_OP_WRITE	BIT(26)
#define  VIGB_MDIC_OP_READ	BIT(27)
#define  VIGB_MDIC_READY	BIT(28)
#define  VIGB_MDIC_ERROR	BIT(30)
#define VIGB_VET		0x00038

/* Interrupts */
#define VIGB_ICR		0x000c0
#define VIGB_ICS		0x000c8
#define VIGB_IMS		0x000d0
#define VIGB_IMC		0x000d8
#define VIGB_IAM		0x000e0
#define  VIGB_ICR_LSC		BIT(2)		/* link status change */
#define  VIGB_ICR_VMMB		BIT(8)		/* VF mailbox or VF reset */
#define  VIGB_ICR_DRSTA		BIT(30)
#define VIGB_GPIE		0x01514
#define  VIGB_GPIE_NSICR	BIT(0)
#define  VIGB_GPIE_MSIX_MODE	BIT(4)
#define  VIGB_GPIE_EIAME	BIT(30)
#define  VIGB_GPIE_PBA		BIT(31)
#define VIGB_EICS		0x01520
#define VIGB_EIMS		0x01524
#define VIGB_EIMC		0x01528
#define VIGB_EIAC		0x0152c
#define VIGB_EIAM		0x01530
#define VIGB_EICR		0x01580
#define  VIGB_EICR_OTHER	BIT(31)		/* non-MSI-X: the misc cause */
#define  VIGB_EICR_RXTX_Q0	(BIT(0) | BIT(8)) /* non-MSI-X: queue 0 causes */
#define VIGB_EITR(v)		(0x01680 + 4 * (v))
#define  VIGB_EITR_CNT_IGNR	BIT(31)
#define VIGB_IVAR0		0x01700
#define VIGB_IVAR_MISC		0x01740
#define  VIGB_IVAR_VALID	0x80

/* Receive and transmit control */
#define VIGB_RCTL		0x00100
#define  VIGB_RCTL_EN		BIT(1)
#define  VIGB_RCTL_UPE		BIT(3)		/* unicast promiscuous */
#define  VIGB_RCTL_MPE		BIT(4)		/* multicast promiscuous */
#define  VIGB_RCTL_LPE		BIT(5)		/* long packets */
#define  VIGB_RCTL_BAM		BIT(15)		/* accept broadcast */
#define  VIGB_RCTL_VFE		BIT(18)		/* VLAN filter enable */
#define  VIGB_RCTL_SECRC	BIT(26)		/* strip the CRC */
#define VIGB_TCTL		0x00400
#define  VIGB_TCTL_EN		BIT(1)
#define  VIGB_TCTL_PSP		BIT(3)		/* pad short packets */
#define  VIGB_TCTL_CT		(0x0f << 4)	/* collision threshold */
#define  VIGB_TCTL_COLD		(0x40 << 12)	/* collision distance, FD */
#define  VIGB_TCTL_RTLC		BIT(24)
#define VIGB_RXCSUM		0x05000
#define  VIGB_RXCSUM_IPOFL	BIT(8)
#define  VIGB_RXCSUM_TUOFL	BIT(9)
#define  VIGB_RXCSUM_CRCOFL	BIT(11)
#define VIGB_RLPML		0x05004		/* max receive frame with LPE */
#define VIGB_MRQC		0x05818
#define  VIGB_MRQC_RSS		0x2
#define  VIGB_MRQC_VMDQ		0x3
#define  VIGB_MRQC_RSS_IPV4_TCP	BIT(16)
#define  VIGB_MRQC_RSS_IPV4	BIT(17)
#define  VIGB_MRQC_RSS_IPV6_TCP	BIT(18)
#define  VIGB_MRQC_RSS_IPV6	BIT(20)
#define  VIGB_MRQC_RSS_IPV4_UDP	BIT(22)
#define  VIGB_MRQC_RSS_IPV6_UDP	BIT(23)
#define VIGB_RETA(i)		(0x05c00 + 4 * (i))	/* 32 registers */
#define VIGB_RSSRK(i)		(0x05c80 + 4 * (i))	/* 10 registers */

/* Address filters */
#define VIGB_MTA(i)		(0x05200 + 4 * (i))	/* 128 registers */
#define VIGB_MTA_REGS		128
#define VIGB_RAL(i)		vigb_ral(i)
#define VIGB_RAH(i)		(vigb_ral(i) + 4)
#define  VIGB_RAH_POOL_SHIFT	18
#define  VIGB_RAH_POOL_MASK	(0xffu << VIGB_RAH_POOL_SHIFT)
#define  VIGB_RAH_AV		BIT(31)
#define VIGB_RAR_ENTRIES	24
#define VIGB_VFTA(i)		(0x05600 + 4 * (i))	/* 128 registers */
#define VIGB_VFTA_REGS		128
#define VIGB_UTA(i)		(0x0a000 + 4 * (i))	/* 128 registers */

/* Queues: 16 of each; the first four have their registers elsewhere. */
#define VIGB_RDBAL(q)		vigb_rxq(q, 0x00)
#define VIGB_RDBAH(q)		vigb_rxq(q, 0x04)
#define VIGB_RDLEN(q)		vigb_rxq(q, 0x08)
#define VIGB_SRRCTL(q)		vigb_rxq(q, 0x0c)
#define  VIGB_SRRCTL_BSIZEPKT_SHIFT 10		/* packet buffer in KiB */
#define  VIGB_SRRCTL_ONEBUF	BIT(25)		/* advanced one-buffer */
#define  VIGB_SRRCTL_DROP_EN	BIT(31)
#define VIGB_RDH(q)		vigb_rxq(q, 0x10)
#define VIGB_RDT(q)		vigb_rxq(q, 0x18)
#define VIGB_RXDCTL(q)		vigb_rxq(q, 0x28)
#define VIGB_TDBAL(q)		vigb_txq(q, 0x00)
#define VIGB_TDBAH(q)		vigb_txq(q, 0x04)
#define VIGB_TDLEN(q)		vigb_txq(q, 0x08)
#define VIGB_TDH(q)		vigb_txq(q, 0x10)
#define VIGB_TDT(q)		vigb_txq(q, 0x18)
#define VIGB_TXDCTL(q)		vigb_txq(q, 0x28)
#define  VIGB_XDCTL_ENABLE	BIT(25)
#define  VIGB_XDCTL_THRESH	((8 << 0) | (8 << 8) | (4 << 16)) /* P/H/W */
#define VIGB_QUEUES		16

/* Virtualization: pools, VF gates, mailbox */
#define VIGB_VT_CTL		0x0581c
#define  VIGB_VT_CTL_DEF_POOL_SHIFT 7
#define  VIGB_VT_CTL_DIS_DEF_POOL BIT(29)
#define VIGB_VMOLR(p)		(0x05ad0 + 4 * (p))
#define  VIGB_VMOLR_RLPML_MASK	0x3fff
#define  VIGB_VMOLR_LPE		BIT(16)
#define  VIGB_VMOLR_AUPE	BIT(24)		/* accept untagged */
#define  VIGB_VMOLR_ROMPE	BIT(25)		/* accept MTA hash hits */
#define  VIGB_VMOLR_ROPE	BIT(26)
#define  VIGB_VMOLR_BAM		BIT(27)
#define  VIGB_VMOLR_MPME	BIT(28)
#define  VIGB_VMOLR_STRVLAN	BIT(30)
#define  VIGB_VMOLR_STRCRC	BIT(31)
#define VIGB_VLVF(i)		(0x05d00 + 4 * (i))	/* 32 entries */
#define VIGB_VLVF_ENTRIES	32
#define  VIGB_VLVF_VID_MASK	0xfff
#define  VIGB_VLVF_POOL_SHIFT	12
#define  VIGB_VLVF_POOL_MASK	(0xffu << VIGB_VLVF_POOL_SHIFT)
#define  VIGB_VLVF_EN		BIT(31)
#define VIGB_RPLOLR		0x05af0		/* replicated frames' offloads */
#define  VIGB_RPLOLR_STRVLAN	BIT(30)
#define VIGB_VMVIR(p)		(0x03700 + 4 * (p))
#define  VIGB_VMVIR_DEFAULT	BIT(30)		/* always insert this VLAN */
#define VIGB_DTXSWC		0x03500
#define  VIGB_DTXSWC_LOOPBACK	BIT(31)
#define VIGB_IOVCTL		0x05bbc
#define VIGB_QDE		0x02408
#define VIGB_VMBMEM(vf)		(0x00800 + 64 * (vf))	/* 16 dwords */
#define VIGB_P2VMAILBOX(vf)	(0x00c00 + 4 * (vf))
#define  VIGB_P2VMB_STS		BIT(0)		/* message for the VF */
#define  VIGB_P2VMB_ACK		BIT(1)		/* VF message received */
#define  VIGB_P2VMB_VFU		BIT(2)		/* the VF holds the buffer */
#define  VIGB_P2VMB_PFU		BIT(3)		/* the PF holds the buffer */
#define  VIGB_P2VMB_RVFU	BIT(4)		/* take the buffer from the VF */
#define VIGB_MBVFICR		0x00c80
#define  VIGB_MBVFICR_REQ(vf)	BIT(vf)
#define  VIGB_MBVFICR_ACK(vf)	BIT(16 + (vf))
#define VIGB_MBVFIMR		0x00c84
#define VIGB_VFLRE		0x00c88
#define VIGB_VFRE		0x00c8c
#define VIGB_VFTE		0x00c90
#define VIGB_MBX_WORDS		16
#define VIGB_DTXSWC_MAC_SPOOF(vf)	BIT(vf)
#define VIGB_DTXSWC_VLAN_SPOOF(vf)	BIT(8 + (vf))
#define VIGB_VT_CTL_REPL_EN	BIT(30)

/* Transmit rate limiter (programmed; QEMU's model does not enforce it) */
#define VIGB_RTTDQSEL		0x03604
#define VIGB_RTTBCNRM		0x03690
#define VIGB_RTTBCNRC		0x036b0
#define  VIGB_RTTBCNRC_RS_ENA	BIT(31)
#define  VIGB_RTTBCNRC_RF_INT_SHIFT 14
#define  VIGB_RTTBCNRC_RF_DEC_MASK 0x3fff

/* PF<->VF mailbox protocol: word 0 is ID (15:0), info (23:16), flags. */
#define VIGB_MSG_ID(w)		((w) & 0xffff)
#define VIGB_MSG_INFO(w)	(((w) >> 16) & 0xff)
#define VIGB_MSG_ACK		BIT(31)
#define VIGB_MSG_NACK		BIT(30)
#define VIGB_MSG_CTS		BIT(29)		/* the VF may send requests */
#define VIGB_VF_RESET		0x01
#define VIGB_VF_SET_MAC_ADDR	0x02
#define  VIGB_VF_MAC_PRIMARY	0
#define  VIGB_VF_MAC_FILTER_CLR	1
#define  VIGB_VF_MAC_FILTER_ADD	2
#define VIGB_VF_SET_MULTICAST	0x03
#define VIGB_VF_SET_VLAN	0x04
#define VIGB_VF_SET_LPE		0x05
#define VIGB_VF_SET_PROMISC	0x06
#define  VIGB_VF_PROMISC_UNICAST	BIT(0)	/* in the info byte */
#define  VIGB_VF_PROMISC_MULTICAST	BIT(1)
#define VIGB_PF_CONTROL_MSG	0x0100

/* Statistics: clear on read, accumulated by the driver */
#define VIGB_CRCERRS		0x04000
#define VIGB_RXERRC		0x0400c
#define VIGB_MPC		0x04010
#define VIGB_RLEC		0x04040
#define VIGB_GPRC		0x04074
#define VIGB_BPRC		0x04078
#define VIGB_MPRC		0x0407c
#define VIGB_GPTC		0x04080
#define VIGB_GORCL		0x04088
#define VIGB_GORCH		0x0408c
#define VIGB_GOTCL		0x04090
#define VIGB_GOTCH		0x04094
#define VIGB_RNBC		0x040a0
#define VIGB_RUC		0x040a4
#define VIGB_ROC		0x040ac
#define VIGB_TPR		0x040d0
#define VIGB_TPT		0x040d4
#define VIGB_MPTC		0x040f0
#define VIGB_BPTC		0x040f4
/* Per-VF counters: not cleared on read, they wrap at 32 bits. */
#define VIGB_PVFGPRC(vf)	(0x10010 + 0x100 * (vf))
#define VIGB_PVFGPTC(vf)	(0x10014 + 0x100 * (vf))
#define VIGB_PVFGORC(vf)	(0x10018 + 0x100 * (vf))
#define VIGB_PVFGOTC(vf)	(0x10034 + 0x100 * (vf))
#define VIGB_PVFMPRC(vf)	(0x1003c + 0x100 * (vf))

/* Advanced receive descriptor */
union vigb_rx_desc {
	struct {
		__le64 pkt_addr;
		__le64 hdr_addr;
	} read;
	struct {
		__le32 info;		/* packet type, header length */
		__le32 rss;		/* RSS hash */
		__le32 status_error;
		__le16 length;
		__le16 vlan;
	} wb;
};

#define VIGB_RXD_STAT_DD	BIT(0)
#define VIGB_RXD_STAT_EOP	BIT(1)
#define VIGB_RXD_STAT_IXSM	BIT(2)		/* checksum not computed */
#define VIGB_RXD_STAT_VP	BIT(3)		/* VLAN stripped into .vlan */
#define VIGB_RXD_STAT_UDPCS	BIT(4)
#define VIGB_RXD_STAT_TCPCS	BIT(5)
#define VIGB_RXD_STAT_IPCS	BIT(6)
#define VIGB_RXD_ERR_TCPE	BIT(29)
#define VIGB_RXD_ERR_IPE	BIT(30)
#define VIGB_RXD_ERR_RXE	BIT(31)
#define VIGB_RXD_ERR_FRAME	(BIT(24) | BIT(25) | BIT(26) | BIT(28) | BIT(31))

/* Advanced transmit descriptors */
union vigb_tx_desc {
	struct {
		__le64 addr;
		__le32 cmd_type_len;
		__le32 olinfo_status;
	} read;
	struct {
		__le64 rsvd;
		__le32 nxtseq_seed;
		__le32 status;
	} wb;
};

struct vigb_tx_ctx_desc {
	__le32 vlan_macip_lens;
	__le32 seqnum_seed;
	__le32 type_tucmd_mlhl;
	__le32 mss_l4len_idx;
};

#define VIGB_TXD_DTYP_CTXT	(0x2 << 20)
#define VIGB_TXD_DTYP_DATA	(0x3 << 20)
#define VIGB_TXD_CMD_EOP	BIT(24)
#define VIGB_TXD_CMD_IFCS	BIT(25)
#define VIGB_TXD_CMD_RS		BIT(27)
#define VIGB_TXD_CMD_DEXT	BIT(29)
#define VIGB_TXD_CMD_VLE	BIT(30)
#define VIGB_TXD_CMD_TSE	BIT(31)
#define VIGB_TXD_STAT_DD	BIT(0)
#define VIGB_TXD_POPTS_IXSM	BIT(8)		/* olinfo: insert IP checksum */
#define VIGB_TXD_POPTS_TXSM	BIT(9)		/* olinfo: insert L4 checksum */
#define VIGB_TXD_PAYLEN_SHIFT	14
#define VIGB_TXD_MACLEN_SHIFT	9
#define VIGB_TXD_VLAN_SHIFT	16
#define VIGB_TXD_TUCMD_IPV4	BIT(10)
#define VIGB_TXD_TUCMD_L4T_TCP	BIT(11)
#define VIGB_TXD_TUCMD_L4T_SCTP	BIT(12)
#define VIGB_TXD_L4LEN_SHIFT	8
#define VIGB_TXD_MSS_SHIFT	16

#endif /* _VIOX_IGB_REGS_H */
