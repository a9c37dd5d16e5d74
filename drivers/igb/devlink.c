// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: devlink. Device info; a port for the PF and one per VF with
 * the VF's address and state as port function attributes; a rate leaf per
 * VF driving the same limiter as `ip link ... max_tx_rate`; the mailbox
 * rate limit as a parameter; and the "vf_mbx" health reporter, whose
 * callbacks are the mailbox's (mbx.c). Settings go to vf.c's policy.
 */
#include <linux/iopoll.h>
#include <linux/etherdevice.h>
#include <linux/if_link.h>
#include <net/devlink.h>

#include "igb.h"

enum {
	VIGB_DEVLINK_PARAM_VF_MSG_RATE = DEVLINK_PARAM_GENERIC_ID_MAX + 1,
};

static struct vigb_adapter *vigb_from_devlink(struct devlink *dl)
{
	return *(struct vigb_adapter **)devlink_priv(dl);
}

static struct vigb_vf_port *vigb_vf_port(struct devlink_port *port)
{
	return container_of(port, struct vigb_vf_port, dl_port);
}

/* NVM word 5 holds the image version the EEPROM was built with. */
static int vigb_nvm_read(struct vigb_adapter *ad, u16 word, u16 *val)
{
	u32 v;
	int err;

	vigb_wr32(ad, VIGB_EERD, (word << VIGB_EERD_ADDR_SHIFT) | VIGB_EERD_START);
	err = readl_poll_timeout_atomic(ad->hw + VIGB_EERD, v,
					v & VIGB_EERD_DONE, 5, 500);
	if (!err)
		*val = v >> VIGB_EERD_DATA_SHIFT;
	return err;
}

static int vigb_info_get(struct devlink *dl, struct devlink_info_req *req,
			 struct netlink_ext_ack *extack)
{
	struct vigb_adapter *ad = vigb_from_devlink(dl);
	char buf[32];
	u16 nvm;
	int err;

	/* No serial number capability on the 82576: the permanent address. */
	snprintf(buf, sizeof(buf), "%pm", ad->netdev->perm_addr);
	err = devlink_info_serial_number_put(req, buf);
	if (err)
		return err;
	err = devlink_info_version_fixed_put(req, DEVLINK_INFO_VERSION_GENERIC_ASIC_ID,
					     "82576");
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%u", ad->pdev->revision);
	err = devlink_info_version_fixed_put(req, DEVLINK_INFO_VERSION_GENERIC_ASIC_REV,
					     buf);
	if (err)
		return err;
	if (!vigb_nvm_read(ad, 5, &nvm)) {
		snprintf(buf, sizeof(buf), "%u.%u", nvm >> 12, nvm & 0xfff);
		err = devlink_info_version_running_put(req, "fw.nvm", buf);
		if (err)
			return err;
	}
	return devlink_info_version_running_put(req, "driver", VIOX_VERSION);
}

/* tx_max is in bytes per second; the limiter works in Mbit/s. */
static int vigb_rate_leaf_tx_max_set(struct devlink_rate *rate, void *priv,
				     u64 tx_max, struct netlink_ext_ack *extack)
{
	struct vigb_vf_port *p = priv;
	u64 mbps = div_u64(tx_max, 125000);
	int err;

	if (tx_max && !mbps) {
		NL_SET_ERR_MSG_MOD(extack, "the rate limiter's unit is 1 Mbit/s");
		return -EINVAL;
	}
	err = vigb_vf_set_max_rate(p->ad, p->vf, min_t(u64, mbps, U32_MAX));
	if (err == -ERANGE) {
		NL_SET_ERR_MSG_FMT_MOD(extack, "tx_max is above the link's %u Mbit/s",
				       p->ad->link_speed);
		return -EINVAL;
	}
	return err;
}

static int vigb_port_hw_addr_get(struct devlink_port *port, u8 *hw_addr,
				 int *len, struct netlink_ext_ack *extack)
{
	struct vigb_vf_port *p = vigb_vf_port(port);
	struct vigb_vf_info info;
	int err;

	err = vigb_vf_get_info(p->ad, p->vf, &info);
	if (err)
		return err;
	ether_addr_copy(hw_addr, info.mac);
	*len = ETH_ALEN;
	return 0;
}

static int vigb_port_hw_addr_set(struct devlink_port *port, const u8 *hw_addr,
				 int len, struct netlink_ext_ack *extack)
{
	struct vigb_vf_port *p = vigb_vf_port(port);
	int err;

	if (len != ETH_ALEN) {
		NL_SET_ERR_MSG_MOD(extack, "an Ethernet address has 6 bytes");
		return -EINVAL;
	}
	err = vigb_vf_set_admin_mac(p->ad, p->vf, hw_addr);
	if (err == -EINVAL)
		NL_SET_ERR_MSG_MOD(extack, "not a unicast address");
	else if (err == -EADDRINUSE)
		NL_SET_ERR_MSG_MOD(extack, "the PF, another VF or a pool has this address");
	return err;
}

static int vigb_port_state_get(struct devlink_port *port,
			       enum devlink_port_fn_state *state,
			       enum devlink_port_fn_opstate *opstate,
			       struct netlink_ext_ack *extack)
{
	struct vigb_vf_port *p = vigb_vf_port(port);
	struct vigb_vf_info info;
	int err;

	err = vigb_vf_get_info(p->ad, p->vf, &info);
	if (err)
		return err;
	*state = info.link_state == IFLA_VF_LINK_STATE_DISABLE ?
		 DEVLINK_PORT_FN_STATE_INACTIVE : DEVLINK_PORT_FN_STATE_ACTIVE;
	/* Attached: a VF driver went through reset and may configure. */
	*opstate = info.attached ? DEVLINK_PORT_FN_OPSTATE_ATTACHED :
				   DEVLINK_PORT_FN_OPSTATE_DETACHED;
	return 0;
}

static int vigb_port_state_set(struct devlink_port *port,
			       enum devlink_port_fn_state state,
			       struct netlink_ext_ack *extack)
{
	struct vigb_vf_port *p = vigb_vf_port(port);

	return vigb_vf_set_link_state(p->ad, p->vf,
				      state == DEVLINK_PORT_FN_STATE_ACTIVE ?
				      IFLA_VF_LINK_STATE_AUTO :
				      IFLA_VF_LINK_STATE_DISABLE);
}

static const struct devlink_port_ops vigb_vf_port_ops = {
	.port_fn_hw_addr_get	= vigb_port_hw_addr_get,
	.port_fn_hw_addr_set	= vigb_port_hw_addr_set,
	.port_fn_state_get	= vigb_port_state_get,
	.port_fn_state_set	= vigb_port_state_set,
};

static int vigb_param_msg_rate_get(struct devlink *dl, u32 id,
				   struct devlink_param_gset_ctx *ctx)
{
	ctx->val.vu32 = READ_ONCE(vigb_from_devlink(dl)->vf_msg_rate);
	return 0;
}

static int vigb_param_msg_rate_set(struct devlink *dl, u32 id,
				   struct devlink_param_gset_ctx *ctx,
				   struct netlink_ext_ack *extack)
{
	WRITE_ONCE(vigb_from_devlink(dl)->vf_msg_rate, ctx->val.vu32);
	return 0;
}

static int vigb_param_msg_rate_validate(struct devlink *dl, u32 id,
					union devlink_param_value val,
					struct netlink_ext_ack *extack)
{
	if (val.vu32 < 10 || val.vu32 > 100000) {
		NL_SET_ERR_MSG_MOD(extack, "vf_msg_rate must be 10 to 100000 messages a second");
		return -EINVAL;
	}
	return 0;
}

static const struct devlink_param vigb_params[] = {
	DEVLINK_PARAM_DRIVER(VIGB_DEVLINK_PARAM_VF_MSG_RATE, "vf_msg_rate",
			     DEVLINK_PARAM_TYPE_U32,
			     BIT(DEVLINK_PARAM_CMODE_RUNTIME),
			     vigb_param_msg_rate_get, vigb_param_msg_rate_set,
			     vigb_param_msg_rate_validate),
};

static const struct devlink_ops vigb_devlink_ops = {
	.info_get		= vigb_info_get,
	.rate_leaf_tx_max_set	= vigb_rate_leaf_tx_max_set,
};

/* Allocate and set up everything but registration (probe, before netdev). */
int vigb_devlink_init(struct vigb_adapter *ad)
{
	struct devlink *dl;
	int err;

	dl = devlink_alloc(&vigb_devlink_ops, sizeof(ad), &ad->pdev->dev);
	if (!dl)
		return -ENOMEM;
	*(struct vigb_adapter **)devlink_priv(dl) = ad;
	ad->devlink = dl;

	devl_lock(dl);
	devlink_port_attrs_pci_pf_set(&ad->pf_port, 0, 0, false);
	err = devl_port_register(dl, &ad->pf_port, 0);
	if (err)
		goto err_unlock;
	err = devl_params_register(dl, vigb_params, ARRAY_SIZE(vigb_params));
	if (err)
		goto err_port;
	/* Ten seconds between automatic recoveries of the same reporter. */
	ad->mbx_reporter = devl_health_reporter_create(dl, &vigb_mbx_reporter_ops,
						       10000, ad);
	if (IS_ERR(ad->mbx_reporter)) {
		err = PTR_ERR(ad->mbx_reporter);
		goto err_params;
	}
	devl_unlock(dl);
	SET_NETDEV_DEVLINK_PORT(ad->netdev, &ad->pf_port);
	return 0;

err_params:
	devl_params_unregister(dl, vigb_params, ARRAY_SIZE(vigb_params));
err_port:
	devl_port_unregister(&ad->pf_port);
err_unlock:
	devl_unlock(dl);
	devlink_free(dl);
	return err;
}

void vigb_devlink_fini(struct vigb_adapter *ad)
{
	struct devlink *dl = ad->devlink;

	devl_lock(dl);
	devl_health_reporter_destroy(ad->mbx_reporter);
	devl_params_unregister(dl, vigb_params, ARRAY_SIZE(vigb_params));
	devl_port_unregister(&ad->pf_port);
	devl_unlock(dl);
	devlink_free(dl);
}

/* A port and a rate leaf per VF, once the VFs exist. */
int vigb_devlink_vfs_add(struct vigb_adapter *ad, unsigned int num_vfs)
{
	struct devlink *dl = ad->devlink;
	unsigned int vf;
	struct vigb_vf_port *ports;
	int err = 0;

	ports = kcalloc(num_vfs, sizeof(*ports), GFP_KERNEL);
	if (!ports)
		return -ENOMEM;
	devl_lock(dl);
	for (vf = 0; vf < num_vfs; vf++) {
		struct vigb_vf_port *p = &ports[vf];

		p->ad = ad;
		p->vf = vf;
		devlink_port_attrs_pci_vf_set(&p->dl_port, 0, 0, vf, false);
		err = devl_port_register_with_ops(dl, &p->dl_port, 1 + vf,
						  &vigb_vf_port_ops);
		if (err)
			break;
		err = devl_rate_leaf_create(&p->dl_port, p, NULL);
		if (err) {
			devl_port_unregister(&p->dl_port);
			break;
		}
		p->registered = true;
	}
	devl_unlock(dl);
	mutex_lock(&ad->vf_lock);
	ad->vf_ports = ports;
	ad->num_vf_ports = num_vfs;
	mutex_unlock(&ad->vf_lock);
	if (err)
		vigb_devlink_vfs_del(ad);
	return err;
}

void vigb_devlink_vfs_del(struct vigb_adapter *ad)
{
	struct devlink *dl = ad->devlink;
	struct vigb_vf_port *ports;
	unsigned int vf, n;

	/* ip link's rate changes look at the ports under vf_lock. */
	mutex_lock(&ad->vf_lock);
	ports = ad->vf_ports;
	n = ad->num_vf_ports;
	ad->vf_ports = NULL;
	ad->num_vf_ports = 0;
	mutex_unlock(&ad->vf_lock);
	if (!ports)
		return;
	devl_lock(dl);
	for (vf = 0; vf < n; vf++) {
		struct vigb_vf_port *p = &ports[vf];

		if (!p->registered)
			continue;
		devl_rate_leaf_destroy(&p->dl_port);
		devl_port_unregister(&p->dl_port);
	}
	devl_unlock(dl);
	kfree(ports);
}

/* Keep devlink's view of a VF's tx_max in step with ip link's. */
void vigb_devlink_rate_sync(struct vigb_adapter *ad, unsigned int vf)
{
	struct devlink_rate *rate;

	/* The ports go under vf_lock (vigb_devlink_vfs_del). */
	mutex_lock(&ad->vf_lock);
	if (ad->vf_ports && vf < ad->num_vf_ports && vf < ad->num_vfs &&
	    ad->vf_ports[vf].registered) {
		rate = ad->vf_ports[vf].dl_port.devlink_rate;
		if (rate)
			WRITE_ONCE(rate->tx_max,
				   (u64)ad->vfs[vf].max_tx_rate * 125000);
	}
	mutex_unlock(&ad->vf_lock);
}
