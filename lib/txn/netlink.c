/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Netlink for VF provisioning (libmnl): one request, its replies, and the kernel's extended
 * ack, whose message ("the VF has a driver: unbind it first") is what an admin needs to see.
 * Generic netlink families are resolved by name.
 */
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <time.h>

#include "txn/txn.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

int nl_open(struct nl *n, int bus)
{
	*n = (struct nl){ .seq = (unsigned)time(NULL) };
	n->sock = mnl_socket_open2(bus, SOCK_CLOEXEC);
	if (!n->sock)
		return -errno;
	int one = 1;
	/* the kernel's words with every error, without the request echoed back */
	mnl_socket_setsockopt(n->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(n->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(n->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;
		mnl_socket_close(n->sock);
		n->sock = NULL;
		return r;
	}
	n->portid = mnl_socket_get_portid(n->sock);
	return 0;
}

void nl_close(struct nl *n)
{
	if (n->sock)
		mnl_socket_close(n->sock);
	n->sock = NULL;
}

struct nlmsghdr *nl_request(struct nl *n, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(n->buf);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++n->seq;
	return h;
}

struct nlmsghdr *nl_genl_request(struct nl *n, uint16_t family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *h = nl_request(n, family, flags);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(h, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return h;
}

static int extack_attr(const struct nlattr *a, void *data)
{
	const char **msg = data;
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
		*msg = mnl_attr_get_str(a);
	return MNL_CB_OK;
}

/* An NLMSG_ERROR: 0 for an ack, else -errno with the extack message (if any) in @why */
static int nl_error(const struct nlmsghdr *h, char *why, size_t size)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
	if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	if (e->error == 0)
		return 0;
	const char *msg = NULL;
	if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
		size_t skip = sizeof(*e);
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			skip += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		size_t len = mnl_nlmsg_get_payload_len(h);
		if (skip < len)
			mnl_attr_parse_payload((const char *)e + skip, len - skip, extack_attr, &msg);
	}
	if (msg && size)
		snprintf(why, size, "%s", msg);
	return e->error < 0 ? e->error : -e->error;
}

int nl_talk(struct nl *n, struct nlmsghdr *req, nl_reply_fn fn, void *data, char *why, size_t size)
{
	if (why && size)
		why[0] = '\0';
	if (mnl_socket_sendto(n->sock, req, req->nlmsg_len) < 0)
		return -errno;
	uint32_t seq = req->nlmsg_seq;
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(n->sock, n->buf, sizeof(n->buf));
		if (len < 0)
			return -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)n->buf; mnl_nlmsg_ok(h, (int)len);
		     h = mnl_nlmsg_next(h, (int *)&len)) {
			if (h->nlmsg_seq != seq || h->nlmsg_pid != n->portid)
				continue; /* not ours (a late reply to an earlier request) */
			if (h->nlmsg_type == NLMSG_ERROR)
				return nl_error(h, why, size);
			if (h->nlmsg_type == NLMSG_DONE) { /* a dump's end, with its error if it failed */
				const int *err = mnl_nlmsg_get_payload(h);
				return mnl_nlmsg_get_payload_len(h) >= sizeof(*err) && *err < 0 ? *err : 0;
			}
			int r = fn ? fn(h, data) : 0;
			if (r < 0)
				return r;
		}
	}
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID && mnl_attr_validate(a, MNL_TYPE_U16) == 0)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_reply(const struct nlmsghdr *h, void *data)
{
	mnl_attr_parse(h, sizeof(struct genlmsghdr), family_attr, data);
	return 0;
}

int nl_genl_family(struct nl *n, const char *name, uint16_t *ret)
{
	struct nlmsghdr *h = nl_genl_request(n, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(h, CTRL_ATTR_FAMILY_NAME, name);
	*ret = 0;
	int r = nl_talk(n, h, family_reply, ret, NULL, 0);
	return r < 0 ? r : *ret ? 0 : -ENOENT;
}
