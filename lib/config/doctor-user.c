/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * doctor --user NAME: can that user's VMM use VFIO? It must open /dev/vfio/vfio and the
 * group nodes (or /dev/iommu and the device cdevs), and lock all guest RAM: type1 and
 * iommufd pin every page a guest may DMA to, against RLIMIT_MEMLOCK. The user, its groups and
 * its pam_limits are read from the files under the context's root (not NSS).
 */
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

#include "config/config.h"

struct user {
	char name[64];
	uid_t uid;
	gid_t gids[64];
	int n_gids;
	char groups[64][64]; /* their names, for limits.conf's @group */
};

static FILE *root_fopen(struct vfioadm_ctx *ctx, const char *path)
{
	int fd = root_open(ctx, path, O_RDONLY | O_NONBLOCK);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f && fd >= 0)
		close(fd);
	return f;
}

static int user_read(struct doctor *d, const char *name, struct user *u)
{
	FILE *f = root_fopen(d->ctx, "/etc/passwd");
	struct passwd *pw;
	bool found = false;
	while (f && !found && (pw = fgetpwent(f))) {
		if (streq(pw->pw_name, name)) {
			found = true;
			u->uid = pw->pw_uid;
			u->gids[u->n_gids++] = pw->pw_gid;
		}
	}
	if (f)
		fclose(f);
	if (!found)
		return -ESRCH;
	snprintf(u->name, sizeof(u->name), "%s", name);
	struct group *gr;
	if (!(f = root_fopen(d->ctx, "/etc/group")))
		return 0;
	while ((gr = fgetgrent(f)) && u->n_gids < 64) {
		bool member = gr->gr_gid == u->gids[0];
		for (char **m = gr->gr_mem; !member && m && *m; m++)
			member = streq(*m, name);
		if (!member)
			continue;
		if (gr->gr_gid != u->gids[0])
			u->gids[u->n_gids] = gr->gr_gid;
		snprintf(u->groups[gr->gr_gid == u->gids[0] ? 0 : u->n_gids], 64, "%s", gr->gr_name);
		if (gr->gr_gid != u->gids[0])
			u->n_gids++;
	}
	fclose(f);
	return 0;
}

static bool may_open_rw(const struct user *u, const struct stat *st)
{
	if (u->uid == 0)
		return true;
	if (st->st_uid == u->uid)
		return (st->st_mode & 0600) == 0600;
	for (int i = 0; i < u->n_gids; i++)
		if (st->st_gid == u->gids[i])
			return (st->st_mode & 0060) == 0060;
	return (st->st_mode & 0006) == 0006;
}

struct nodes {
	struct doctor *d;
	const struct user *u;
	const char *dir;
	int ok, denied;
	char list[192];
};

static int node_fn(void *data, const char *name)
{
	struct nodes *n = data;
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", n->dir, name);
	_cleanup_close_ int fd = root_open(n->d->ctx, path, O_PATH);
	/* (a captured tree's nodes are plain files) */
	if (fd < 0 || fstat(fd, &st) < 0 || !(S_ISCHR(st.st_mode) || (n->d->ctx->root[0] && S_ISREG(st.st_mode))))
		return 0;
	if (may_open_rw(n->u, &st)) {
		n->ok++;
		return 0;
	}
	n->denied++;
	snprintf(n->list + strlen(n->list), sizeof(n->list) - strlen(n->list), " %s", path);
	return 0;
}

static int check_access(struct doctor *d, const struct user *u)
{
	struct nodes n = { .d = d, .u = u };
	for (size_t i = 0; i < 3; i++) {
		n.dir = (const char *[]){ "/dev/vfio", "/dev/vfio/devices", "/dev" }[i];
		_cleanup_close_ int fd = root_open(d->ctx, n.dir, O_RDONLY | O_DIRECTORY);
		if (fd < 0)
			continue;
		if (i < 2)
			dir_each(fd, node_fn, &n);
		else if (root_exists(d->ctx, "/dev/iommu"))
			node_fn(&n, "iommu");
	}
	char ev[256];
	snprintf(ev, sizeof(ev), "/dev/vfio, /dev/vfio/devices, /dev/iommu: %d node%s %s may open, %d not%s",
		 n.ok, n.ok == 1 ? "" : "s", u->name, n.denied, n.denied ? ":" : "");
	snprintf(ev + strlen(ev), sizeof(ev) - strlen(ev), "%s", n.list);
	if (n.denied)
		return finding(d, VFIOADM_WARN, "consumer.access", ev,
			       "give the user its VMs' groups: chown USER /dev/vfio/N (libvirt does it itself for "
			       "managed hostdevs), or a udev rule: SUBSYSTEM==\"vfio\", GROUP=\"kvm\", MODE=\"0660\"",
			       "%s cannot open %d VFIO node%s", u->name, n.denied, n.denied == 1 ? "" : "s");
	return finding(d, VFIOADM_PASS, "consumer.access", ev, NULL, "%s can open every VFIO node there is", u->name);
}

/* pam_limits: a line for the user beats one for its @group, which beats "*". Values in KiB. */
struct memlock {
	const struct user *u;
	int rank;          /* 0 none, 1 "*", 2 @group, 3 the user */
	long long kib;     /* -1 unlimited */
	char where[160];
};

static void limits_line(struct memlock *m, const char *file, char *line)
{
	char dom[64], type[16], item[16], val[32];
	if (sscanf(line, " %63s %15s %15s %31s", dom, type, item, val) != 4 || dom[0] == '#' ||
	    !streq(item, "memlock") || streq(type, "hard"))
		return;
	int rank = streq(dom, m->u->name) ? 3 : streq(dom, "*") && m->u->uid != 0 ? 1 : 0;
	for (int i = 0; dom[0] == '@' && i < m->u->n_gids && !rank; i++)
		rank = m->u->groups[i][0] && streq(dom + 1, m->u->groups[i]) ? 2 : 0;
	if (!rank || rank < m->rank)
		return;
	m->rank = rank;
	m->kib = streq(val, "unlimited") || streq(val, "infinity") || streq(val, "-1") ? -1 : atoll(val);
	snprintf(m->where, sizeof(m->where), "%s: %s %s memlock %s", file, dom, type, val);
}

static void limits_file(struct doctor *d, struct memlock *m, const char *path)
{
	FILE *f = root_fopen(d->ctx, path);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	for (size_t total = 0; f && total < (1u << 20) && (len = getline(&line, &cap, f)) > 0; total += (size_t)len)
		limits_line(m, path, line);
	free(line);
	if (f)
		fclose(f);
}

struct limits_dir {
	struct doctor *d;
	struct memlock *m;
};

static int limits_d_fn(void *data, const char *name)
{
	struct limits_dir *l = data;
	char path[PATH_MAX];
	size_t len = strlen(name);
	if (len > 5 && streq(name + len - 5, ".conf")) {
		snprintf(path, sizeof(path), "/etc/security/limits.d/%s", name);
		limits_file(l->d, l->m, path);
	}
	return 0;
}

static int check_memlock(struct doctor *d, const struct user *u)
{
	struct memlock m = { .u = u, .kib = 8192 }; /* the kernel's default since 5.16 */
	char ev[256];
	limits_file(d, &m, "/etc/security/limits.conf");
	struct limits_dir l = { d, &m };
	_cleanup_close_ int fd = root_open(d->ctx, "/etc/security/limits.d", O_RDONLY | O_DIRECTORY);
	if (fd >= 0)
		dir_each(fd, limits_d_fn, &l); /* (pam_limits reads them sorted; the rank decides here) */
	if (!m.rank)
		snprintf(m.where, sizeof(m.where), "/etc/security/limits.conf, limits.d: no memlock line for %s: "
			 "the default, 8192 KiB", u->name);
	uint64_t need = d->opts->guest_memory;
	snprintf(ev, sizeof(ev), "%s; guest memory: %s", m.where, need ? "" : "not given (--guest-memory)");
	if (need)
		snprintf(ev + strlen(ev), sizeof(ev) - strlen(ev), "%llu MiB", (unsigned long long)(need >> 20));
	const char *fix = "add '<user> soft memlock unlimited' and '<user> hard memlock unlimited' (or the guest's "
			  "size in KiB) to /etc/security/limits.d/vfio.conf; VMMs started by systemd or libvirt "
			  "take theirs from LimitMEMLOCK= or libvirt instead";
	if (u->uid == 0 || m.kib < 0)
		return finding(d, VFIOADM_PASS, "consumer.memlock", ev, NULL, "%s may lock all the memory a guest needs",
			       u->name);
	if (need && (uint64_t)m.kib * 1024 < need)
		return finding(d, VFIOADM_FAIL, "consumer.memlock", ev, fix,
			       "%s may lock %lld KiB, less than the guest's RAM: VFIO pins all of it, so QEMU fails "
			       "to map it (\"VFIO_MAP_DMA failed: Cannot allocate memory\")", u->name, m.kib);
	if (!need && m.kib < 1024 * 1024)
		return finding(d, VFIOADM_WARN, "consumer.memlock", ev, fix,
			       "%s may lock only %lld KiB: a VM with a VFIO device pins all its RAM", u->name, m.kib);
	return finding(d, VFIOADM_PASS, "consumer.memlock", ev, NULL, "%s may lock %lld KiB", u->name, m.kib);
}

struct huge {
	struct doctor *d;
	uint64_t total, free;
	char list[160];
};

static int huge_fn(void *data, const char *name)
{
	struct huge *h = data;
	char path[128], v[32];
	unsigned long kib = strtoul(name + strlen("hugepages-"), NULL, 10);
	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%.48s/nr_hugepages", name);
	unsigned long nr = doctor_read(h->d, path, v, sizeof(v)) > 0 ? strtoul(v, NULL, 10) : 0;
	snprintf(path, sizeof(path), "/sys/kernel/mm/hugepages/%.48s/free_hugepages", name);
	unsigned long fr = doctor_read(h->d, path, v, sizeof(v)) > 0 ? strtoul(v, NULL, 10) : 0;
	h->total += (uint64_t)nr * kib * 1024;
	h->free += (uint64_t)fr * kib * 1024;
	snprintf(h->list + strlen(h->list), sizeof(h->list) - strlen(h->list), "%s%lu kB: %lu (%lu free)",
		 h->list[0] ? "; " : "", kib, nr, fr);
	return 0;
}

/* Hugepages are the admin's choice; only a guest that wants more than is free is a finding. */
static int check_hugepages(struct doctor *d)
{
	struct huge h = { .d = d };
	_cleanup_close_ int fd = root_open(d->ctx, "/sys/kernel/mm/hugepages", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return 0;
	dir_each(fd, huge_fn, &h);
	char ev[224];
	snprintf(ev, sizeof(ev), "/sys/kernel/mm/hugepages: %s", h.list[0] ? h.list : "none");
	uint64_t need = d->opts->guest_memory;
	if (need && h.total && h.free < need)
		return finding(d, VFIOADM_WARN, "consumer.hugepages", ev,
			       "reserve more (vm.nr_hugepages, or hugepages= on the command line)",
			       "%llu MiB of hugepages are free, less than the guest's %llu MiB",
			       (unsigned long long)(h.free >> 20), (unsigned long long)(need >> 20));
	return finding(d, VFIOADM_PASS, "consumer.hugepages", ev, NULL, "%llu MiB of hugepages reserved, %llu MiB free",
		       (unsigned long long)(h.total >> 20), (unsigned long long)(h.free >> 20));
}

int check_consumer(struct doctor *d)
{
	int hr = check_hugepages(d);
	if (hr < 0 || !d->opts->user)
		return hr;
	struct user *u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	int r = user_read(d, d->opts->user, u);
	if (r >= 0)
		r = check_access(d, u);
	if (r >= 0)
		r = check_memlock(d, u);
	free(u);
	return r;
}
