// SPDX-License-Identifier: GPL-2.0
/*
 * viox_igb: interrupts. Under MSI-X, vector 0 carries the "other" causes
 * (link change, VF mailbox and VF resets) and vector 1 + n serves queue
 * pair n; a reserved pool p has vector 1 + p (pools exist only in VMDq
 * mode, where the PF has one queue pair). Without MSI-X a single MSI or
 * INTx vector serves one queue pair and everything else, through ICR.
 */
#include <linux/interrupt.h>

#include "igb.h"

/* Single-vector causes: TX written back, link, RX threshold and timer. */
#define VIGB_IMS_SINGLE		(BIT(0) | VIGB_ICR_LSC | BIT(4) | BIT(7) | VIGB_ICR_VMMB)
#define VIGB_IMS_OTHER		(VIGB_ICR_LSC | VIGB_ICR_VMMB)
#define VIGB_ICR_ASSERTED	BIT(31)

static void vigb_other_causes(struct vigb_adapter *ad, u32 icr)
{
	if (test_bit(VIGB_REMOVING, &ad->state))
		return;
	if (icr & VIGB_ICR_LSC)
		mod_delayed_work(system_wq, &ad->watchdog, 0);
	if (icr & VIGB_ICR_VMMB)
		vigb_mbx_irq(ad);
}

static irqreturn_t vigb_msix_other(int irq, void *data)
{
	struct vigb_adapter *ad = data;

	vigb_other_causes(ad, vigb_rd32(ad, VIGB_ICR));
	vigb_wr32(ad, VIGB_EIMS, BIT(0));
	return IRQ_HANDLED;
}

irqreturn_t vigb_irq_queue(int irq, void *data)
{
	struct vigb_qvec *qv = data;

	napi_schedule_irqoff(&qv->napi);
	return IRQ_HANDLED;
}

static irqreturn_t vigb_intr_single(int irq, void *data)
{
	struct vigb_adapter *ad = data;
	u32 icr = vigb_rd32(ad, VIGB_ICR);

	if (!ad->pdev->msi_enabled && !(icr & VIGB_ICR_ASSERTED))
		return IRQ_NONE;
	vigb_other_causes(ad, icr);
	if (!test_bit(VIGB_DOWN, &ad->state))
		napi_schedule_irqoff(&ad->qvec[0].napi);
	else
		vigb_wr32(ad, VIGB_IMS, VIGB_IMS_OTHER);
	return IRQ_HANDLED;
}

/*
 * One NAPI round over a vector's rings. True when NAPI completed and the
 * vector may be unmasked again; *work is what poll returns.
 */
bool vigb_qvec_clean(struct vigb_qvec *qv, int budget, int *work)
{
	bool tx_done = vigb_tx_clean(qv->tx, budget);
	int rx = vigb_rx_clean(qv->rx, budget);

	if (!tx_done || rx >= budget) {
		*work = budget;
		return false;
	}
	*work = min(rx, budget - 1);
	return napi_complete_done(&qv->napi, rx);
}

static int vigb_poll(struct napi_struct *napi, int budget)
{
	struct vigb_qvec *qv = container_of(napi, struct vigb_qvec, napi);
	struct vigb_adapter *ad = qv->ad;
	int work;

	if (vigb_qvec_clean(qv, budget, &work) &&
	    !test_bit(VIGB_DOWN, &ad->state)) {
		if (ad->msix)
			vigb_wr32(ad, VIGB_EIMS, qv->eims);
		else
			vigb_wr32(ad, VIGB_IMS, VIGB_IMS_SINGLE);
	}
	return work;
}

/* Vectors are allocated once per probe: "other", then one per queue pair. */
int vigb_irq_init(struct vigb_adapter *ad)
{
	struct pci_dev *pdev = ad->pdev;
	unsigned int i;
	int n;

	n = pci_alloc_irq_vectors(pdev, 2, 1 + VIGB_POOLS, PCI_IRQ_MSIX);
	if (n > 0) {
		ad->msix = true;
	} else {
		pci_info(pdev, "no MSI-X (%d), falling back to one vector\n", n);
		n = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX);
		if (n < 0)
			return n;
		ad->msix = false;
	}
	ad->num_vectors = n;
	ad->misc_irq = pci_irq_vector(pdev, 0);
	for (i = 0; i < VIGB_MAX_QUEUE_PAIRS; i++) {
		struct vigb_qvec *qv = &ad->qvec[i];

		qv->ad = ad;
		qv->tx = &ad->tx_ring[i];
		qv->rx = &ad->rx_ring[i];
		qv->tx->qvec = qv;
		qv->rx->qvec = qv;
		qv->eims = ad->msix ? BIT(i + 1) : 0;
		qv->irq = ad->msix && i + 1 < n ? pci_irq_vector(pdev, i + 1) : 0;
		netif_napi_add(ad->netdev, &qv->napi, vigb_poll);
	}
	return 0;
}

void vigb_irq_fini(struct vigb_adapter *ad)
{
	unsigned int i;

	for (i = 0; i < VIGB_MAX_QUEUE_PAIRS; i++)
		netif_napi_del(&ad->qvec[i].napi);
	pci_free_irq_vectors(ad->pdev);
}

/* Queue pairs the vectors can serve. */
unsigned int vigb_irq_max_qp(struct vigb_adapter *ad)
{
	return ad->msix ? min(ad->num_vectors - 1, VIGB_MAX_QUEUE_PAIRS) : 1;
}

/*
 * The "other" vector (or the only one) lives as long as the device is
 * bound: link changes are seen while the interface is down.
 */
int vigb_irq_request_misc(struct vigb_adapter *ad)
{
	if (!ad->msix) {
		snprintf(ad->misc_name, sizeof(ad->misc_name), "%s",
			 pci_name(ad->pdev));
		return request_irq(ad->misc_irq, vigb_intr_single,
				   ad->pdev->msi_enabled ? 0 : IRQF_SHARED,
				   ad->misc_name, ad);
	}
	snprintf(ad->misc_name, sizeof(ad->misc_name), "%s-other",
		 pci_name(ad->pdev));
	return request_irq(ad->misc_irq, vigb_msix_other, 0, ad->misc_name, ad);
}

void vigb_irq_release_misc(struct vigb_adapter *ad)
{
	free_irq(ad->misc_irq, ad);
}

int vigb_irq_request(struct vigb_adapter *ad)
{
	unsigned int i;
	int err;

	if (!ad->msix)
		return 0;
	for (i = 0; i < ad->num_qp; i++) {
		struct vigb_qvec *qv = &ad->qvec[i];

		snprintf(qv->name, sizeof(qv->name), "%s-TxRx-%u",
			 ad->netdev->name, i);
		err = request_irq(qv->irq, vigb_irq_queue, 0, qv->name, qv);
		if (err)
			goto err;
	}
	return 0;
err:
	while (i--)
		free_irq(ad->qvec[i].irq, &ad->qvec[i]);
	return err;
}

void vigb_irq_release(struct vigb_adapter *ad)
{
	unsigned int i;

	if (!ad->msix)
		return;
	for (i = 0; i < ad->num_qp; i++)
		free_irq(ad->qvec[i].irq, &ad->qvec[i]);
}

static void vigb_write_ivar(struct vigb_adapter *ad, u8 queue, bool tx, u8 vec)
{
	unsigned int shift = ((queue & 8) ? 16 : 0) + (tx ? 8 : 0);
	u32 reg = VIGB_IVAR0 + 4 * (queue & 7);
	u32 v = vigb_rd32(ad, reg);

	v &= ~(0xffu << shift);
	v |= (u32)(vec | VIGB_IVAR_VALID) << shift;
	vigb_wr32(ad, reg, v);
}

/* Per-cause vectors, the "other" causes on vector 0. */
static void vigb_irq_msix_mode(struct vigb_adapter *ad)
{
	vigb_wr32(ad, VIGB_GPIE, VIGB_GPIE_MSIX_MODE | VIGB_GPIE_PBA |
		  VIGB_GPIE_EIAME | VIGB_GPIE_NSICR);
	vigb_wr32(ad, VIGB_IVAR_MISC, (u32)(0 | VIGB_IVAR_VALID) << 8);
}

/* Route causes to vectors; the hardware must have been reset first. */
void vigb_irq_configure(struct vigb_adapter *ad)
{
	unsigned int i;

	if (!ad->msix) {
		vigb_wr32(ad, VIGB_GPIE, 0);
		return;
	}
	for (i = 0; i < ad->num_qp; i++)
		vigb_irq_route_queue(ad, ad->rx_ring[i].reg, i + 1);
}

/*
 * Both causes of a queue pair to one vector, at the default rate. A pool
 * may start while the PF is down, so MSI-X mode is (re)set here too.
 */
void vigb_irq_route_queue(struct vigb_adapter *ad, u8 queue, u8 vec)
{
	vigb_irq_msix_mode(ad);
	vigb_write_ivar(ad, queue, false, vec);
	vigb_write_ivar(ad, queue, true, vec);
	vigb_wr32(ad, VIGB_EITR(vec), VIGB_ITR_DEFAULT | VIGB_EITR_CNT_IGNR);
}

static u32 vigb_eims_all(struct vigb_adapter *ad)
{
	return GENMASK(ad->num_qp, 0);
}

/* The "other" causes: on whenever the device is bound. */
void vigb_irq_enable_misc(struct vigb_adapter *ad)
{
	u32 ims = VIGB_IMS_OTHER;

	if (!ad->msix) {
		vigb_wr32(ad, VIGB_IAM, 0);
		vigb_wr32(ad, VIGB_IMS, ims);
		return;
	}
	vigb_wr32(ad, VIGB_EIAC, vigb_rd32(ad, VIGB_EIAC) | BIT(0));
	vigb_wr32(ad, VIGB_EIAM, vigb_rd32(ad, VIGB_EIAM) | BIT(0));
	vigb_wr32(ad, VIGB_EIMS, BIT(0));
	vigb_wr32(ad, VIGB_IMS, ims);
}

/* Queue vectors clear and mask themselves when they fire. */
void vigb_irq_unmask(struct vigb_adapter *ad, u32 eims)
{
	vigb_wr32(ad, VIGB_EIAC, vigb_rd32(ad, VIGB_EIAC) | eims);
	vigb_wr32(ad, VIGB_EIAM, vigb_rd32(ad, VIGB_EIAM) | eims);
	vigb_wr32(ad, VIGB_EIMS, eims);
}

void vigb_irq_enable(struct vigb_adapter *ad)
{
	if (!ad->msix) {
		vigb_wr32(ad, VIGB_IMS, VIGB_IMS_SINGLE);
		return;
	}
	vigb_irq_unmask(ad, vigb_eims_all(ad));
}

/* Mask the queue vectors and wait out handlers already running. */
void vigb_irq_disable(struct vigb_adapter *ad)
{
	unsigned int i;

	if (ad->msix) {
		vigb_wr32(ad, VIGB_EIMC, vigb_eims_all(ad) & ~BIT(0));
		vigb_flush(ad);
		for (i = 0; i < ad->num_qp; i++)
			synchronize_irq(ad->qvec[i].irq);
		return;
	}
	vigb_wr32(ad, VIGB_IMC, VIGB_IMS_SINGLE & ~VIGB_IMS_OTHER);
	vigb_flush(ad);
	synchronize_irq(ad->misc_irq);
}
