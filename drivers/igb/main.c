// SPDX-License-Identifier: GPL-2.0
/* viox_igb: PCI driver for the Intel 82576 physical function. */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>

#include "igb.h"

#define VIGB_DEV_ID_82576	0x10c9

static const struct pci_device_id vigb_pci_ids[] = {
	{ PCI_VDEVICE(INTEL, VIGB_DEV_ID_82576) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vigb_pci_ids);

static void vigb_init_netdev(struct vigb_adapter *ad)
{
	struct net_device *dev = ad->netdev;
	u8 mac[ETH_ALEN];

	dev->netdev_ops = &vigb_netdev_ops;
	vigb_set_ethtool_ops(dev);
	dev->watchdog_timeo = 5 * HZ;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = VIGB_MAX_MTU;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			   NETIF_F_TSO | NETIF_F_TSO6 |
			   NETIF_F_RXCSUM | NETIF_F_RXHASH |
			   NETIF_F_HW_VLAN_CTAG_RX | NETIF_F_HW_VLAN_CTAG_TX |
			   NETIF_F_HW_VLAN_CTAG_FILTER;
	dev->features = dev->hw_features | NETIF_F_HIGHDMA;
	dev->vlan_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			     NETIF_F_TSO | NETIF_F_TSO6;
	dev->priv_flags |= IFF_UNICAST_FLT;

	vigb_hw_read_mac(ad, mac);
	if (is_valid_ether_addr(mac)) {
		eth_hw_addr_set(dev, mac);
	} else {
		pci_warn(ad->pdev, "invalid permanent address %pM: using a random one\n",
			 mac);
		eth_hw_addr_random(dev);
	}
	ether_addr_copy(dev->perm_addr, dev->dev_addr);
}

static int vigb_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vigb_adapter *ad;
	struct net_device *dev;
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return err;
	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err)
		goto err_disable;
	err = pci_request_mem_regions(pdev, VIGB_DRV_NAME);
	if (err)
		goto err_disable;
	pci_set_master(pdev);

	dev = alloc_etherdev_mq(sizeof(*ad), VIGB_MAX_QUEUE_PAIRS);
	if (!dev) {
		err = -ENOMEM;
		goto err_regions;
	}
	SET_NETDEV_DEV(dev, &pdev->dev);
	pci_set_drvdata(pdev, dev);
	ad = netdev_priv(dev);
	ad->pdev = pdev;
	ad->netdev = dev;
	ad->tx_ring_count = VIGB_RING_DEFAULT;
	ad->rx_ring_count = VIGB_RING_DEFAULT;
	ad->req_qp = min_t(unsigned int, num_online_cpus(), VIGB_MAX_QUEUE_PAIRS);
	set_bit(VIGB_DOWN, &ad->state);
	mutex_init(&ad->stats_lock);
	mutex_init(&ad->vf_lock);
	spin_lock_init(&ad->mta_lock);
	spin_lock_init(&ad->filt_lock);
	INIT_DELAYED_WORK(&ad->mbx_work, vigb_mbx_work);
	INIT_DELAYED_WORK(&ad->watchdog, vigb_watchdog);
	INIT_WORK(&ad->reset_task, vigb_reset_task);
	INIT_WORK(&ad->pools_lost_work, vigb_pools_lost_work);
	for (int i = 0; i < VIGB_MAX_QUEUE_PAIRS; i++) {
		struct vigb_ring *rings[] = { &ad->tx_ring[i], &ad->rx_ring[i] };

		for (int r = 0; r < 2; r++) {
			rings[r]->dev = &pdev->dev;
			rings[r]->netdev = dev;
			u64_stats_init(&rings[r]->stats.syncp);
			u64_stats_init(&rings[r]->stats.xmit_syncp);
		}
	}

	ad->hw = pci_iomap(pdev, 0, 0);
	if (!ad->hw) {
		err = -EIO;
		goto err_free;
	}
	err = vigb_hw_reset(ad);
	if (err)
		goto err_unmap;
	vigb_init_netdev(ad);
	ad->vf_msg_rate = VIGB_VF_MSG_RATE;
	err = vigb_devlink_init(ad);
	if (err)
		goto err_unmap;
	err = vigb_irq_init(ad);
	if (err)
		goto err_devlink;
	err = vigb_irq_request_misc(ad);
	if (err)
		goto err_irq;

	/* The model offers 8 VFs; one pool stays the PF's. */
	if (pci_sriov_get_totalvfs(pdev) > VIGB_MAX_VFS)
		pci_sriov_set_totalvfs(pdev, VIGB_MAX_VFS);
	err = register_netdev(dev);
	if (err)
		goto err_misc;
	netif_carrier_off(dev);
	rtnl_lock();
	vigb_reinit(ad);
	rtnl_unlock();
	vigb_irq_enable_misc(ad);
	vigb_hw_start_link(ad);
	schedule_delayed_work(&ad->watchdog, HZ);
	devlink_register(ad->devlink);
	netdev_info(dev, "82576 at %s, %pM, %u interrupt vector%s (%s)\n",
		    pci_name(pdev), dev->dev_addr, ad->num_vectors,
		    ad->num_vectors == 1 ? "" : "s",
		    ad->msix ? "MSI-X" : pdev->msi_enabled ? "MSI" : "INTx");
	return 0;

err_misc:
	vigb_irq_release_misc(ad);
err_irq:
	vigb_irq_fini(ad);
err_devlink:
	vigb_devlink_fini(ad);
err_unmap:
	pci_iounmap(pdev, ad->hw);
err_free:
	free_netdev(dev);
err_regions:
	pci_release_mem_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void vigb_remove(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);
	struct vigb_adapter *ad = netdev_priv(dev);
	unsigned int vf;

	/*
	 * VFs first: their mailbox work reports to devlink's health. VFs a
	 * guest holds stay enabled, as they are, until it lets them go.
	 */
	vigb_sriov_disable(ad, !pci_vfs_assigned(pdev));
	devlink_unregister(ad->devlink);
	set_bit(VIGB_REMOVING, &ad->state);
	/* No interrupt may queue work once it is cancelled. */
	vigb_wr32(ad, VIGB_IMC, ~0u);
	vigb_wr32(ad, VIGB_EIMC, ~0u);
	vigb_flush(ad);
	synchronize_irq(ad->misc_irq);
	cancel_delayed_work_sync(&ad->watchdog);
	cancel_delayed_work_sync(&ad->mbx_work);
	cancel_work_sync(&ad->reset_task);
	/* Holders fall back before their uplink goes (viox/pool.h). */
	rtnl_lock();
	vigb_pools_revoke(ad, ad->reserved_pools, VIOX_POOL_REVOKE_REMOVE);
	rtnl_unlock();
	unregister_netdev(dev);
	/* Standbys are their vports', which went with the netdev. */
	for (vf = 0; vf < VIGB_MAX_VFS; vf++)
		WARN_ON(ad->standbys[vf]);
	/* No reset (ethtool's, under RTNL) can lose pools from here. */
	cancel_work_sync(&ad->pools_lost_work);
	vigb_wr32(ad, VIGB_IMC, ~0u);
	vigb_wr32(ad, VIGB_EIMC, ~0u);
	vigb_irq_release_misc(ad);
	vigb_irq_fini(ad);
	vigb_devlink_fini(ad);
	/* Hand the device back in reset: no DMA, no interrupts. */
	vigb_hw_reset(ad);
	vigb_wr32(ad, VIGB_CTRL_EXT,
		  vigb_rd32(ad, VIGB_CTRL_EXT) & ~VIGB_CTRL_EXT_DRV_LOAD);
	pci_iounmap(pdev, ad->hw);
	free_netdev(dev);
	pci_release_mem_regions(pdev);
	pci_disable_device(pdev);
}

static void vigb_shutdown(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);

	rtnl_lock();
	netif_device_detach(dev);
	if (netif_running(dev))
		vigb_down(netdev_priv(dev));
	rtnl_unlock();
	pci_disable_device(pdev);
}

static struct pci_driver vigb_driver = {
	.name		= VIGB_DRV_NAME,
	.id_table	= vigb_pci_ids,
	.probe		= vigb_probe,
	.remove		= vigb_remove,
	.shutdown	= vigb_shutdown,
	.sriov_configure = vigb_sriov_configure,
};

static int __init vigb_init(void)
{
	int err;

	vigb_mbx_wq = alloc_workqueue("viox_igb_mbx", WQ_UNBOUND | WQ_HIGHPRI, 0);
	if (!vigb_mbx_wq)
		return -ENOMEM;
	err = pci_register_driver(&vigb_driver);
	if (err)
		destroy_workqueue(vigb_mbx_wq);
	return err;
}

static void __exit vigb_exit(void)
{
	pci_unregister_driver(&vigb_driver);
	destroy_workqueue(vigb_mbx_wq);
}

module_init(vigb_init);
module_exit(vigb_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("viox SR-IOV PF driver for the Intel 82576");
MODULE_VERSION(VIOX_VERSION);
