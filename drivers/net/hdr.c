// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-net header and feature rules of viox_net: pure functions, so
 * KUnit can check them without a device.
 */
#include <kunit/visibility.h>
#include <linux/minmax.h>
#include <linux/vhost.h>

#include "net.h"

/**
 * viox_net_hdr_len() - size of the virtio-net header the guest uses
 * @features: the acked features
 *
 * Return: 12 with MRG_RXBUF or VERSION_1 (num_buffers present), else 10.
 */
size_t viox_net_hdr_len(u64 features)
{
	if (features & (BIT_ULL(VIRTIO_NET_F_MRG_RXBUF) | BIT_ULL(VIRTIO_F_VERSION_1)))
		return sizeof(struct virtio_net_hdr_mrg_rxbuf);
	return sizeof(struct virtio_net_hdr);
}
EXPORT_SYMBOL_IF_KUNIT(viox_net_hdr_len);

/**
 * viox_net_hdr_split() - who handles the header: viox or the socket
 * @features: the acked features
 * @vhost_hlen: bytes viox adds on RX and strips on TX
 * @sock_hlen: bytes the socket itself reads and writes
 *
 * With VHOST_NET_F_VIRTIO_NET_HDR the socket (a tap without IFF_VNET_HDR,
 * or a packet socket) knows no header and viox supplies it; otherwise the
 * socket passes the guest's header through.
 */
void viox_net_hdr_split(u64 features, size_t *vhost_hlen, size_t *sock_hlen)
{
	size_t len = viox_net_hdr_len(features);

	if (features & BIT_ULL(VHOST_NET_F_VIRTIO_NET_HDR)) {
		*vhost_hlen = len;
		*sock_hlen = 0;
	} else {
		*vhost_hlen = 0;
		*sock_hlen = len;
	}
}
EXPORT_SYMBOL_IF_KUNIT(viox_net_hdr_split);

/**
 * viox_net_check_features() - whether a feature set can be acked
 * @features: what VHOST_SET_FEATURES asks for
 *
 * Return: 0, -EOPNOTSUPP for a bit viox_net does not implement, or -EINVAL
 * for a packed ring without VERSION_1 (the spec ties them).
 */
int viox_net_check_features(u64 features)
{
	if (features & ~VIOX_NET_FEATURES)
		return -EOPNOTSUPP;
	if (features & BIT_ULL(VIRTIO_F_RING_PACKED) &&
	    !(features & BIT_ULL(VIRTIO_F_VERSION_1)))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(viox_net_check_features);

/**
 * viox_net_rx_fill() - spread one received packet over mergeable buffers
 * @heads: the buffers, each .len holding its capacity on entry
 * @n: how many
 * @len: bytes written, header included
 *
 * Sets each .len to the bytes that landed in it, in order.
 *
 * Return: the buffers used; 0 if @len does not fit in all @n.
 */
unsigned int viox_net_rx_fill(struct viox_used_elem *heads, unsigned int n,
			      u32 len)
{
	u64 room = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		room += heads[i].len;
	if (room < len)
		return 0;
	for (i = 0; i < n; i++) {
		heads[i].len = min(heads[i].len, len);
		len -= heads[i].len;
		if (!len)
			return i + 1;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(viox_net_rx_fill);
