/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure parsers and validators: BDFs, pci modaliases, class codes, driver and module names,
 * UUIDs. No I/O. */
#include <ctype.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "access/access.h"

/* Parse exactly @n hex digits (any case) at *s; advance *s. */
static bool hex_exact(const char **s, int n, uint32_t *ret)
{
	uint32_t v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*s)[i];
		if (!isxdigit((unsigned char)c))
			return false;
		v = v << 4 | (uint32_t)(isdigit((unsigned char)c) ? c - '0' : (tolower(c) - 'a' + 10));
	}
	*s += n;
	*ret = v;
	return true;
}

/* Upper-case hex only, as in a modalias. Stops at the first bad character (or the NUL):
 * never looks past the end of the string. */
static bool hex_upper_exact(const char **s, int n, uint32_t *ret)
{
	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)(*s)[i];
		if (!isxdigit(c) || islower(c))
			return false;
	}
	return hex_exact(s, n, ret);
}

static bool literal(const char **s, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*s, lit, n) != 0)
		return false;
	*s += n;
	return true;
}

EXPORT int vfioadm_bdf_normalize(const char *s, char ret_bdf[VFIOADM_BDF_MAX])
{
	uint32_t domain = 0, bus, dev, fn;
	if (!s)
		return -EINVAL;
	size_t colons = 0;
	for (const char *p = s; *p; p++)
		colons += *p == ':';
	if (colons == 2) {
		size_t dlen = strcspn(s, ":");
		if (dlen < 4 || dlen > 8 || !hex_exact(&s, (int)dlen, &domain) || !literal(&s, ":"))
			return -EINVAL;
	} else if (colons != 1) {
		return -EINVAL;
	}
	if (!hex_exact(&s, 2, &bus) || !literal(&s, ":") || !hex_exact(&s, 2, &dev) ||
	    !literal(&s, ".") || !hex_exact(&s, 1, &fn) || *s)
		return -EINVAL;
	if (dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(ret_bdf, VFIOADM_BDF_MAX, "%04x:%02x:%02x.%x", domain, bus, dev, fn);
	return 0;
}

EXPORT int vfioadm_modalias_parse(const char *s, struct vfioadm_modalias *ret)
{
	struct vfioadm_modalias m;
	uint32_t bc, sc, pi;
	if (!s || !literal(&s, "pci:v") || !hex_upper_exact(&s, 8, &m.vendor) ||
	    !literal(&s, "d") || !hex_upper_exact(&s, 8, &m.device) ||
	    !literal(&s, "sv") || !hex_upper_exact(&s, 8, &m.subvendor) ||
	    !literal(&s, "sd") || !hex_upper_exact(&s, 8, &m.subdevice) ||
	    !literal(&s, "bc") || !hex_upper_exact(&s, 2, &bc) ||
	    !literal(&s, "sc") || !hex_upper_exact(&s, 2, &sc) ||
	    !literal(&s, "i") || !hex_upper_exact(&s, 2, &pi) || *s)
		return -EINVAL;
	if (m.vendor > 0xffff || m.device > 0xffff || m.subvendor > 0xffff || m.subdevice > 0xffff)
		return -EINVAL;
	m.base_class = (uint8_t)bc;
	m.sub_class = (uint8_t)sc;
	m.prog_if = (uint8_t)pi;
	*ret = m;
	return 0;
}

/* PCI base classes (PCI Code and ID Assignment spec), short names for tables and filters. */
static const char *const class_names[] = {
	[0x00] = "unclassified", [0x01] = "storage",   [0x02] = "net",
	[0x03] = "display",      [0x04] = "multimedia", [0x05] = "memory",
	[0x06] = "bridge",       [0x07] = "comm",       [0x08] = "system",
	[0x09] = "input",        [0x0a] = "docking",    [0x0b] = "processor",
	[0x0c] = "serial",       [0x0d] = "wireless",   [0x0e] = "intelligent",
	[0x0f] = "satellite",    [0x10] = "crypto",     [0x11] = "signal",
	[0x12] = "accel",        [0x13] = "instrumentation",
};

EXPORT const char *vfioadm_class_short_name(uint8_t base_class)
{
	if (base_class < ARRAY_SIZE(class_names) && class_names[base_class])
		return class_names[base_class];
	return "other";
}

EXPORT bool vfioadm_class_is_bridge(uint8_t base_class, uint8_t sub_class)
{
	return base_class == 0x06 && (sub_class == 0x04 || sub_class == 0x09);
}

EXPORT int vfioadm_class_from_short_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_names); i++)
		if (class_names[i] && streq(class_names[i], name))
			return (int)i;
	if (streq(name, "other"))
		return 0xff;
	return -EINVAL;
}

bool plain_name_valid(const char *name, size_t max)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= max)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-'))
			return false;
	return true;
}

EXPORT bool vfioadm_driver_name_valid(const char *name)
{
	return plain_name_valid(name, VFIOADM_NAME_MAX);
}

void module_normalize(const char *in, char out[VFIOADM_NAME_MAX])
{
	strscpy(out, VFIOADM_NAME_MAX, in);
	for (char *p = out; *p; p++)
		if (*p == '-')
			*p = '_';
}

EXPORT bool vfioadm_uuid_valid(const char *uuid)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	const char *p = uuid;
	if (!p)
		return false;
	for (size_t g = 0; g < ARRAY_SIZE(groups); g++) {
		for (int i = 0; i < groups[g]; i++, p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
				return false;
		if (g + 1 < ARRAY_SIZE(groups) && *p++ != '-')
			return false;
	}
	return *p == '\0';
}

int driver_link_name(const char *target, char *buf, size_t size)
{
	/* the kernel's link is relative and ends in .../drivers/NAME: anything else is no driver */
	const char *base = strrchr(target, '/');
	size_t dir = base ? (size_t)(base - target) : 0;
	if (target[0] == '/' || !base || dir < 7 || strncmp(base - 7, "drivers", 7) != 0 ||
	    (dir > 7 && base[-8] != '/') || !base[1] || streq(base + 1, "..") || streq(base + 1, "."))
		return -EBADMSG;
	return strscpy(buf, size, base + 1);
}

bool kernel_release_valid(const char *rel)
{
	/* a release names a directory under /lib/modules: one plain path component, printable */
	if (streq(rel, ".") || streq(rel, ".."))
		return false;
	for (const unsigned char *p = (const unsigned char *)rel; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '/')
			return false;
	return *rel != '\0';
}

/* The rule cron, sshd's StrictModes and logrotate apply to what they read as root: owned by
 * root (or by the user running the tool, who trusts themselves), writable by nobody else. A
 * sticky directory (/tmp) is no better: anyone may add files to it. */
enum trust_fault trust_fault(const struct stat *st, uid_t euid)
{
	if (st->st_uid != 0 && st->st_uid != euid)
		return TRUST_FOREIGN_OWNER;
	if (st->st_mode & S_IWOTH)
		return TRUST_WORLD_WRITABLE;
	if (st->st_mode & S_IWGRP)
		return TRUST_GROUP_WRITABLE;
	return TRUST_OK;
}

const char *trust_fault_words(enum trust_fault f)
{
	switch (f) {
	case TRUST_FOREIGN_OWNER: return "is owned by another user (chown root)";
	case TRUST_WORLD_WRITABLE: return "is writable by every user (chmod go-w)";
	case TRUST_GROUP_WRITABLE: return "is writable by its group (chmod go-w)";
	default: return "is trusted";
	}
}

/* The value of kernel parameter @name on a command line ("" for a bare flag), or NULL. The
 * last one counts, as for the kernel; '-' and '_' are the same in a name. */
const char *cmdline_param(const char *cmdline, const char *name, char *val, size_t size)
{
	const char *found = NULL;
	size_t len = strlen(name);
	for (const char *p = cmdline; *p;) {
		p += strspn(p, " \t\n");
		size_t tok = strcspn(p, " \t\n");
		bool same = tok >= len && len > 0;
		for (size_t i = 0; same && i < len; i++)
			same = p[i] == name[i] || (p[i] && strchr("-_", p[i]) && strchr("-_", name[i]));
		if (same && (tok == len || p[len] == '=')) {
			size_t vl = tok == len ? 0 : tok - len - 1;
			snprintf(val, size, "%.*s", (int)vl, p + len + (tok > len));
			found = val;
		}
		p += tok;
	}
	return found;
}

/* Does a vfio-pci ids= list ("vvvv:dddd[:svvv:sddd[:class:mask]],…") name @m? */
bool vfio_ids_match(const char *ids, const struct vfioadm_modalias *m)
{
	for (const char *p = ids; *p;) {
		size_t n = strcspn(p, ",");
		char one[64];
		snprintf(one, sizeof(one), "%.*s", (int)(n < 63 ? n : 63), p);
		unsigned v = 0, d = 0, sv = VFIOADM_ANY_ID, sd = VFIOADM_ANY_ID;
		if (sscanf(one, "%x:%x:%x:%x", &v, &d, &sv, &sd) >= 2 && v == m->vendor && d == m->device &&
		    (sv == VFIOADM_ANY_ID || sv == m->subvendor) && (sd == VFIOADM_ANY_ID || sd == m->subdevice))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* The offset of PCIe extended capability @id in a config space dump, 0 when absent (or the
 * dump stops at 256 bytes: conventional PCI, or read without root). Loops end: 64 hops. */
unsigned pci_ext_cap_find(const unsigned char *cfg, size_t len, unsigned id)
{
	for (unsigned off = 0x100, hops = 0; off >= 0x100 && off + 4 <= len && hops < 64; hops++) {
		uint32_t h = cfg[off] | cfg[off + 1] << 8 | cfg[off + 2] << 16 | (uint32_t)cfg[off + 3] << 24;
		if (h == 0 || h == 0xffffffff)
			return 0;
		if ((h & 0xffff) == id)
			return off;
		off = (h >> 20) & 0xffc;
	}
	return 0;
}

EXPORT int vfioadm_size_parse(const char *s, uint64_t *ret)
{
	char *end;
	if (!s || !(*s >= '0' && *s <= '9'))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	static const char units[] = "KMGT";
	unsigned shift = 0;
	if (*end) {
		const char *u = strchr(units, *end >= 'a' ? *end - 32 : *end);
		if (!u || !*u)
			return -EINVAL;
		shift = 10 * (unsigned)(u - units + 1);
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*ret = (uint64_t)v << shift;
	return 0;
}
