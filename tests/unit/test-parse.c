/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the pure parsers: BDF, modalias, class names, driver links, kernel releases. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "access/access.h"
#include "tap.h"

static void bdf_good(const char *in, const char *want)
{
	char out[VFIOADM_BDF_MAX] = "";
	int r = vfioadm_bdf_normalize(in, out);
	is_int(r, 0, "bdf '%s' accepted", in);
	is_str(out, want, "bdf '%s' normalised", in);
}

static void bdf_bad(const char *in)
{
	char out[VFIOADM_BDF_MAX] = "untouched";
	is_int(vfioadm_bdf_normalize(in, out), -EINVAL, "bdf '%s' rejected", in ? in : "(null)");
}

static void test_bdf(void)
{
	bdf_good("0000:01:00.0", "0000:01:00.0");
	bdf_good("01:00.0", "0000:01:00.0");
	bdf_good("0000:3B:1F.7", "0000:3b:1f.7");
	bdf_good("10000:00:00.0", "10000:00:00.0");   /* VMD domains are wider */
	bdf_good("ffffffff:ff:1f.7", "ffffffff:ff:1f.7");
	const char *bad[] = {
		"", "0", "1:0.0", "01:00", "01:00.8", "01:20.0", "0000:01:00.0\n", " 01:00.0",
		"000:01:00.0", "123456789:01:00.0", "0000:01:00.0.0", "0000-01-00.0", "g0:00.0",
		"0000:01:00.", "0000::00.0", "01:00.0/../x", "0000:01:00:0", NULL,
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bdf_bad(bad[i]);
}

static void test_modalias(void)
{
	struct vfioadm_modalias m;
	int r = vfioadm_modalias_parse("pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02", &m);
	is_int(r, 0, "modalias of the nvme PF parses");
	is_int(m.vendor, 0x1b36, "vendor");
	is_int(m.device, 0x0010, "device");
	is_int(m.subvendor, 0x1af4, "subvendor");
	is_int(m.subdevice, 0x1100, "subdevice");
	is_int(m.base_class, 0x01, "base class");
	is_int(m.sub_class, 0x08, "sub class");
	is_int(m.prog_if, 0x02, "prog-if");
	const char *bad[] = {
		"",
		"pci:v00001b36d00000010sv00001AF4sd00001100bc01sc08i02",   /* lower case hex */
		"pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02\n", /* trailing newline */
		"pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i0",    /* short */
		"pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08",
		"usb:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02",
		"vfio_pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02",
		"pci:v0001B36d00000010sv00001AF4sd00001100bc01sc08i02",
		"pci:v00011B36d00000010sv00001AF4sd00001100bc01sc08i02",   /* vendor > 16 bits */
		"pci:v*d00000010sv00001AF4sd00001100bc01sc08i02",          /* a pattern, not a modalias */
		"pci:v00001B36d00000010sv00001AF4sd00001100bc01sc08i02x",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(vfioadm_modalias_parse(bad[i], &m), -EINVAL, "modalias %zu rejected", i);
	is_int(vfioadm_modalias_parse(NULL, &m), -EINVAL, "NULL modalias rejected");
}

static void test_class(void)
{
	is_str(vfioadm_class_short_name(0x02), "net", "class 02 is net");
	is_str(vfioadm_class_short_name(0x01), "storage", "class 01 is storage");
	is_str(vfioadm_class_short_name(0x03), "display", "class 03 is display");
	is_str(vfioadm_class_short_name(0xff), "other", "class ff is other");
	is_str(vfioadm_class_short_name(0x42), "other", "unassigned class is other");
	is_int(vfioadm_class_from_short_name("net"), 0x02, "net -> 02");
	is_int(vfioadm_class_from_short_name("other"), 0xff, "other -> ff");
	is_int(vfioadm_class_from_short_name("nett"), -EINVAL, "unknown class name rejected");
	is_int(vfioadm_class_from_short_name(""), -EINVAL, "empty class name rejected");
	ok(vfioadm_class_is_bridge(0x06, 0x04), "06/04 is a bridge");
	ok(vfioadm_class_is_bridge(0x06, 0x09), "06/09 (subtractive) is a bridge");
	ok(!vfioadm_class_is_bridge(0x06, 0x00), "a host bridge (06/00) is not a PCI-to-PCI bridge");
	ok(!vfioadm_class_is_bridge(0x02, 0x04), "04 under another base class is not a bridge");
	for (int c = 0; c < 0x14; c++)
		is_int(vfioadm_class_from_short_name(vfioadm_class_short_name((uint8_t)c)), c,
		       "class %02x round-trips", c);
}

static void test_sysfs_names(void)
{
	char d[VFIOADM_NAME_MAX];
	is_int(driver_link_name("../../../bus/pci/drivers/e1000e", d, sizeof(d)), 6, "a kernel driver link");
	is_str(d, "e1000e", "its driver's name");
	is_int(driver_link_name("../../bus/pci/drivers/vfio-pci", d, sizeof(d)), 8, "vfio-pci's link");
	const char *bad[] = { "/etc", "/sys/bus/pci/drivers/e1000e", "../../../etc", "driver", "xdrivers/y",
			      "../../bus/pci/drivers/", "../../bus/pci/drivers/..", "../mydrivers/x", "" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		is_int(driver_link_name(bad[i], d, sizeof(d)), -EBADMSG, "'%s' names no driver", bad[i]);
	ok(kernel_release_valid("6.1.0-57-amd64"), "a Debian release");
	ok(kernel_release_valid("6.12.117+deb12-amd64"), "a release with '+'");
	const char *badrel[] = { "", ".", "..", "../../x", "6.1 x", "6.1\x1b[2J", "a/b", "6.1\n" };
	for (size_t i = 0; i < ARRAY_SIZE(badrel); i++)
		ok(!kernel_release_valid(badrel[i]), "release '%s' refused", badrel[i]);
}

/* The ownership and mode rule for what root reads (configuration, journals) */
static void test_trust(void)
{
	struct stat st = { .st_uid = 0, .st_mode = S_IFREG | 0644 };
	is_int(trust_fault(&st, 0), TRUST_OK, "root's 0644 file: trusted");
	st.st_mode = S_IFREG | 0600;
	is_int(trust_fault(&st, 1000), TRUST_OK, "root's file, read by a user: trusted");
	st.st_uid = 1000;
	is_int(trust_fault(&st, 1000), TRUST_OK, "the user's own file, read by that user: trusted");
	is_int(trust_fault(&st, 0), TRUST_FOREIGN_OWNER, "a user's file, read by root: refused");
	st.st_uid = 0;
	st.st_mode = S_IFREG | 0666;
	is_int(trust_fault(&st, 0), TRUST_WORLD_WRITABLE, "world-writable: refused");
	st.st_mode = S_IFREG | 0664;
	is_int(trust_fault(&st, 0), TRUST_GROUP_WRITABLE, "group-writable: refused");
	st.st_mode = S_IFDIR | 01777;
	is_int(trust_fault(&st, 0), TRUST_WORLD_WRITABLE, "a sticky world-writable directory (/tmp): refused");
	st.st_mode = S_IFREG | 0444;
	st.st_uid = 65534;
	is_int(trust_fault(&st, 0), TRUST_FOREIGN_OWNER, "read-only but another user's (they can chmod it): refused");
	ok(strstr(trust_fault_words(TRUST_FOREIGN_OWNER), "chown root") != NULL, "the fix for an owner: chown root");
	ok(strstr(trust_fault_words(TRUST_GROUP_WRITABLE), "chmod go-w") != NULL, "the fix for a mode: chmod go-w");
}

static void test_doctor_parsers(void)
{
	char v[64];
	const char *cl = "BOOT_IMAGE=/vmlinuz intel_iommu=on iommu=pt vfio-pci.ids=8086:10d3,1234:11e8 quiet intremap=on intremap=off";
	is_str(cmdline_param(cl, "intel_iommu", v, sizeof(v)), "on", "cmdline: a value");
	is_str(cmdline_param(cl, "intremap", v, sizeof(v)), "off", "cmdline: the last one counts");
	is_str(cmdline_param(cl, "vfio_pci.ids", v, sizeof(v)), "8086:10d3,1234:11e8", "cmdline: '-' and '_' alike");
	is_str(cmdline_param(cl, "quiet", v, sizeof(v)), "", "cmdline: a bare flag");
	ok(!cmdline_param(cl, "iommu.strict", v, sizeof(v)), "cmdline: absent");
	ok(!cmdline_param(cl, "intel", v, sizeof(v)), "cmdline: a prefix is not a match");
	ok(!cmdline_param("", "x", v, sizeof(v)), "cmdline: empty");

	struct vfioadm_modalias m = { .vendor = 0x8086, .device = 0x10d3, .subvendor = 0x8086, .subdevice = 0x0000 };
	ok(vfio_ids_match("8086:10d3", &m), "ids: vendor:device");
	ok(vfio_ids_match("1234:11e8,8086:10d3", &m), "ids: the second of a list");
	ok(vfio_ids_match("8086:10d3:8086:0000", &m), "ids: with subsystem ids");
	ok(!vfio_ids_match("8086:10d3:8086:0001", &m), "ids: another subsystem");
	ok(!vfio_ids_match("8086", &m), "ids: a vendor alone is no id");
	ok(!vfio_ids_match("", &m), "ids: empty");

	unsigned char cfg[4096] = { 0 };
	is_int(pci_ext_cap_find(cfg, 256, 0x0d), 0, "ext caps: a 256-byte dump has none");
	/* AER at 0x100 -> ACS at 0x148 -> end */
	cfg[0x100] = 0x01;
	cfg[0x102] = (uint8_t)((0x148 << 4) & 0xf0) | 0x1; cfg[0x103] = (uint8_t)(0x148 >> 4);
	cfg[0x148] = 0x0d;
	is_int(pci_ext_cap_find(cfg, sizeof(cfg), 0x0d), 0x148, "ext caps: ACS found through the chain");
	is_int(pci_ext_cap_find(cfg, sizeof(cfg), 0x10), 0, "ext caps: SR-IOV absent");
	cfg[0x14a] = (uint8_t)((0x148 << 4) & 0xf0); cfg[0x14b] = (uint8_t)(0x148 >> 4); cfg[0x148] = 0x02;
	is_int(pci_ext_cap_find(cfg, sizeof(cfg), 0x0d), 0, "ext caps: a loop ends");

	uint64_t sz;
	is_int(vfioadm_size_parse("4G", &sz), 0, "size: 4G");
	is_int((long long)sz, 4LL << 30, "size: 4G in bytes");
	is_int(vfioadm_size_parse("512MiB", &sz), 0, "size: 512MiB");
	is_int((long long)sz, 512LL << 20, "size: MiB");
	is_int(vfioadm_size_parse("1048576k", &sz), 0, "size: k");
	is_int(vfioadm_size_parse("123", &sz), 0, "size: bytes");
	is_int(vfioadm_size_parse("4Q", &sz), -EINVAL, "size: unknown unit");
	is_int(vfioadm_size_parse("-1G", &sz), -EINVAL, "size: negative");
	is_int(vfioadm_size_parse("G", &sz), -EINVAL, "size: no digits");
	is_int(vfioadm_size_parse("99999999999T", &sz), -EINVAL, "size: overflow");
	is_int(vfioadm_size_parse("4GBx", &sz), -EINVAL, "size: trailing text");
}

int main(void)
{
	test_trust();
	test_bdf();
	test_modalias();
	test_class();
	test_sysfs_names();
	test_doctor_parsers();
	return tap_done();
}
