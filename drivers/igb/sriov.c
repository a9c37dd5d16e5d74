// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: sriov_numvfs. VFs are created and removed here, around a new
 * pool layout (vmdq.c) and their devlink ports; what they may do is vf.c's.
 */
#include <linux/rtnetlink.h>

#include "igb.h"

static bool vigb_vfs_assigned(struct pci_dev *pdev)
{
	struct pci_dev *vfdev = NULL;

	while ((vfdev = pci_get_device(pdev->vendor, PCI_ANY_ID, vfdev)))
		if (vfdev->is_virtfn && vfdev->physfn == pdev &&
		    (vfdev->dev.driver || pci_is_dev_assigned(vfdev))) {
			pci_dev_put(vfdev);
			return true;
		}
	return false;
}

/* Rebuild the PF around a new pool layout (rtnl held). */
static int vigb_sriov_relayout(struct vigb_adapter *ad, unsigned int num_vfs,
			       struct vigb_vf *vfs)
{
	bool running = netif_running(ad->netdev);
	unsigned int i;
	int err = 0;

	if (running)
		vigb_down(ad);
	vigb_pools_stop(ad);
	/* Forget queue vector routes the old layout left behind. */
	for (i = 0; i < 8; i++)
		vigb_wr32(ad, VIGB_IVAR0 + 4 * i, 0);
	mutex_lock(&ad->vf_lock);
	ad->num_vfs = num_vfs;
	ad->vfs = vfs;
	ad->turn_vf = 0;
	ad->turn_until = 0;
	mutex_unlock(&ad->vf_lock);
	ad->first_queue = num_vfs;
	vigb_rar_clear(ad, 0);
	vigb_wr32(ad, VIGB_VFRE, 0);
	vigb_wr32(ad, VIGB_VFTE, 0);
	if (running)
		err = vigb_up(ad);
	else
		err = vigb_reinit(ad);
	vigb_pools_revoke(ad, vigb_pools_start(ad), VIOX_POOL_REVOKE_RESET);
	return err;
}

static int vigb_sriov_enable(struct vigb_adapter *ad, int num_vfs)
{
	struct pci_dev *pdev = ad->pdev;
	struct vigb_vf *vfs;
	int err;

	if (ad->num_vfs) {
		pci_err(pdev, "%u VFs exist: write 0 to sriov_numvfs first\n",
			ad->num_vfs);
		return -EBUSY;
	}
	if (num_vfs > VIGB_MAX_VFS) {
		pci_err(pdev, "at most %u VFs: the PF keeps one of the 8 pools\n",
			VIGB_MAX_VFS);
		return -ERANGE;
	}
	vfs = vigb_vfs_alloc(num_vfs);
	if (!vfs)
		return -ENOMEM;

	/*
	 * The VFs and the PF take pools 0 to num_vfs: their holders fall
	 * back, under the same RTNL that lays the device out anew, so that
	 * no reservation slips in between.
	 */
	rtnl_lock();
	vigb_pools_revoke(ad, ad->reserved_pools & GENMASK(num_vfs, 0),
			  VIOX_POOL_REVOKE_VFS);
	err = vigb_sriov_relayout(ad, num_vfs, vfs);
	if (!err)
		vigb_vfs_stats_baseline(ad);
	rtnl_unlock();
	if (err)
		goto err_layout;

	err = vigb_devlink_vfs_add(ad, num_vfs);
	if (err) {
		pci_err(pdev, "cannot add devlink ports for the VFs: %d\n", err);
		goto err_layout;
	}
	err = pci_enable_sriov(pdev, num_vfs);
	if (err) {
		pci_err(pdev, "enabling %d VFs failed: %d\n", num_vfs, err);
		vigb_devlink_vfs_del(ad);
		goto err_layout;
	}
	pci_info(pdev, "%d VFs enabled, PF on pool %d\n", num_vfs, num_vfs);
	return num_vfs;

err_layout:
	rtnl_lock();
	vigb_sriov_relayout(ad, 0, NULL);
	rtnl_unlock();
	kfree(vfs);
	return err;
}

/* Without disable_vfs (remove, VFs assigned) the VFs stay enabled. */
void vigb_sriov_disable(struct vigb_adapter *ad, bool disable_vfs)
{
	struct vigb_vf *vfs = ad->vfs;

	if (!ad->num_vfs)
		return;
	if (disable_vfs)
		pci_disable_sriov(ad->pdev);
	else
		pci_warn(ad->pdev, "VFs are assigned to guests: left enabled\n");
	vigb_devlink_vfs_del(ad);
	rtnl_lock();
	vigb_sriov_relayout(ad, 0, NULL);
	/* Pools are free again: holders that fell back may try (viox/pool.h). */
	if (!test_bit(VIGB_REMOVING, &ad->state))
		netdev_state_change(ad->netdev);
	rtnl_unlock();
	/* Queued before num_vfs was 0 or after, it sees no VF from here. */
	cancel_delayed_work_sync(&ad->mbx_work);
	/* VFs must see a PF reset again before they may run. */
	vigb_wr32(ad, VIGB_CTRL_EXT,
		  vigb_rd32(ad, VIGB_CTRL_EXT) & ~VIGB_CTRL_EXT_PFRSTD);
	kfree(vfs);
	pci_info(ad->pdev, "VFs disabled\n");
}

int vigb_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	struct vigb_adapter *ad = netdev_priv(pci_get_drvdata(pdev));

	if (num_vfs == 0) {
		if (vigb_vfs_assigned(pdev)) {
			pci_err(pdev, "VFs are in use (bound to a driver or assigned): unbind them first\n");
			return -EBUSY;
		}
		vigb_sriov_disable(ad, true);
		return 0;
	}
	return vigb_sriov_enable(ad, num_vfs);
}
