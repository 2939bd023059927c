/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The rooted access layer: relative sysfs links resolve inside the root; links and paths
 * that climb out of it, absolute links and loops are errors. Both resolvers (openat2 and
 * the lexical fallback) must give the same answers.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config/config.h"
#include "tap.h"

static char tmp[] = "/tmp/vfioadm-test-root.XXXXXX";

static void put(const char *rel, const char *content)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	for (char *p = path + strlen(tmp) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	if (content) {
		FILE *f = fopen(path, "w");
		fputs(content, f);
		fclose(f);
	}
}

static void link_(const char *rel, const char *target)
{
	char path[512];
	put(rel, NULL);
	snprintf(path, sizeof(path), "%s/%s", tmp, rel);
	if (symlink(target, path) < 0)
		perror("symlink");
}

static void build_tree(void)
{
	if (!mkdtemp(tmp))
		abort();
	put("sys/devices/pci0000:00/0000:00:01.0/vendor", "0x8086\n");
	put("sys/devices/pci0000:00/0000:00:01.0/big", "0123456789abcdef0123456789abcdef");
	link_("sys/bus/pci/devices/0000:00:01.0", "../../../devices/pci0000:00/0000:00:01.0");
	link_("sys/devices/pci0000:00/0000:00:01.0/driver", "../../../bus/pci/drivers/nvme");
	link_("sys/escape", "../../../../../../../etc");
	link_("sys/absolute", "/etc");
	link_("sys/loop1", "loop2");
	link_("sys/loop2", "loop1");
	put("proc/sys/kernel/osrelease", "6.1.0-test\n");
}

static void check_open(struct vfioadm_ctx *ctx, const char *path, int want, const char *mode)
{
	int fd = root_open(ctx, path, O_RDONLY);
	int got = fd >= 0 ? 0 : fd;
	is_int(got, want, "%s: open '%s'", mode, path);
	if (fd >= 0)
		close(fd);
}

static void resolver_cases(const char *mode)
{
	struct vfioadm_ctx *ctx;
	is_int(vfioadm_new(tmp, &ctx), 0, "%s: context on the tree", mode);
	check_open(ctx, "/sys/bus/pci/devices/0000:00:01.0/vendor", 0, mode);
	check_open(ctx, "/sys/bus/pci/devices/0000:00:01.0/../0000:00:01.0/vendor", 0, mode);
	check_open(ctx, "/sys/escape/passwd", -EXDEV, mode);
	check_open(ctx, "/sys/absolute/passwd", -EXDEV, mode);
	check_open(ctx, "/../etc/passwd", -EXDEV, mode);
	check_open(ctx, "/sys/../../etc/passwd", -EXDEV, mode);
	check_open(ctx, "/sys/loop1", -ELOOP, mode);
	check_open(ctx, "/sys/missing", -ENOENT, mode);
	is_str(vfioadm_kernel_release(ctx), "6.1.0-test", "%s: release from the root's /proc", mode);
	vfioadm_unref(ctx);
}

static void attr_cases(void)
{
	struct vfioadm_ctx *ctx;
	vfioadm_new(tmp, &ctx);
	int dfd = root_open(ctx, "/sys/bus/pci/devices/0000:00:01.0", O_RDONLY | O_DIRECTORY);
	ok(dfd >= 0, "device directory opens through its link");
	char buf[16];
	is_int(attr_read(dfd, "vendor", buf, sizeof(buf)), 6, "attribute length without newline");
	is_str(buf, "0x8086", "attribute value");
	long v;
	is_int(attr_read_long(dfd, "vendor", 16, &v), 0, "hex attribute parses");
	is_int(v, 0x8086, "hex value");
	is_int(attr_read(dfd, "big", buf, sizeof(buf)), -EFBIG, "oversized attribute is an error, not truncated");
	is_int(attr_read(dfd, "absent", buf, sizeof(buf)), -ENOENT, "absent attribute is -ENOENT");
	is_int(attr_read_long(dfd, "big", 16, &v), -EFBIG, "oversized number is an error");
	char name[32];
	is_int(link_basename(dfd, "driver", name, sizeof(name)), 4, "link basename length");
	is_str(name, "nvme", "link basename");
	is_int(link_basename(dfd, "driver", name, 3), -ENAMETOOLONG, "link basename too long for buffer");
	is_int(dir_openat(dfd, "driver"), -ENOTDIR, "dir_openat refuses to follow a link");
	close(dfd);
	vfioadm_unref(ctx);
}

static void lexical_cases(void)
{
	int rfd = open(tmp, O_PATH | O_DIRECTORY);
	char out[256];
	is_int(root_resolve_lexical(rfd, "sys/bus/pci/devices/0000:00:01.0/vendor", out, sizeof(out)), 0,
	       "lexical: resolves through relative links");
	is_str(out, "sys/devices/pci0000:00/0000:00:01.0/vendor", "lexical: the resolved path");
	is_int(root_resolve_lexical(rfd, "", out, sizeof(out)), 0, "lexical: empty path is the root");
	is_str(out, ".", "lexical: root is '.'");
	close(rfd);
}

static void ctx_cases(void)
{
	struct vfioadm_ctx *ctx = NULL;
	is_int(vfioadm_new("/nonexistent/vfioadm-root", &ctx), -ENOENT, "missing root is -ENOENT");
	ok(ctx == NULL, "no context on failure");
	is_int(vfioadm_new("/", &ctx), 0, "host root");
	is_str(vfioadm_get_root(ctx), "/", "host root reads back as /");
	ok(vfioadm_unref(ctx) == NULL, "unref returns NULL");
}

int main(void)
{
	build_tree();
	resolver_cases("openat2");
	setenv("VFIOADM_NO_OPENAT2", "1", 1);
	resolver_cases("lexical");
	unsetenv("VFIOADM_NO_OPENAT2");
	attr_cases();
	lexical_cases();
	ctx_cases();
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", tmp);
	return tap_done();
}
