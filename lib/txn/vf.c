/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A VF's provisioning attributes, read and changed where the kernel keeps them: rtnetlink VF
 * attributes of the PF's netdev (IFLA_VFINFO_LIST, RTM_SETLINK) and the port function of the
 * VF's devlink port on the PF (DEVLINK_CMD_PORT_GET/SET), the port found by its PCI VF number.
 * No ip or devlink subprocess: their answers, extack included, come straight from the kernel.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/devlink.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>

#include "txn/txn.h"

/* newer than bookworm's uapi headers (6.1): the kernel's own numbers */
#define PORT_FN_ATTR_CAPS 4       /* DEVLINK_PORT_FN_ATTR_CAPS, bitfield32 */
#define PORT_FN_ATTR_MAX_IO_EQS 6 /* DEVLINK_PORT_FN_ATTR_MAX_IO_EQS, u32 */
#define CAP_ROCE (1u << 0)
#define CAP_MIGRATABLE (1u << 1)
#define CAP_IPSEC_CRYPTO (1u << 2)
#define CAP_IPSEC_PACKET (1u << 3)

static const struct { unsigned attr, cap; } caps[] = {
	{ VFIOADM_VF_ROCE, CAP_ROCE }, { VFIOADM_VF_MIGRATABLE, CAP_MIGRATABLE },
	{ VFIOADM_VF_IPSEC_CRYPTO, CAP_IPSEC_CRYPTO }, { VFIOADM_VF_IPSEC_PACKET, CAP_IPSEC_PACKET },
};

static bool *cap_field(struct vfioadm_vf_attrs *a, unsigned attr)
{
	return attr == VFIOADM_VF_ROCE ? &a->roce : attr == VFIOADM_VF_MIGRATABLE ? &a->migratable
	       : attr == VFIOADM_VF_IPSEC_CRYPTO ? &a->ipsec_crypto : &a->ipsec_packet;
}

/* ---- the PF's netdev ---- */

/* The ifindex of the PF's netdev (the first by name, if it has several): >0, -ENODEV */
static int pf_ifindex(struct vfioadm_ctx *ctx, const char *pf, char name[VFIOADM_NAME_MAX])
{
	char path[96];
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/net", pf);
	DIR *d;
	if (root_opendir(ctx, path, &d) < 0)
		return -ENODEV;
	char best[VFIOADM_NAME_MAX] = "";
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.' && strlen(e->d_name) < sizeof(best) && (!best[0] || strcmp(e->d_name, best) < 0))
			strcpy(best, e->d_name);
	long idx = -1;
	_cleanup_close_ int nfd = best[0] ? openat(dirfd(d), best, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	closedir(d);
	if (nfd < 0 || attr_read_long(nfd, "ifindex", 10, &idx) < 0 || idx <= 0 || idx > INT32_MAX)
		return -ENODEV;
	strcpy(name, best);
	return (int)idx;
}

/* ---- rtnetlink: read ---- */

struct vf_read {
	unsigned want;
	struct vfioadm_vf_attrs *a;
	bool found;
};

static int vf_info_attr(const struct nlattr *at, void *data)
{
	struct vf_read *v = data;
	struct vfioadm_vf_attrs *a = v->a;
	size_t len = mnl_attr_get_payload_len(at);
	const void *p = mnl_attr_get_payload(at);
	switch (mnl_attr_get_type(at)) {
	case IFLA_VF_MAC: {
		const struct ifla_vf_mac *m = p;
		if (len < sizeof(*m) || m->vf != v->want)
			break;
		v->found = true;
		memcpy(a->mac, m->mac, 6);
		a->set |= VFIOADM_VF_MAC;
		break;
	}
	case IFLA_VF_VLAN: {
		const struct ifla_vf_vlan *m = p;
		if (len < sizeof(*m) || m->vf != v->want || (a->set & VFIOADM_VF_VLAN))
			break;
		a->vlan = (uint16_t)m->vlan;
		a->qos = (uint8_t)m->qos;
		a->vlan_proto = 0x8100;
		a->set |= VFIOADM_VF_VLAN;
		break;
	}
	case IFLA_VF_TRUST: case IFLA_VF_SPOOFCHK: case IFLA_VF_RSS_QUERY_EN: {
		const struct ifla_vf_trust *m = p; /* the three share the layout {vf, setting} */
		if (len < sizeof(*m) || m->vf != v->want || m->setting == (uint32_t)-1)
			break; /* -1: the driver does not say */
		unsigned bit = mnl_attr_get_type(at) == IFLA_VF_TRUST ? VFIOADM_VF_TRUST
			       : mnl_attr_get_type(at) == IFLA_VF_SPOOFCHK ? VFIOADM_VF_SPOOFCHK : VFIOADM_VF_QUERY_RSS;
		bool *f = bit == VFIOADM_VF_TRUST ? &a->trust : bit == VFIOADM_VF_SPOOFCHK ? &a->spoofchk : &a->query_rss;
		*f = m->setting != 0;
		a->set |= bit;
		break;
	}
	case IFLA_VF_LINK_STATE: {
		const struct ifla_vf_link_state *m = p;
		if (len < sizeof(*m) || m->vf != v->want || m->link_state > 2)
			break;
		a->link_state = (uint8_t)m->link_state;
		a->set |= VFIOADM_VF_LINK_STATE;
		break;
	}
	case IFLA_VF_RATE: {
		const struct ifla_vf_rate *m = p;
		if (len < sizeof(*m) || m->vf != v->want)
			break;
		a->min_tx_rate = m->min_tx_rate;
		a->max_tx_rate = m->max_tx_rate;
		a->set |= VFIOADM_VF_MIN_TX_RATE | VFIOADM_VF_MAX_TX_RATE;
		break;
	}
	}
	return MNL_CB_OK;
}

static int vf_list_attr(const struct nlattr *at, void *data)
{
	if (mnl_attr_get_type(at) == IFLA_VF_INFO)
		mnl_attr_parse_nested(at, vf_info_attr, data);
	return MNL_CB_OK;
}

/* the 802.1ad protocol is only in the VLAN list */
static int vlan_list_attr(const struct nlattr *at, void *data)
{
	struct vf_read *v = data;
	const struct ifla_vf_vlan_info *m = mnl_attr_get_payload(at);
	if (mnl_attr_get_type(at) == IFLA_VF_VLAN_INFO && mnl_attr_get_payload_len(at) >= sizeof(*m) &&
	    m->vf == v->want) {
		v->a->vlan = (uint16_t)m->vlan;
		v->a->qos = (uint8_t)m->qos;
		v->a->vlan_proto = ntohs(m->vlan_proto);
		v->a->set |= VFIOADM_VF_VLAN;
	}
	return MNL_CB_OK;
}

static int vf_info_vlans(const struct nlattr *at, void *data)
{
	if (mnl_attr_get_type(at) == IFLA_VF_VLAN_LIST)
		mnl_attr_parse_nested(at, vlan_list_attr, data);
	return MNL_CB_OK;
}

static int vf_list_vlans(const struct nlattr *at, void *data)
{
	if (mnl_attr_get_type(at) == IFLA_VF_INFO)
		mnl_attr_parse_nested(at, vf_info_vlans, data);
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *at, void *data)
{
	if (mnl_attr_get_type(at) == IFLA_VFINFO_LIST) {
		mnl_attr_parse_nested(at, vf_list_vlans, data); /* first: it wins over IFLA_VF_VLAN */
		mnl_attr_parse_nested(at, vf_list_attr, data);
	}
	return MNL_CB_OK;
}

static int link_reply(const struct nlmsghdr *h, void *data)
{
	if (h->nlmsg_type == RTM_NEWLINK)
		mnl_attr_parse(h, sizeof(struct ifinfomsg), link_attr, data);
	return 0;
}

static int rtnl_get(int ifindex, unsigned vf, struct vfioadm_vf_attrs *a, bool *found, char *why, size_t size)
{
	struct nl *n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	int r = nl_open(n, NETLINK_ROUTE);
	if (r == 0) {
		struct nlmsghdr *h = nl_request(n, RTM_GETLINK, 0);
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
		ifi->ifi_index = ifindex;
		mnl_attr_put_u32(h, IFLA_EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
		struct vf_read v = { .want = vf, .a = a };
		r = nl_talk(n, h, link_reply, &v, why, size);
		*found = v.found;
	}
	nl_close(n);
	free(n);
	return r;
}

/* ---- rtnetlink: change ---- */

static void put_vf_attrs(struct nlmsghdr *h, unsigned vf, const struct vfioadm_vf_attrs *w)
{
	struct nlattr *list = mnl_attr_nest_start(h, IFLA_VFINFO_LIST);
	struct nlattr *info = mnl_attr_nest_start(h, IFLA_VF_INFO);
	if (w->set & VFIOADM_VF_MAC) {
		struct ifla_vf_mac m = { .vf = vf };
		memcpy(m.mac, w->mac, 6);
		mnl_attr_put(h, IFLA_VF_MAC, sizeof(m), &m);
	}
	if (w->set & VFIOADM_VF_VLAN) {
		struct nlattr *vl = mnl_attr_nest_start(h, IFLA_VF_VLAN_LIST);
		struct ifla_vf_vlan_info m = { .vf = vf, .vlan = w->vlan, .qos = w->qos,
					       .vlan_proto = htons(w->vlan_proto ? w->vlan_proto : 0x8100) };
		mnl_attr_put(h, IFLA_VF_VLAN_INFO, sizeof(m), &m);
		mnl_attr_nest_end(h, vl);
	}
	const struct { unsigned bit; uint16_t type; bool on; } flags[] = {
		{ VFIOADM_VF_TRUST, IFLA_VF_TRUST, w->trust },
		{ VFIOADM_VF_SPOOFCHK, IFLA_VF_SPOOFCHK, w->spoofchk },
		{ VFIOADM_VF_QUERY_RSS, IFLA_VF_RSS_QUERY_EN, w->query_rss },
	};
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (w->set & flags[i].bit) {
			struct ifla_vf_trust m = { .vf = vf, .setting = flags[i].on };
			mnl_attr_put(h, flags[i].type, sizeof(m), &m);
		}
	if (w->set & VFIOADM_VF_LINK_STATE) {
		struct ifla_vf_link_state m = { .vf = vf, .link_state = w->link_state };
		mnl_attr_put(h, IFLA_VF_LINK_STATE, sizeof(m), &m);
	}
	if (w->set & (VFIOADM_VF_MIN_TX_RATE | VFIOADM_VF_MAX_TX_RATE)) {
		struct ifla_vf_rate m = { .vf = vf, .min_tx_rate = w->min_tx_rate, .max_tx_rate = w->max_tx_rate };
		mnl_attr_put(h, IFLA_VF_RATE, sizeof(m), &m);
	}
	mnl_attr_nest_end(h, info);
	mnl_attr_nest_end(h, list);
}

static int rtnl_set(int ifindex, unsigned vf, const struct vfioadm_vf_attrs *w, char *why, size_t size)
{
	struct nl *n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	int r = nl_open(n, NETLINK_ROUTE);
	if (r == 0) {
		struct nlmsghdr *h = nl_request(n, RTM_SETLINK, 0);
		struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));
		ifi->ifi_index = ifindex;
		put_vf_attrs(h, vf, w);
		r = nl_talk(n, h, NULL, NULL, why, size);
	}
	nl_close(n);
	free(n);
	return r;
}

/* ---- devlink: the VF's port ---- */

struct port_read {
	const char *pf;
	unsigned want;
	uint32_t index;                  /* the port found, when found */
	bool found;
	struct vfioadm_vf_attrs *a;
};

struct port_attrs {
	const char *bus, *dev;
	uint32_t index;
	uint16_t flavour, vf;
	bool has_index, has_flavour, has_vf;
	const struct nlattr *fn;
};

static int port_attr(const struct nlattr *at, void *data)
{
	struct port_attrs *p = data;
	switch (mnl_attr_get_type(at)) {
	case DEVLINK_ATTR_BUS_NAME:
		if (mnl_attr_validate(at, MNL_TYPE_NUL_STRING) == 0)
			p->bus = mnl_attr_get_str(at);
		break;
	case DEVLINK_ATTR_DEV_NAME:
		if (mnl_attr_validate(at, MNL_TYPE_NUL_STRING) == 0)
			p->dev = mnl_attr_get_str(at);
		break;
	case DEVLINK_ATTR_PORT_INDEX:
		if ((p->has_index = mnl_attr_validate(at, MNL_TYPE_U32) == 0))
			p->index = mnl_attr_get_u32(at);
		break;
	case DEVLINK_ATTR_PORT_FLAVOUR:
		if ((p->has_flavour = mnl_attr_validate(at, MNL_TYPE_U16) == 0))
			p->flavour = mnl_attr_get_u16(at);
		break;
	case DEVLINK_ATTR_PORT_PCI_VF_NUMBER:
		if ((p->has_vf = mnl_attr_validate(at, MNL_TYPE_U16) == 0))
			p->vf = mnl_attr_get_u16(at);
		break;
	case DEVLINK_ATTR_PORT_FUNCTION:
		p->fn = at;
		break;
	}
	return MNL_CB_OK;
}

static int fn_attr(const struct nlattr *at, void *data)
{
	struct vfioadm_vf_attrs *a = data;
	size_t len = mnl_attr_get_payload_len(at);
	switch (mnl_attr_get_type(at)) {
	case DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR:
		if (len == 6) {
			memcpy(a->hw_addr, mnl_attr_get_payload(at), 6);
			a->set |= VFIOADM_VF_HW_ADDR;
		}
		break;
	case PORT_FN_ATTR_CAPS: {
		const uint32_t *bf = mnl_attr_get_payload(at); /* struct nla_bitfield32 {value, selector} */
		if (len < 2 * sizeof(uint32_t))
			break;
		for (size_t i = 0; i < ARRAY_SIZE(caps); i++)
			if (bf[1] & caps[i].cap) { /* selected: the driver reports it */
				*cap_field(a, caps[i].attr) = (bf[0] & caps[i].cap) != 0;
				a->set |= caps[i].attr;
			}
		break;
	}
	case PORT_FN_ATTR_MAX_IO_EQS:
		if (mnl_attr_validate(at, MNL_TYPE_U32) == 0) {
			a->max_io_eqs = mnl_attr_get_u32(at);
			a->set |= VFIOADM_VF_MAX_IO_EQS;
		}
		break;
	case DEVLINK_PORT_FN_ATTR_STATE:
		if (mnl_attr_validate(at, MNL_TYPE_U8) == 0) {
			a->state = mnl_attr_get_u8(at) == DEVLINK_PORT_FN_STATE_ACTIVE;
			a->set |= VFIOADM_VF_STATE;
		}
		break;
	}
	return MNL_CB_OK;
}

/* each port of every devlink instance: keep the PF's PCI_VF port with the VF number wanted */
static int port_reply(const struct nlmsghdr *h, void *data)
{
	struct port_read *r = data;
	struct port_attrs p = { 0 };
	mnl_attr_parse(h, sizeof(struct genlmsghdr), port_attr, &p);
	if (!p.bus || !p.dev || !streq(p.bus, "pci") || !streq(p.dev, r->pf) || !p.has_index ||
	    !p.has_flavour || p.flavour != DEVLINK_PORT_FLAVOUR_PCI_VF || !p.has_vf || p.vf != r->want)
		return 0;
	r->found = true;
	r->index = p.index;
	if (p.fn && r->a)
		mnl_attr_parse_nested(p.fn, fn_attr, r->a);
	return 0;
}

/* Find the VF's port (and read its function into @a, when given): 0, -ENODEV no devlink
 * instance or port for it, -errno. The dump names the PF so newer kernels filter it. */
static int devlink_port_find(struct nl *n, uint16_t family, const char *pf, unsigned vf,
			     struct port_read *r, char *why, size_t size)
{
	struct nlmsghdr *h = nl_genl_request(n, family, DEVLINK_CMD_PORT_GET, NLM_F_DUMP);
	mnl_attr_put_strz(h, DEVLINK_ATTR_BUS_NAME, "pci");
	mnl_attr_put_strz(h, DEVLINK_ATTR_DEV_NAME, pf);
	r->pf = pf;
	r->want = vf;
	int rr = nl_talk(n, h, port_reply, r, why, size);
	return rr < 0 ? rr : r->found ? 0 : -ENODEV;
}

static int devlink_open(struct nl *n, uint16_t *family)
{
	int r = nl_open(n, NETLINK_GENERIC);
	if (r == 0 && (r = nl_genl_family(n, DEVLINK_GENL_NAME, family)) == -ENOENT)
		r = -ENODEV; /* no devlink in this kernel: no port functions */
	return r;
}

static int devlink_get(const char *pf, unsigned vf, struct vfioadm_vf_attrs *a, char *why, size_t size)
{
	struct nl *n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	uint16_t family;
	int r = devlink_open(n, &family);
	struct port_read pr = { .a = a };
	if (r == 0)
		r = devlink_port_find(n, family, pf, vf, &pr, why, size);
	nl_close(n);
	free(n);
	return r;
}

static void put_port_function(struct nlmsghdr *h, const struct vfioadm_vf_attrs *w)
{
	struct nlattr *fn = mnl_attr_nest_start(h, DEVLINK_ATTR_PORT_FUNCTION);
	if (w->set & VFIOADM_VF_HW_ADDR)
		mnl_attr_put(h, DEVLINK_PORT_FUNCTION_ATTR_HW_ADDR, 6, w->hw_addr);
	uint32_t bf[2] = { 0, 0 }; /* value, selector */
	struct vfioadm_vf_attrs c = *w;
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++)
		if (w->set & caps[i].attr) {
			bf[1] |= caps[i].cap;
			bf[0] |= *cap_field(&c, caps[i].attr) ? caps[i].cap : 0;
		}
	if (bf[1])
		mnl_attr_put(h, PORT_FN_ATTR_CAPS, sizeof(bf), bf);
	if (w->set & VFIOADM_VF_MAX_IO_EQS)
		mnl_attr_put_u32(h, PORT_FN_ATTR_MAX_IO_EQS, w->max_io_eqs);
	if (w->set & VFIOADM_VF_STATE)
		mnl_attr_put_u8(h, DEVLINK_PORT_FN_ATTR_STATE, w->state ? DEVLINK_PORT_FN_STATE_ACTIVE
									 : DEVLINK_PORT_FN_STATE_INACTIVE);
	mnl_attr_nest_end(h, fn);
}

static int devlink_set(const char *pf, unsigned vf, const struct vfioadm_vf_attrs *w, char *why, size_t size)
{
	struct nl *n = malloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	uint16_t family;
	int r = devlink_open(n, &family);
	struct port_read pr = { 0 };
	if (r == 0)
		r = devlink_port_find(n, family, pf, vf, &pr, why, size);
	if (r == 0) {
		struct nlmsghdr *h = nl_genl_request(n, family, DEVLINK_CMD_PORT_SET, 0);
		mnl_attr_put_strz(h, DEVLINK_ATTR_BUS_NAME, "pci");
		mnl_attr_put_strz(h, DEVLINK_ATTR_DEV_NAME, pf);
		mnl_attr_put_u32(h, DEVLINK_ATTR_PORT_INDEX, pr.index);
		put_port_function(h, w);
		r = nl_talk(n, h, NULL, NULL, why, size);
	}
	nl_close(n);
	free(n);
	return r;
}

/* ---- the API ---- */

static int vf_args(struct vfioadm_ctx *ctx, const char *pf, char norm[VFIOADM_BDF_MAX])
{
	if (vfioadm_bdf_normalize(pf, norm) < 0)
		return -EINVAL;
	return ctx_is_host(ctx) ? 0 : -EROFS; /* a captured tree has no netlink to ask */
}

EXPORT int vfioadm_vf_attrs_get(struct vfioadm_ctx *ctx, const char *pf, unsigned vf, struct vfioadm_vf_attrs *ret,
				char *why, size_t size)
{
	char p[VFIOADM_BDF_MAX], net[VFIOADM_NAME_MAX], w2[128] = "";
	*ret = (struct vfioadm_vf_attrs){ 0 };
	int r = vf_args(ctx, pf, p);
	if (r < 0)
		return r;
	int ifindex = pf_ifindex(ctx, p, net);
	bool found = false;
	int rn = ifindex > 0 ? rtnl_get(ifindex, vf, ret, &found, why, size) : -ENODEV;
	if (rn == 0 && !found)
		rn = -ENOENT;
	int rd = devlink_get(p, vf, ret, w2, sizeof(w2));
	if (rn == 0 || rd == 0)
		return 0;
	if (rn == -ENODEV && rd == -ENODEV) {
		snprintf(why, size, "%s has no netdev and no devlink port for VF %u: nothing to provision", p, vf);
		return -ENODEV;
	}
	if (rn == -ENOENT)
		snprintf(why, size, "%s has no VF %u (netdev %s)", p, vf, net);
	return rn == -ENODEV ? rd : rn;
}

EXPORT int vfioadm_vf_attrs_set(struct vfioadm_ctx *ctx, const char *pf, unsigned vf,
				const struct vfioadm_vf_attrs *want, char *why, size_t size)
{
	char p[VFIOADM_BDF_MAX], net[VFIOADM_NAME_MAX] = "", spec[512];
	int r = vfioadm_bdf_normalize(pf, p);
	if (r < 0)
		return r;
	struct vfioadm_vf_attrs rt = *want, dl = *want;
	rt.set &= VFIOADM_VF_RTNL_ATTRS;
	dl.set &= VFIOADM_VF_DEVLINK_ATTRS;
	if (rt.set) {
		vfioadm_vf_attrs_format(&rt, spec, sizeof(spec));
		char what[64];
		snprintf(what, sizeof(what), "%s vf %u", p, vf);
		narrate(ctx, "netlink", what, spec);
	}
	if (dl.set) {
		vfioadm_vf_attrs_format(&dl, spec, sizeof(spec));
		char what[64];
		snprintf(what, sizeof(what), "pci/%s vf %u port function", p, vf);
		narrate(ctx, "devlink", what, spec);
	}
	if (ctx->dry_run)
		return 0;
	if ((r = vf_args(ctx, pf, p)) < 0)
		return r;
	if (rt.set) {
		int ifindex = pf_ifindex(ctx, p, net);
		if (ifindex < 0) {
			snprintf(why, size, "%s has no netdev: its VF attributes (%s) cannot be set", p,
				 "mac, vlan, trust, spoofchk, link_state, rates, query_rss");
			return -ENODEV;
		}
		if ((rt.set & (VFIOADM_VF_MIN_TX_RATE | VFIOADM_VF_MAX_TX_RATE)) !=
		    (VFIOADM_VF_MIN_TX_RATE | VFIOADM_VF_MAX_TX_RATE) &&
		    (rt.set & (VFIOADM_VF_MIN_TX_RATE | VFIOADM_VF_MAX_TX_RATE))) {
			/* one message sets both rates: keep the other as it is */
			struct vfioadm_vf_attrs now = { 0 };
			bool found;
			if (rtnl_get(ifindex, vf, &now, &found, why, size) == 0 && found) {
				if (!(rt.set & VFIOADM_VF_MIN_TX_RATE))
					rt.min_tx_rate = now.min_tx_rate;
				if (!(rt.set & VFIOADM_VF_MAX_TX_RATE))
					rt.max_tx_rate = now.max_tx_rate;
			}
		}
		if ((r = rtnl_set(ifindex, vf, &rt, why, size)) < 0)
			return r;
	}
	if (dl.set && (r = devlink_set(p, vf, &dl, why, size)) == -ENODEV && !why[0])
		snprintf(why, size, "%s has no devlink port for VF %u: its port function (hw_addr, roce, migratable, "
			 "ipsec, max_io_eqs, state) cannot be set", p, vf);
	return dl.set ? r : 0;
}
