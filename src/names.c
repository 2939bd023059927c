/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Vendor, device and class names from pci.ids via libpci. Only the CLI uses libpci, and only
 * for names: devices are enumerated by libvfioadm's rooted layer. Names are looked up once per
 * id and kept, since thousands of VFs share one.
 *
 * libpci is opened with dlopen() when the first name is wanted: it brings libudev and zlib,
 * and their symbol binding was a fifth of every start-up's instructions and page faults, paid
 * by bind, unbind and check, which print no names. Without libpci.so.3, names are left out.
 */
#include <dlfcn.h>
#include <pci/pci.h>
#include <stdarg.h>

#include "cli.h"

static struct {
	void *handle;
	bool tried;
	__typeof__(pci_alloc) *alloc;
	__typeof__(pci_cleanup) *cleanup;
	__typeof__(pci_lookup_name) *lookup_name;
	__typeof__(pci_set_name_list_path) *set_name_list_path;
} libpci;

static bool libpci_open(void)
{
	if (libpci.tried)
		return libpci.handle != NULL;
	libpci.tried = true;
	void *h = dlopen("libpci.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
	libpci.alloc = (__typeof__(pci_alloc) *)dlsym(h, "pci_alloc");
	libpci.cleanup = (__typeof__(pci_cleanup) *)dlsym(h, "pci_cleanup");
	libpci.lookup_name = (__typeof__(pci_lookup_name) *)dlsym(h, "pci_lookup_name");
	libpci.set_name_list_path = (__typeof__(pci_set_name_list_path) *)dlsym(h, "pci_set_name_list_path");
	if (!libpci.alloc || !libpci.cleanup || !libpci.lookup_name || !libpci.set_name_list_path) {
		dlclose(h);
		return false;
	}
	libpci.handle = h;
	return true;
}

static struct pci_access *pacc;
/* One memo per kind, so a vendor and a device name can be used side by side. */
struct memo {
	char key[32];
	char name[256];
};
static struct memo vendor_memo, device_memo, class_memo;

static void quiet(char *msg _unused_, ...) {}

static struct pci_access *access_get(void)
{
	if (pacc)
		return pacc;
	if (!libpci_open())
		return NULL;
	pacc = libpci.alloc();
	if (!pacc)
		return NULL;
	pacc->warning = quiet;
	pacc->debug = quiet;
	const char *ids = getenv("VFIOADM_PCI_IDS");
	if (ids)
		libpci.set_name_list_path(pacc, (char *)ids, 0);
	return pacc;
}

/* libpci keeps its own hash of pci.ids; a one-entry memo saves the formatting work for
 * the runs of identical VFs a large host lists one after another. */
static const char *lookup(struct memo *m, const char *key, int flags, ...)
{
	if (streq(key, m->key))
		return m->name;
	struct pci_access *a = access_get();
	if (!a)
		return NULL;
	va_list ap;
	va_start(ap, flags);
	int v1 = va_arg(ap, int), v2 = va_arg(ap, int);
	va_end(ap);
	char buf[256];
	const char *name = libpci.lookup_name(a, buf, sizeof(buf), flags | PCI_LOOKUP_NO_NUMBERS |
					   PCI_LOOKUP_NO_HWDB, v1, v2);
	if (!name)
		return NULL;
	strscpy(m->key, sizeof(m->key), key);
	strscpy(m->name, sizeof(m->name), name);
	return m->name;
}

const char *names_vendor(uint16_t vendor)
{
	char key[32];
	snprintf(key, sizeof(key), "v%04x", vendor);
	return lookup(&vendor_memo, key, PCI_LOOKUP_VENDOR, vendor, 0);
}

const char *names_device(uint16_t vendor, uint16_t device)
{
	char key[32];
	snprintf(key, sizeof(key), "d%04x:%04x", vendor, device);
	return lookup(&device_memo, key, PCI_LOOKUP_DEVICE, vendor, device);
}

const char *names_class(uint8_t base, uint8_t sub)
{
	char key[32];
	snprintf(key, sizeof(key), "c%02x%02x", base, sub);
	return lookup(&class_memo, key, PCI_LOOKUP_CLASS, base << 8 | sub, 0);
}

void names_done(void)
{
	if (pacc)
		libpci.cleanup(pacc);
	pacc = NULL;
}
