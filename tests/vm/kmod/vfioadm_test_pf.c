// SPDX-License-Identifier: GPL-2.0
/*
 * A test PF driver for vfioadm's real-kernel tests of VF provisioning (#14). QEMU 7.2 has no
 * SR-IOV NIC, so this driver takes any SR-IOV PF it is given by driver_override (the emulated
 * nvme PF) and makes it look like one to the kernel's interfaces:
 *   - sriov_configure enables the VFs;
 *   - a netdev (under the PF's sysfs node) implements the rtnetlink VF ops (ndo_set_vf_*,
 *     ndo_get_vf_config), so IFLA_VFINFO_LIST and RTM_SETLINK go through the kernel's real path;
 *   - a devlink instance on the PF with a PCI_VF port per VF and port-function ops (hw_addr,
 *     roce, migratable, max_io_eqs, state). As for mlx5, migratable and roce can only be changed while
 *     the VF has no driver (-EBUSY with the reason in extack).
 * vfioadm_test_pf_vf_migratable() tells the test variant driver whether a VF was provisioned.
 * The devlink port-function ops are those of 6.12; older kernels build an empty module.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/version.h>
#include <net/devlink.h>

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)

#define TPF_MAX_VFS 8

struct tpf_vf {
	struct devlink_port port;
	bool port_registered;
	u8 mac[ETH_ALEN];
	u16 vlan;
	u8 qos;
	__be16 vlan_proto;
	bool spoofchk, trusted, rss_query;
	int link_state;
	int min_tx_rate, max_tx_rate;
	u8 hw_addr[ETH_ALEN];
	bool roce, migratable, active;
	u32 max_io_eqs;
};

struct tpf {
	struct pci_dev *pdev;
	struct net_device *netdev;
	struct devlink *devlink;
	int num_vfs;
	struct tpf_vf vf[TPF_MAX_VFS];
};

static DEFINE_MUTEX(tpf_lock); /* the PFs bound, for vfioadm_test_pf_vf_migratable() */
static struct tpf *tpf_all[4];

/* ---- rtnetlink VF ops ---- */

static struct tpf *net_tpf(struct net_device *dev)
{
	return *(struct tpf **)netdev_priv(dev);
}

static struct tpf_vf *net_vf(struct net_device *dev, int vf)
{
	struct tpf *t = net_tpf(dev);

	return vf >= 0 && vf < t->num_vfs ? &t->vf[vf] : NULL;
}

static int tpf_set_vf_mac(struct net_device *dev, int vf, u8 *mac)
{
	struct tpf_vf *v = net_vf(dev, vf);

	if (!v)
		return -EINVAL;
	if (is_multicast_ether_addr(mac))
		return -EINVAL;
	ether_addr_copy(v->mac, mac);
	return 0;
}

static int tpf_set_vf_vlan(struct net_device *dev, int vf, u16 vlan, u8 qos, __be16 proto)
{
	struct tpf_vf *v = net_vf(dev, vf);

	if (!v || vlan > 4095 || qos > 7)
		return -EINVAL;
	v->vlan = vlan;
	v->qos = qos;
	v->vlan_proto = proto;
	return 0;
}

static int tpf_set_vf_rate(struct net_device *dev, int vf, int min, int max)
{
	struct tpf_vf *v = net_vf(dev, vf);

	if (!v)
		return -EINVAL;
	v->min_tx_rate = min;
	v->max_tx_rate = max;
	return 0;
}

static int tpf_set_vf_spoofchk(struct net_device *dev, int vf, bool on)
{
	struct tpf_vf *v = net_vf(dev, vf);

	if (!v)
		return -EINVAL;
	v->spoofchk = on;
	return 0;
}

static int tpf_set_vf_trust(struct net_device *dev, int vf, bool on)
{
	struct tpf_vf *v = net_vf(dev, vf);

	if (!v)
		return -EINVAL;
	v->trusted = on;
	return 0;
}

static int tpf_set_vf_link_state(struct net_device *dev, int vf, int state)
{
	struct tpf_vf *v = net_vf(dev, vf);

	if (!v)
		return -EINVAL;
	v->link_state = state;
	return 0;
}

static int tpf_set_vf_rss_query_en(struct net_device *dev, int vf, bool on)
{
	struct tpf_vf *v = net_vf(dev, vf);

	if (!v)
		return -EINVAL;
	v->rss_query = on;
	return 0;
}

static int tpf_get_vf_config(struct net_device *dev, int vf, struct ifla_vf_info *ivi)
{
	struct tpf_vf *v = net_vf(dev, vf);

	if (!v)
		return -EINVAL;
	ivi->vf = vf;
	ether_addr_copy(ivi->mac, v->mac);
	ivi->vlan = v->vlan;
	ivi->qos = v->qos;
	ivi->vlan_proto = v->vlan_proto;
	ivi->spoofchk = v->spoofchk;
	ivi->trusted = v->trusted;
	ivi->linkstate = v->link_state;
	ivi->min_tx_rate = v->min_tx_rate;
	ivi->max_tx_rate = v->max_tx_rate;
	ivi->rss_query_en = v->rss_query;
	return 0;
}

static netdev_tx_t tpf_xmit(struct sk_buff *skb, struct net_device *dev)
{
	dev_kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops tpf_netdev_ops = {
	.ndo_start_xmit = tpf_xmit,
	.ndo_set_vf_mac = tpf_set_vf_mac,
	.ndo_set_vf_vlan = tpf_set_vf_vlan,
	.ndo_set_vf_rate = tpf_set_vf_rate,
	.ndo_set_vf_spoofchk = tpf_set_vf_spoofchk,
	.ndo_set_vf_trust = tpf_set_vf_trust,
	.ndo_set_vf_link_state = tpf_set_vf_link_state,
	.ndo_set_vf_rss_query_en = tpf_set_vf_rss_query_en,
	.ndo_get_vf_config = tpf_get_vf_config,
};

/* ---- devlink port functions ---- */

static struct tpf_vf *port_vf(struct devlink_port *port)
{
	return container_of(port, struct tpf_vf, port);
}

static struct pci_dev *vf_pdev(struct devlink_port *port)
{
	struct tpf *t = devlink_priv(port->devlink);
	int i = port_vf(port) - t->vf;
	struct pci_dev *d = NULL;

	/* pci_iov_virtfn_bus() is not exported: find the VF among the PF vendor's functions */
	while ((d = pci_get_device(t->pdev->vendor, PCI_ANY_ID, d)))
		if (d->is_virtfn && pci_physfn(d) == t->pdev && pci_iov_vf_id(d) == i)
			return d;
	return NULL;
}

/* as for mlx5: a VF's capabilities are fixed while a driver has it */
static int vf_unbound(struct devlink_port *port, struct netlink_ext_ack *extack)
{
	struct pci_dev *vf = vf_pdev(port);
	bool bound = vf && vf->dev.driver;

	pci_dev_put(vf);
	if (bound) {
		NL_SET_ERR_MSG_MOD(extack, "the VF has a driver: unbind it before changing its capabilities");
		return -EBUSY;
	}
	return 0;
}

static int tpf_hw_addr_get(struct devlink_port *port, u8 *hw_addr, int *len, struct netlink_ext_ack *extack)
{
	ether_addr_copy(hw_addr, port_vf(port)->hw_addr);
	*len = ETH_ALEN;
	return 0;
}

static int tpf_hw_addr_set(struct devlink_port *port, const u8 *hw_addr, int len, struct netlink_ext_ack *extack)
{
	if (len != ETH_ALEN || is_multicast_ether_addr(hw_addr)) {
		NL_SET_ERR_MSG_MOD(extack, "not a unicast Ethernet address");
		return -EINVAL;
	}
	ether_addr_copy(port_vf(port)->hw_addr, hw_addr);
	return 0;
}

static int tpf_roce_get(struct devlink_port *port, bool *on, struct netlink_ext_ack *extack)
{
	*on = port_vf(port)->roce;
	return 0;
}

static int tpf_roce_set(struct devlink_port *port, bool on, struct netlink_ext_ack *extack)
{
	int ret = vf_unbound(port, extack);

	if (!ret)
		port_vf(port)->roce = on;
	return ret;
}

static int tpf_migratable_get(struct devlink_port *port, bool *on, struct netlink_ext_ack *extack)
{
	*on = port_vf(port)->migratable;
	return 0;
}

static int tpf_migratable_set(struct devlink_port *port, bool on, struct netlink_ext_ack *extack)
{
	int ret = vf_unbound(port, extack);

	if (!ret)
		port_vf(port)->migratable = on;
	return ret;
}

static int tpf_max_io_eqs_get(struct devlink_port *port, u32 *n, struct netlink_ext_ack *extack)
{
	*n = port_vf(port)->max_io_eqs;
	return 0;
}

static int tpf_max_io_eqs_set(struct devlink_port *port, u32 n, struct netlink_ext_ack *extack)
{
	if (n > 64) { /* a refusal with the kernel's reason, for the rollback tests */
		NL_SET_ERR_MSG_MOD(extack, "at most 64 event queues per VF");
		return -EINVAL;
	}
	port_vf(port)->max_io_eqs = n;
	return 0;
}

static int tpf_state_get(struct devlink_port *port, enum devlink_port_fn_state *state,
			 enum devlink_port_fn_opstate *opstate, struct netlink_ext_ack *extack)
{
	*state = port_vf(port)->active ? DEVLINK_PORT_FN_STATE_ACTIVE : DEVLINK_PORT_FN_STATE_INACTIVE;
	*opstate = port_vf(port)->active ? DEVLINK_PORT_FN_OPSTATE_ATTACHED : DEVLINK_PORT_FN_OPSTATE_DETACHED;
	return 0;
}

static int tpf_state_set(struct devlink_port *port, enum devlink_port_fn_state state, struct netlink_ext_ack *extack)
{
	port_vf(port)->active = state == DEVLINK_PORT_FN_STATE_ACTIVE;
	return 0;
}

static const struct devlink_port_ops tpf_port_ops = {
	.port_fn_state_get = tpf_state_get,
	.port_fn_state_set = tpf_state_set,
	.port_fn_hw_addr_get = tpf_hw_addr_get,
	.port_fn_hw_addr_set = tpf_hw_addr_set,
	.port_fn_roce_get = tpf_roce_get,
	.port_fn_roce_set = tpf_roce_set,
	.port_fn_migratable_get = tpf_migratable_get,
	.port_fn_migratable_set = tpf_migratable_set,
	.port_fn_max_io_eqs_get = tpf_max_io_eqs_get,
	.port_fn_max_io_eqs_set = tpf_max_io_eqs_set,
};

static const struct devlink_ops tpf_devlink_ops = {};

static void tpf_ports_del(struct tpf *t)
{
	devl_lock(t->devlink);
	for (int i = 0; i < TPF_MAX_VFS; i++) {
		if (t->vf[i].port_registered)
			devl_port_unregister(&t->vf[i].port);
		t->vf[i].port_registered = false;
	}
	devl_unlock(t->devlink);
}

static int tpf_ports_add(struct tpf *t, int n)
{
	int ret = 0;

	devl_lock(t->devlink);
	for (int i = 0; i < n && !ret; i++) {
		struct tpf_vf *v = &t->vf[i];

		memset(v, 0, sizeof(*v));
		v->spoofchk = true;
		v->vlan_proto = htons(ETH_P_8021Q);
		devlink_port_attrs_pci_vf_set(&v->port, 0, 0, i, false);
		ret = devl_port_register_with_ops(t->devlink, &v->port, i + 1, &tpf_port_ops);
		v->port_registered = !ret;
	}
	devl_unlock(t->devlink);
	if (ret)
		tpf_ports_del(t);
	return ret;
}

/* ---- the PCI driver ---- */

static int tpf_sriov_configure(struct pci_dev *pdev, int n)
{
	struct tpf *t = devlink_priv(pci_get_drvdata(pdev));
	int ret;

	if (n > TPF_MAX_VFS)
		return -ERANGE;
	if (n == 0) {
		pci_disable_sriov(pdev);
		tpf_ports_del(t);
		t->num_vfs = 0;
		return 0;
	}
	ret = tpf_ports_add(t, n);
	if (ret)
		return ret;
	t->num_vfs = n;
	ret = pci_enable_sriov(pdev, n);
	if (ret) {
		t->num_vfs = 0;
		tpf_ports_del(t);
		return ret;
	}
	return n;
}

static int tpf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct devlink *dl;
	struct tpf *t;
	int ret;

	if (!pdev->is_physfn)
		return -ENODEV;
	dl = devlink_alloc(&tpf_devlink_ops, sizeof(*t), &pdev->dev);
	if (!dl)
		return -ENOMEM;
	t = devlink_priv(dl);
	t->pdev = pdev;
	t->devlink = dl;
	t->netdev = alloc_etherdev(sizeof(struct tpf *));
	if (!t->netdev) {
		devlink_free(dl);
		return -ENOMEM;
	}
	*(struct tpf **)netdev_priv(t->netdev) = t;
	t->netdev->netdev_ops = &tpf_netdev_ops;
	SET_NETDEV_DEV(t->netdev, &pdev->dev);
	eth_hw_addr_random(t->netdev);
	ret = register_netdev(t->netdev);
	if (ret) {
		free_netdev(t->netdev);
		devlink_free(dl);
		return ret;
	}
	pci_set_drvdata(pdev, dl);
	devlink_register(dl);
	mutex_lock(&tpf_lock);
	for (int i = 0; i < ARRAY_SIZE(tpf_all); i++)
		if (!tpf_all[i]) {
			tpf_all[i] = t;
			break;
		}
	mutex_unlock(&tpf_lock);
	return 0;
}

static void tpf_remove(struct pci_dev *pdev)
{
	struct devlink *dl = pci_get_drvdata(pdev);
	struct tpf *t = devlink_priv(dl);

	mutex_lock(&tpf_lock);
	for (int i = 0; i < ARRAY_SIZE(tpf_all); i++)
		if (tpf_all[i] == t)
			tpf_all[i] = NULL;
	mutex_unlock(&tpf_lock);
	pci_disable_sriov(pdev);
	devlink_unregister(dl);
	tpf_ports_del(t);
	unregister_netdev(t->netdev);
	free_netdev(t->netdev);
	devlink_free(dl);
}

/* Was VF @vf provisioned migratable on its PF (by devlink)? false when its PF is not ours. */
bool vfioadm_test_pf_vf_migratable(struct pci_dev *vf);
bool vfioadm_test_pf_vf_migratable(struct pci_dev *vf)
{
	struct pci_dev *pf = pci_physfn(vf);
	int idx = pci_iov_vf_id(vf);
	bool on = false;

	mutex_lock(&tpf_lock);
	for (int i = 0; i < ARRAY_SIZE(tpf_all); i++)
		if (tpf_all[i] && tpf_all[i]->pdev == pf && idx >= 0 && idx < tpf_all[i]->num_vfs)
			on = tpf_all[i]->vf[idx].migratable;
	mutex_unlock(&tpf_lock);
	return on;
}
EXPORT_SYMBOL_GPL(vfioadm_test_pf_vf_migratable);

/* no ids: it takes only what driver_override gives it */
static const struct pci_device_id tpf_ids[] = { {} };
MODULE_DEVICE_TABLE(pci, tpf_ids);

static struct pci_driver tpf_driver = {
	.name = "vfioadm-test-pf",
	.id_table = tpf_ids,
	.probe = tpf_probe,
	.remove = tpf_remove,
	.sriov_configure = tpf_sriov_configure,
};
module_pci_driver(tpf_driver);

#else /* before 6.12: no devlink_port_ops; nothing to test there */
static int __init tpf_init(void)
{
	return -EOPNOTSUPP;
}
module_init(tpf_init);
#endif

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfioadm test PF: SR-IOV with rtnetlink VF ops and devlink port functions");
