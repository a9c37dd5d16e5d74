/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/viox.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_VIOX_H
#define _UAPI_LINUX_VIOX_H

#define VIOX_FAMILY_NAME	"viox"
#define VIOX_FAMILY_VERSION	1

/**
 * enum viox_dev_type - Which backend a device belongs to.
 */
enum viox_dev_type {
	VIOX_DEV_TYPE_NET,
};

/**
 * enum viox_ring_layout - The virtqueue layout the driver negotiated.
 */
enum viox_ring_layout {
	VIOX_RING_LAYOUT_SPLIT,
	VIOX_RING_LAYOUT_PACKED,
};

/**
 * enum viox_backend - What a virtqueue moves data to and from.
 */
enum viox_backend {
	VIOX_BACKEND_NONE,
	VIOX_BACKEND_TAP,
	VIOX_BACKEND_MACVTAP,
	VIOX_BACKEND_PACKET,
};

/**
 * enum viox_blk_cache - How a viox_blk disk treats writes: writeback (a
 *   volatile cache the driver flushes) or writethrough (each write durable
 *   when it completes). The driver may switch it (VIRTIO_BLK_F_CONFIG_WCE).
 */
enum viox_blk_cache {
	VIOX_BLK_CACHE_WRITEBACK,
	VIOX_BLK_CACHE_WRITETHROUGH,
};

enum {
	VIOX_A_VQ_INDEX = 1,
	VIOX_A_VQ_LAYOUT,
	VIOX_A_VQ_SIZE,
	VIOX_A_VQ_BROKEN,
	VIOX_A_VQ_BACKEND,
	VIOX_A_VQ_PACKETS,
	VIOX_A_VQ_BYTES,
	VIOX_A_VQ_DROPS_TOO_BIG,
	VIOX_A_VQ_DROPS_ERROR,
	VIOX_A_VQ_KICKS,
	VIOX_A_VQ_INTERRUPTS,
	VIOX_A_VQ_RING_FULL,
	VIOX_A_VQ_BREAKS,

	__VIOX_A_VQ_MAX,
	VIOX_A_VQ_MAX = (__VIOX_A_VQ_MAX - 1)
};

enum {
	VIOX_A_DEV_ID = 1,
	VIOX_A_DEV_TYPE,
	VIOX_A_DEV_OWNER_PID,
	VIOX_A_DEV_FEATURES,
	VIOX_A_DEV_PAD,
	VIOX_A_DEV_VQ,

	__VIOX_A_DEV_MAX,
	VIOX_A_DEV_MAX = (__VIOX_A_DEV_MAX - 1)
};

enum {
	VIOX_A_VPORT_IFINDEX = 1,
	VIOX_A_VPORT_NAME,
	VIOX_A_VPORT_UPLINK,
	VIOX_A_VPORT_MAC,
	VIOX_A_VPORT_VLAN,
	VIOX_A_VPORT_MODE,
	VIOX_A_VPORT_SPOOFCHK,
	VIOX_A_VPORT_OFFLOAD,
	VIOX_A_VPORT_POOL,
	VIOX_A_VPORT_RX_CPU,
	VIOX_A_VPORT_LINK_NETNSID,

	__VIOX_A_VPORT_MAX,
	VIOX_A_VPORT_MAX = (__VIOX_A_VPORT_MAX - 1)
};

enum {
	VIOX_A_BLK_NAME = 1,
	VIOX_A_BLK_PATH,
	VIOX_A_BLK_READ_ONLY,
	VIOX_A_BLK_CACHE,
	VIOX_A_BLK_SERIAL,
	VIOX_A_BLK_QUEUES,
	VIOX_A_BLK_FEATURES,
	VIOX_A_BLK_CAPACITY,
	VIOX_A_BLK_BLOCK_SIZE,
	VIOX_A_BLK_VDPA,

	__VIOX_A_BLK_MAX,
	VIOX_A_BLK_MAX = (__VIOX_A_BLK_MAX - 1)
};

enum {
	VIOX_CMD_DEV_GET = 1,
	VIOX_CMD_VPORT_NEW,
	VIOX_CMD_VPORT_DEL,
	VIOX_CMD_VPORT_GET,
	VIOX_CMD_VPORT_ADD_NTF,
	VIOX_CMD_VPORT_DEL_NTF,
	VIOX_CMD_VPORT_CHANGE_NTF,
	VIOX_CMD_BLK_NEW,
	VIOX_CMD_BLK_DEL,
	VIOX_CMD_BLK_GET,

	__VIOX_CMD_MAX,
	VIOX_CMD_MAX = (__VIOX_CMD_MAX - 1)
};

#define VIOX_MCGRP_VPORT	"vport"

#endif /* _UAPI_LINUX_VIOX_H */
