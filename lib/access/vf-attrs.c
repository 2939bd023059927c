/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A VF's provisioning attributes as text: "mac=02:00:00:00:00:01,vlan=5,trust=on,migratable=on"
 * on the command line, one key each in a [vf PF N] section, and in the journal (the values a
 * release restores). Pure: parse, merge, format. The names are ip-link(8)'s and devlink-port(8)'s.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "access/access.h"

enum kind { K_BOOL, K_MAC, K_U32, K_VLAN, K_QOS, K_PROTO, K_LINK, K_STATE };

static const struct key {
	const char *name;
	unsigned bit;
	enum kind kind;
} keys[] = {
	{ "mac", VFIOADM_VF_MAC, K_MAC },
	{ "vlan", VFIOADM_VF_VLAN, K_VLAN },
	{ "qos", VFIOADM_VF_VLAN, K_QOS },
	{ "vlan_proto", VFIOADM_VF_VLAN, K_PROTO },
	{ "trust", VFIOADM_VF_TRUST, K_BOOL },
	{ "spoofchk", VFIOADM_VF_SPOOFCHK, K_BOOL },
	{ "link_state", VFIOADM_VF_LINK_STATE, K_LINK },
	{ "min_tx_rate", VFIOADM_VF_MIN_TX_RATE, K_U32 },
	{ "max_tx_rate", VFIOADM_VF_MAX_TX_RATE, K_U32 },
	{ "query_rss", VFIOADM_VF_QUERY_RSS, K_BOOL },
	{ "hw_addr", VFIOADM_VF_HW_ADDR, K_MAC },
	{ "roce", VFIOADM_VF_ROCE, K_BOOL },
	{ "migratable", VFIOADM_VF_MIGRATABLE, K_BOOL },
	{ "ipsec_crypto", VFIOADM_VF_IPSEC_CRYPTO, K_BOOL },
	{ "ipsec_packet", VFIOADM_VF_IPSEC_PACKET, K_BOOL },
	{ "max_io_eqs", VFIOADM_VF_MAX_IO_EQS, K_U32 },
	{ "state", VFIOADM_VF_STATE, K_STATE },
};

static const char *const link_states[] = { "auto", "enable", "disable" };
static const char *const fn_states[] = { "inactive", "active" }; /* DEVLINK_PORT_FN_STATE_* */

/* @value's position in @words, or -1 */
static int word_index(const char *const *words, size_t n, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (streq(words[i], value))
			return (int)i;
	return -1;
}

static bool *bool_field(struct vfioadm_vf_attrs *a, unsigned bit)
{
	switch (bit) {
	case VFIOADM_VF_TRUST: return &a->trust;
	case VFIOADM_VF_SPOOFCHK: return &a->spoofchk;
	case VFIOADM_VF_QUERY_RSS: return &a->query_rss;
	case VFIOADM_VF_ROCE: return &a->roce;
	case VFIOADM_VF_MIGRATABLE: return &a->migratable;
	case VFIOADM_VF_IPSEC_CRYPTO: return &a->ipsec_crypto;
	default: return &a->ipsec_packet;
	}
}

static uint32_t *u32_field(struct vfioadm_vf_attrs *a, unsigned bit)
{
	return bit == VFIOADM_VF_MIN_TX_RATE ? &a->min_tx_rate
	       : bit == VFIOADM_VF_MAX_TX_RATE ? &a->max_tx_rate : &a->max_io_eqs;
}

static bool parse_u32(const char *s, uint32_t max, uint32_t *ret)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno || v > max)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/* "02:00:00:00:00:01": six hex pairs, and (as the kernel insists) not a multicast address */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++, s += 3) {
		unsigned v;
		char hex[3] = { s[0], s[0] ? s[1] : 0, 0 };
		if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]) ||
		    s[2] != (i < 5 ? ':' : '\0') || sscanf(hex, "%2x", &v) != 1)
			return false;
		mac[i] = (uint8_t)v;
	}
	return !(mac[0] & 1);
}

static bool parse_bool(const char *s, bool *ret)
{
	if (streq(s, "on") || streq(s, "true") || streq(s, "yes") || streq(s, "1"))
		return *ret = true, true;
	if (streq(s, "off") || streq(s, "false") || streq(s, "no") || streq(s, "0"))
		return *ret = false, true;
	return false;
}

static int bad(char *err, size_t size, const char *key, const char *value, const char *expected)
{
	snprintf(err, size, "%s: expected %s, got '%.40s'", key, expected, value);
	return -EINVAL;
}

int vf_attr_key_index(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (streq(keys[i].name, key))
			return (int)i;
	return -1;
}

EXPORT int vfioadm_vf_attr_set(struct vfioadm_vf_attrs *a, const char *key, const char *value, char *err, size_t size)
{
	const struct key *k = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(keys) && !k; i++)
		if (streq(keys[i].name, key))
			k = &keys[i];
	if (!k) {
		snprintf(err, size, "unknown VF attribute '%.40s' (mac, vlan, qos, vlan_proto, trust, spoofchk, "
			 "link_state, min_tx_rate, max_tx_rate, query_rss, hw_addr, roce, migratable, ipsec_crypto, "
			 "ipsec_packet, max_io_eqs, state)", key);
		return -EINVAL;
	}
	uint32_t u;
	switch (k->kind) {
	case K_BOOL:
		if (!parse_bool(value, bool_field(a, k->bit)))
			return bad(err, size, key, value, "on or off");
		break;
	case K_MAC:
		if (!parse_mac(value, k->bit == VFIOADM_VF_MAC ? a->mac : a->hw_addr))
			return bad(err, size, key, value, "a unicast MAC address (02:00:00:00:00:01)");
		break;
	case K_U32:
		if (!parse_u32(value, UINT32_MAX, u32_field(a, k->bit)))
			return bad(err, size, key, value, "a number 0-4294967295");
		break;
	case K_VLAN:
		if (!parse_u32(value, 4095, &u))
			return bad(err, size, key, value, "a VLAN id 0-4095 (0: none)");
		a->vlan = (uint16_t)u;
		break;
	case K_QOS:
		if (!parse_u32(value, 7, &u))
			return bad(err, size, key, value, "a priority 0-7");
		a->qos = (uint8_t)u;
		break;
	case K_PROTO:
		if (!streq(value, "802.1Q") && !streq(value, "802.1ad"))
			return bad(err, size, key, value, "802.1Q or 802.1ad");
		a->vlan_proto = streq(value, "802.1Q") ? 0x8100 : 0x88a8;
		break;
	case K_LINK: {
		int w = word_index(link_states, ARRAY_SIZE(link_states), value);
		if (w < 0)
			return bad(err, size, key, value, "auto, enable or disable");
		a->link_state = (uint8_t)w;
		break;
	}
	case K_STATE: {
		int w = word_index(fn_states, ARRAY_SIZE(fn_states), value);
		if (w < 0)
			return bad(err, size, key, value, "active or inactive");
		a->state = (uint8_t)w;
		break;
	}
	}
	if (k->bit == VFIOADM_VF_VLAN && !a->vlan_proto)
		a->vlan_proto = 0x8100;
	a->set |= k->bit;
	return 0;
}

EXPORT int vfioadm_vf_attrs_parse(const char *spec, struct vfioadm_vf_attrs *ret, char *err, size_t size)
{
	char buf[512];
	if (strscpy(buf, sizeof(buf), spec) < 0) {
		snprintf(err, size, "VF attributes: longer than %zu characters", sizeof(buf) - 1);
		return -EINVAL;
	}
	*ret = (struct vfioadm_vf_attrs){ 0 };
	for (char *save = NULL, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (!eq) {
			snprintf(err, size, "VF attributes: expected KEY=VALUE, got '%.40s'", item);
			return -EINVAL;
		}
		*eq = '\0';
		int r = vfioadm_vf_attr_set(ret, item, eq + 1, err, size);
		if (r < 0)
			return r;
	}
	if (!ret->set) { /* "", "," */
		snprintf(err, size, "VF attributes: expected KEY=VALUE[,KEY=VALUE…], got nothing");
		return -EINVAL;
	}
	if ((ret->set & VFIOADM_VF_VLAN) && ret->vlan == 0 && (ret->qos || ret->vlan_proto != 0x8100)) {
		snprintf(err, size, "qos and vlan_proto need a VLAN id (vlan=1-4095)");
		return -EINVAL;
	}
	return 0;
}

EXPORT void vfioadm_vf_attrs_merge(struct vfioadm_vf_attrs *into, const struct vfioadm_vf_attrs *from)
{
	struct vfioadm_vf_attrs f = *from;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		unsigned bit = keys[i].bit;
		if (!(f.set & bit))
			continue;
		switch (keys[i].kind) {
		case K_BOOL: *bool_field(into, bit) = *bool_field(&f, bit); break;
		case K_MAC: memcpy(bit == VFIOADM_VF_MAC ? into->mac : into->hw_addr,
				   bit == VFIOADM_VF_MAC ? f.mac : f.hw_addr, 6); break;
		case K_U32: *u32_field(into, bit) = *u32_field(&f, bit); break;
		case K_VLAN: into->vlan = f.vlan; into->qos = f.qos; into->vlan_proto = f.vlan_proto; break;
		case K_LINK: into->link_state = f.link_state; break;
		case K_STATE: into->state = f.state; break;
		default: break; /* qos, vlan_proto: with vlan */
		}
		into->set |= bit;
	}
}

/* @a's value of key @k as text */
static void key_value(const struct vfioadm_vf_attrs *a, const struct key *k, char *buf, size_t size)
{
	struct vfioadm_vf_attrs c = *a;
	const uint8_t *m = k->bit == VFIOADM_VF_MAC ? c.mac : c.hw_addr;
	switch (k->kind) {
	case K_BOOL: snprintf(buf, size, "%s", *bool_field(&c, k->bit) ? "on" : "off"); break;
	case K_MAC: snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]); break;
	case K_U32: snprintf(buf, size, "%u", *u32_field(&c, k->bit)); break;
	case K_VLAN: snprintf(buf, size, "%u", c.vlan); break;
	case K_QOS: snprintf(buf, size, "%u", c.qos); break;
	case K_PROTO: snprintf(buf, size, "%s", c.vlan_proto == 0x88a8 ? "802.1ad" : "802.1Q"); break;
	case K_LINK: snprintf(buf, size, "%s", link_states[c.link_state < 3 ? c.link_state : 0]); break;
	case K_STATE: snprintf(buf, size, "%s", fn_states[c.state ? 1 : 0]); break;
	}
}

/* Each key @a sets, in a fixed order: the callback gets its name and value as text. */
EXPORT void vfioadm_vf_attrs_each(const struct vfioadm_vf_attrs *a, void (*fn)(void *data, const char *key, const char *value),
			   void *data)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key *k = &keys[i];
		if (!(a->set & k->bit) || ((k->kind == K_QOS || k->kind == K_PROTO) && !a->vlan))
			continue;
		char v[32];
		key_value(a, k, v, sizeof(v));
		fn(data, k->name, v);
	}
}

struct fmt {
	char *buf;
	size_t size, len;
};

static void fmt_one(void *data, const char *key, const char *value)
{
	struct fmt *f = data;
	int n = snprintf(f->buf + f->len, f->size - f->len, "%s%s=%s", f->len ? "," : "", key, value);
	f->len = n < 0 || (size_t)n >= f->size - f->len ? f->size - 1 : f->len + (size_t)n;
}

EXPORT int vfioadm_vf_attrs_format(const struct vfioadm_vf_attrs *a, char *buf, size_t size)
{
	struct fmt f = { buf, size, 0 };
	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	vfioadm_vf_attrs_each(a, fmt_one, &f);
	return f.len == size - 1 ? -ENOSPC : (int)f.len;
}

EXPORT bool vfioadm_vf_attrs_equal(const struct vfioadm_vf_attrs *want, const struct vfioadm_vf_attrs *have)
{
	char w[512], h[512];
	struct vfioadm_vf_attrs only = *have;
	only.set &= want->set;
	if ((have->set & want->set) != want->set)
		return false;
	vfioadm_vf_attrs_format(want, w, sizeof(w));
	vfioadm_vf_attrs_format(&only, h, sizeof(h));
	return streq(w, h);
}

EXPORT void vfioadm_vf_attrs_diff(const struct vfioadm_vf_attrs *want, const struct vfioadm_vf_attrs *have,
				  struct vfioadm_vf_attrs *change, struct vfioadm_vf_attrs *before)
{
	*change = (struct vfioadm_vf_attrs){ 0 };
	*before = (struct vfioadm_vf_attrs){ 0 };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct vfioadm_vf_attrs one = *want, was = *have;
		one.set = was.set = want->set & keys[i].bit;
		if (!one.set || (change->set & one.set) || vfioadm_vf_attrs_equal(&one, have))
			continue;
		vfioadm_vf_attrs_merge(change, &one);
		if (have->set & one.set)
			vfioadm_vf_attrs_merge(before, &was);
	}
}
