// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: the standby interface (include/viox/standby.h): a holder
 * attaches to a VF and detaches; standby_steer.c steers the VF's MAC.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <viox/standby.h>

#include "igb.h"

static struct vigb_standby *to_vigb_standby(struct viox_standby *sb)
{
	return container_of(sb, struct vigb_standby, pub);
}

static void vigb_standby_detach(struct viox_standby *pub)
{
	struct vigb_standby *sb = to_vigb_standby(pub);
	struct vigb_adapter *ad = sb->ad;
	unsigned int vf = pub->vf;

	ASSERT_RTNL();
	mutex_lock(&ad->vf_lock);
	vigb_standby_set(ad, vf, NULL);
	mutex_unlock(&ad->vf_lock);
	kfree(sb);
	dev_info(&ad->pdev->dev, "VF %u has no standby\n", vf);
}

static int vigb_standby_pool(struct viox_standby *pub, struct viox_pool *pool)
{
	struct vigb_standby *sb = to_vigb_standby(pub);
	struct vigb_adapter *ad = sb->ad;
	int err = 0;

	ASSERT_RTNL();
	if (pool && (pool->uplink != pub->uplink || pool->id >= VIGB_POOLS))
		return -EINVAL;
	mutex_lock(&ad->vf_lock);
	if (!pool)
		vigb_standby_set_pool(ad, sb, -1);
	else if (ad->pools[pool->id] && &ad->pools[pool->id]->pub == pool)
		vigb_standby_set_pool(ad, sb, pool->id);
	else
		err = -EINVAL;
	mutex_unlock(&ad->vf_lock);
	return err;
}

static const struct viox_standby_ops vigb_standby_ops = {
	.detach		= vigb_standby_detach,
	.set_pool	= vigb_standby_pool,
};

struct viox_standby *
viox_igb_standby_attach(struct net_device *uplink, unsigned int vf,
			struct net_device *port,
			const struct viox_standby_holder_ops *holder,
			struct viox_standby_state *state,
			struct netlink_ext_ack *extack)
{
	struct vigb_adapter *ad;
	struct vigb_standby *sb;
	struct vigb_vf *v;
	int err;

	ASSERT_RTNL();
	if (uplink->netdev_ops != &vigb_netdev_ops) {
		NL_SET_ERR_MSG_MOD(extack, "the uplink is not a viox_igb PF");
		return ERR_PTR(-EOPNOTSUPP);
	}
	if (!holder || !holder->switched || !holder->readdressed)
		return ERR_PTR(-EINVAL);
	ad = netdev_priv(uplink);
	sb = kzalloc(sizeof(*sb), GFP_KERNEL);
	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->pub.ops = &vigb_standby_ops;
	sb->pub.holder = holder;
	sb->pub.uplink = uplink;
	sb->pub.port = port;
	sb->pub.vf = vf;
	sb->ad = ad;
	sb->pool = -1;

	mutex_lock(&ad->vf_lock);
	err = -ENOENT;
	if (vf >= ad->num_vfs || test_bit(VIGB_REMOVING, &ad->state)) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "%s has no VF %u", uplink->name, vf);
		goto unlock;
	}
	err = -EBUSY;
	if (ad->standbys[vf]) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "VF %u has a standby already: %s",
				       vf, ad->standbys[vf]->pub.port->name);
		goto unlock;
	}
	v = &ad->vfs[vf];
	err = -EADDRNOTAVAIL;
	if (!is_valid_ether_addr(v->mac)) {
		NL_SET_ERR_MSG_FMT_MOD(extack,
				       "VF %u has no MAC yet: ip link set %s vf %u mac MAC",
				       vf, uplink->name, vf);
		goto unlock;
	}
	ether_addr_copy(sb->mac, v->mac);
	sb->vid = v->port_vlan;
	vigb_standby_set(ad, vf, sb);
	ether_addr_copy(state->mac, sb->mac);
	state->vid = sb->vid;
	state->to_host = sb->to_host;
	mutex_unlock(&ad->vf_lock);
	/* The poll starts. */
	mod_delayed_work(vigb_mbx_wq, &ad->mbx_work, 0);
	dev_info(&ad->pdev->dev, "VF %u has a standby: %s\n", vf, port->name);
	return &sb->pub;

unlock:
	mutex_unlock(&ad->vf_lock);
	kfree(sb);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(viox_igb_standby_attach);
