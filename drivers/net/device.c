// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/viox-net: one open file is one virtio-net queue pair (vq 0 RX,
 * vq 1 TX) speaking the vhost-net ioctl ABI, with a tap, macvtap or
 * AF_PACKET socket as its backend.
 */
#include <linux/file.h>
#include <linux/if_packet.h>
#include <linux/if_tap.h>
#include <linux/if_tun.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/vhost.h>
#include <net/sock.h>

#include "net.h"

static struct socket *get_raw_socket(int fd)
{
	struct socket *sock;
	int r;

	sock = sockfd_lookup(fd, &r);
	if (!sock)
		return ERR_PTR(r);
	if (sock->sk->sk_type != SOCK_RAW || sock->sk->sk_family != AF_PACKET) {
		sockfd_put(sock);
		return ERR_PTR(-ENOTSOCK);
	}
	return sock;
}

static struct socket *get_tap_socket(int fd)
{
	struct file *file = fget(fd);
	struct socket *sock;

	if (!file)
		return ERR_PTR(-EBADF);
	sock = tun_get_socket(file);
	if (IS_ERR(sock))
		sock = tap_get_socket(file);
	if (IS_ERR(sock)) {
		fput(file);
		return ERR_PTR(-ENOTSOCK);
	}
	return sock;
}

/* A backend fd: AF_PACKET raw socket, tap or macvtap. Held by its file. */
static struct socket *get_backend(int fd, u32 *kind)
{
	struct socket *sock = get_raw_socket(fd);

	*kind = VIOX_BACKEND_PACKET;
	if (!IS_ERR(sock) || PTR_ERR(sock) == -EBADF)
		return sock;
	sock = get_tap_socket(fd);
	if (!IS_ERR(sock))
		*kind = IS_ERR(tun_get_socket(sock->file)) ? VIOX_BACKEND_MACVTAP :
							     VIOX_BACKEND_TAP;
	return sock;
}

static void put_backend(struct socket *sock)
{
	if (sock)
		fput(sock->file);
}

/* Detach a vq's backend; the caller flushes before putting it. */
static struct socket *detach(struct viox_net_vq *nvq)
{
	struct socket *sock;

	mutex_lock(&nvq->vq.mutex);
	sock = nvq->vq.private_data;
	viox_poll_stop(&nvq->sock_poll);
	viox_net_rx_unbatch(nvq);
	nvq->rx_ring = NULL;
	nvq->vq.private_data = NULL;
	mutex_unlock(&nvq->vq.mutex);
	return sock;
}

static long set_backend(struct viox_net *n, unsigned int index, int fd)
{
	struct viox_net_vq *nvq;
	struct socket *sock, *old;
	u32 kind = VIOX_BACKEND_NONE;
	long r;

	if (index >= VIOX_NET_VQ_MAX)
		return -ENOBUFS;
	nvq = &n->vqs[array_index_nospec(index, VIOX_NET_VQ_MAX)];
	sock = fd == -1 ? NULL : get_backend(fd, &kind);
	if (IS_ERR(sock))
		return PTR_ERR(sock);

	mutex_lock(&nvq->vq.mutex);
	old = nvq->vq.private_data;
	if (sock == old) {
		/* Same socket again: drop the extra reference. */
		mutex_unlock(&nvq->vq.mutex);
		put_backend(sock);
		return 0;
	}
	if (sock) {
		r = viox_vq_start(&nvq->vq);
		if (r) {
			mutex_unlock(&nvq->vq.mutex);
			put_backend(sock);
			return r;
		}
	}
	viox_poll_stop(&nvq->sock_poll);
	if (sock && index == VIOX_NET_VQ_RX) {
		r = viox_poll_start(&nvq->sock_poll, sock->file);
		if (r) {
			/* The old backend's poll back, as it was. */
			if (old)
				viox_poll_start(&nvq->sock_poll, old->file);
			mutex_unlock(&nvq->vq.mutex);
			put_backend(sock);
			return r;
		}
	}
	/* Packets taken from the old socket's ring go back to it. */
	viox_net_rx_unbatch(nvq);
	nvq->vq.private_data = sock;
	/* Read by netlink without the vq's mutex. */
	WRITE_ONCE(nvq->backend, kind);
	nvq->rx_ring = sock && index == VIOX_NET_VQ_RX ?
		       viox_net_rx_ring(sock, kind) : NULL;
	mutex_unlock(&nvq->vq.mutex);

	if (old) {
		viox_dev_flush(&n->dev);
		put_backend(old);
	}
	/* Buffers the guest queued before the backend came are served now. */
	if (sock)
		viox_poll_queue(&nvq->vq.poll);
	return 0;
}

static long set_features(struct viox_net *n, u64 features)
{
	size_t vhost_hlen, sock_hlen;
	unsigned int i;
	long r;

	r = viox_net_check_features(features);
	if (r)
		return r;
	/* The ring layout cannot change under a running backend. */
	for (i = 0; i < VIOX_NET_VQ_MAX; i++) {
		struct viox_vq *vq = &n->vqs[i].vq;

		if (vq->private_data &&
		    (vq->acked_features ^ features) & BIT_ULL(VIRTIO_F_RING_PACKED))
			return -EBUSY;
	}
	r = viox_dev_set_features(&n->dev, features);
	if (r)
		return r;
	viox_net_hdr_split(features, &vhost_hlen, &sock_hlen);
	for (i = 0; i < VIOX_NET_VQ_MAX; i++) {
		mutex_lock(&n->vqs[i].vq.mutex);
		n->vqs[i].vhost_hlen = vhost_hlen;
		n->vqs[i].sock_hlen = sock_hlen;
		mutex_unlock(&n->vqs[i].vq.mutex);
	}
	return 0;
}

static void stop_backends(struct viox_net *n, struct socket **socks)
{
	unsigned int i;

	for (i = 0; i < VIOX_NET_VQ_MAX; i++)
		socks[i] = detach(&n->vqs[i]);
	viox_dev_flush(&n->dev);
}

static long reset_owner(struct viox_net *n)
{
	struct socket *socks[VIOX_NET_VQ_MAX];
	unsigned int i;
	long r;

	r = viox_dev_check_owner(&n->dev);
	if (r)
		return r;
	stop_backends(n, socks);
	r = viox_dev_reset_owner(&n->dev);
	for (i = 0; i < VIOX_NET_VQ_MAX; i++) {
		put_backend(socks[i]);
		/* Features are gone: so is any virtio-net header. */
		mutex_lock(&n->vqs[i].vq.mutex);
		n->vqs[i].vhost_hlen = 0;
		n->vqs[i].sock_hlen = 0;
		mutex_unlock(&n->vqs[i].vq.mutex);
	}
	return r;
}

static long viox_net_ioctl(struct file *f, unsigned int ioctl, unsigned long arg)
{
	struct viox_net *n = f->private_data;
	void __user *argp = (void __user *)arg;
	u64 __user *featurep = argp;
	struct vhost_vring_file backend;
	u64 features;
	long r;

	mutex_lock(&n->dev.mutex);
	switch (ioctl) {
	case VHOST_GET_FEATURES:
		features = VIOX_NET_FEATURES;
		r = copy_to_user(featurep, &features, sizeof(features)) ? -EFAULT : 0;
		break;
	case VHOST_GET_BACKEND_FEATURES:
		features = 0;
		r = copy_to_user(featurep, &features, sizeof(features)) ? -EFAULT : 0;
		break;
	case VHOST_SET_BACKEND_FEATURES:
		r = copy_from_user(&features, featurep, sizeof(features)) ? -EFAULT :
		    features ? -EOPNOTSUPP : 0;
		break;
	case VHOST_SET_FEATURES:
		r = viox_dev_check_owner(&n->dev);
		if (!r)
			r = copy_from_user(&features, featurep, sizeof(features)) ?
			    -EFAULT : set_features(n, features);
		break;
	case VHOST_NET_SET_BACKEND:
		r = viox_dev_check_owner(&n->dev);
		if (!r)
			r = copy_from_user(&backend, argp, sizeof(backend)) ?
			    -EFAULT : set_backend(n, backend.index, backend.fd);
		break;
	case VHOST_RESET_OWNER:
		r = reset_owner(n);
		break;
	default:
		r = viox_dev_ioctl(&n->dev, ioctl, argp);
		if (r == -ENOIOCTLCMD) {
			r = viox_dev_check_owner(&n->dev);
			if (!r)
				r = viox_vring_ioctl(&n->dev, ioctl, argp);
		}
		break;
	}
	mutex_unlock(&n->dev.mutex);
	return r;
}

static u32 viox_net_vq_backend(struct viox_vq *vq)
{
	return READ_ONCE(to_nvq(vq)->backend);
}

static const struct viox_dev_class viox_net_class = {
	.type = VIOX_DEV_TYPE_NET,
	.vq_backend = viox_net_vq_backend,
};

static int viox_net_open(struct inode *inode, struct file *f)
{
	static viox_work_fn_t kick[VIOX_NET_VQ_MAX] = {
		[VIOX_NET_VQ_RX] = viox_net_rx_kick,
		[VIOX_NET_VQ_TX] = viox_net_tx_kick,
	};
	static viox_work_fn_t sock[VIOX_NET_VQ_MAX] = {
		[VIOX_NET_VQ_RX] = viox_net_rx_sock,
		[VIOX_NET_VQ_TX] = viox_net_tx_sock,
	};
	struct viox_net *n;
	unsigned int i;
	int r;

	n = kvzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	for (i = 0; i < VIOX_NET_VQ_MAX; i++) {
		n->vq_ptrs[i] = &n->vqs[i].vq;
		n->vqs[i].vq.handle_kick = kick[i];
	}
	viox_dev_init(&n->dev, "viox-net", n->vq_ptrs, VIOX_NET_VQ_MAX);
	for (i = 0; i < VIOX_NET_VQ_MAX; i++)
		viox_poll_init(&n->vqs[i].sock_poll, sock[i],
			       i == VIOX_NET_VQ_RX ? EPOLLIN : EPOLLOUT,
			       &n->vqs[i].vq);
	r = viox_dev_register(&n->dev, &viox_net_class);
	if (r) {
		kvfree(n);
		return r;
	}
	f->private_data = n;
	return 0;
}

static int viox_net_release(struct inode *inode, struct file *f)
{
	struct viox_net *n = f->private_data;
	struct socket *socks[VIOX_NET_VQ_MAX];
	unsigned int i;

	viox_dev_unregister(&n->dev);
	stop_backends(n, socks);
	viox_dev_cleanup(&n->dev);
	for (i = 0; i < VIOX_NET_VQ_MAX; i++) {
		put_backend(socks[i]);
		viox_net_tx_page_free(&n->vqs[i]);
	}
	kvfree(n);
	return 0;
}

static const struct file_operations viox_net_fops = {
	.owner = THIS_MODULE,
	.open = viox_net_open,
	.release = viox_net_release,
	.unlocked_ioctl = viox_net_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice viox_net_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "viox-net",
	.fops = &viox_net_fops,
	.groups = viox_net_groups,
};

int viox_net_register(void)
{
	return misc_register(&viox_net_misc);
}

void viox_net_unregister(void)
{
	misc_deregister(&viox_net_misc);
}
