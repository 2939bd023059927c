/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The access layer (lib/access/): the context, rooted path access, attribute I/O and pure
 * parsers. The bottom of libvfioadm: it calls no other layer (lib/README.md).
 */
#pragma once

#include <signal.h>

#include <dirent.h>
#include <stdarg.h>
#include <sys/types.h>
#include <time.h>

#include "macro.h"
#include "vfioadm/vfioadm.h"

#define EXPORT __attribute__((visibility("default")))

/* the states of the layers above, opaque here: each is made and freed by its own file */
struct vfioadm_device;
struct alias_state;
struct kmod_ctx;
struct holders_cache;
struct lane;

/* ---- access/ctx.c ---- */
typedef void (*ctx_cleanup_fn)(struct vfioadm_ctx *ctx);
#define CTX_MAX_CLEANUPS 16

struct vfioadm_ctx {
	int refcount;
	char *root;           /* absolute, no trailing slash; "" for the host */
	int root_fd;          /* O_PATH fd of root, or -EBADF for the host */
	vfioadm_log_fn log_fn;
	void *log_data;
	vfioadm_action_fn action_fn;
	void *action_data;
	bool dry_run;
	volatile sig_atomic_t stop_requested; /* vfioadm_request_stop(): start no new transaction */
	char release[65];
	ctx_cleanup_fn cleanups[CTX_MAX_CLEANUPS]; /* registered by the layers above, run LIFO */
	unsigned n_cleanups;
	/* Each layer's state, created by its file on first use (which registers the cleanup).
	 * The fds start as -EBADF; everything else starts zeroed. */
	struct vfioadm_device **devices;  /* model/pci.c: snapshot from vfioadm_scan() */
	size_t n_devices;
	int vfio_dev_kernel;              /* model/pci.c: 1 the kernel makes vfio-dev/, 2 not, 0 unknown */
	struct holders_cache *holders;    /* model/holders.c: open /dev nodes, briefly cached */
	struct alias_state *alias;        /* choice/alias.c: alias tables, deny list, cache */
	struct kmod_ctx *kmod;            /* model/kmod.c, created on first use */
	int kmod_error;                   /* model/kmod.c: why it could not be (a corrupt index) */
	char loaded_module[VFIOADM_NAME_MAX]; /* model/kmod.c: the last module kmod_load() made sure of */
	int lock_fd;                      /* txn/lock.c: -EBADF when not holding the run lock */
	int journal_dir_fd;               /* txn/journal.c: /run/vfioadm/journal, opened on first write */
	struct lane *lane;                /* txn/writer.c: the run's own (batch workers have theirs) */
};

/* Run @fn when the context is freed: once per @fn, last registered first. 0 or -ENOSPC. */
int ctx_on_free(struct vfioadm_ctx *ctx, ctx_cleanup_fn fn);
void vfioadm_log(struct vfioadm_ctx *ctx, int prio, const char *fmt, ...) _printf_(3, 4);
#define dbg(ctx, ...) vfioadm_log(ctx, VFIOADM_LOG_DEBUG, __VA_ARGS__)
/* Tell the observer (the CLI's --dry-run plan and debug log) of a step, before it is taken. */
void narrate(struct vfioadm_ctx *ctx, const char *verb, const char *path, const char *value);
/* Writes are for the live host only. */
bool ctx_is_host(const struct vfioadm_ctx *ctx);

/* CLOCK_MONOTONIC in milliseconds, for deadlines */
static inline long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- access/parse.c (also exported: vfioadm_bdf_normalize, vfioadm_driver_name_valid…) ---- */
/* kernel parameter @name's value on @cmdline ("" bare), or NULL; the last one counts */
const char *cmdline_param(const char *cmdline, const char *name, char *val, size_t size);
/* does vfio-pci's ids= list name the function? */
bool vfio_ids_match(const char *ids, const struct vfioadm_modalias *m);
/* offset of PCIe extended capability @id in a config-space dump, 0 when absent */
unsigned pci_ext_cap_find(const unsigned char *cfg, size_t len, unsigned id);
/* a driver or module name as the kernel names the module ("vfio-pci" -> "vfio_pci") */
void module_normalize(const char *in, char out[VFIOADM_NAME_MAX]);
/* The driver a "driver" link's target names ("../../../bus/pci/drivers/e1000e" -> "e1000e"), or
 * -EBADMSG unless it is relative and ends in drivers/NAME as the kernel makes it. */
int driver_link_name(const char *target, char *buf, size_t size);
/* Is @rel usable as /lib/modules/REL: one printable path component? */
bool kernel_release_valid(const char *rel);
/* May a file or directory vfioadm reads as root be trusted: owned by root or @euid, writable by
 * nobody else? The fault, in words with its fix, from trust_fault_words(). */
enum trust_fault { TRUST_OK, TRUST_FOREIGN_OWNER, TRUST_WORLD_WRITABLE, TRUST_GROUP_WRITABLE };
struct stat;
enum trust_fault trust_fault(const struct stat *st, uid_t euid);
const char *trust_fault_words(enum trust_fault f);
/* Non-empty, shorter than @max, only [A-Za-z0-9_-]: a driver name, run-parts(8)'s hook names */
bool plain_name_valid(const char *name, size_t max);
/* access/vf-attrs.c: the position of a VF attribute key (mac, vlan, qos…) in its fixed order,
 * below 32, or -1 when there is no such key: a config file says each key once per section */
int vf_attr_key_index(const char *key);

/* ---- access/root.c: the only place that turns a path into an fd ---- */

/* Open an absolute host path ("/sys/bus/pci") under the context's root. Returns fd or -errno. */
int root_open(struct vfioadm_ctx *ctx, const char *path, int flags);
/* Same for a directory, as a DIR stream. Returns 0 or -errno. */
int root_opendir(struct vfioadm_ctx *ctx, const char *path, DIR **ret);
/* Does the path exist under root (following links inside root)? */
bool root_exists(struct vfioadm_ctx *ctx, const char *path);
/* Lexical resolver used where openat2(2) is missing; exposed for the unit tests. */
int root_resolve_lexical(int root_fd, const char *path, char *ret, size_t size);
/* mkdir -p of a host path (never under a root: only the live host is written) */
int host_mkdir_p(const char *path, mode_t mode);
/* Open a host directory root may trust (not a link, root's or the caller's, writable by no
 * one else): the fd, -EPERM when not, -errno. */
int host_trusted_dir_open(const char *path);

/* ---- access/attr.c: attribute I/O relative to an open sysfs directory ---- */

/* Read a small attribute, strip one trailing newline. Returns length or -errno
 * (-ENOENT quietly for absent files, -EFBIG when it does not fit). */
int attr_read(int dir_fd, const char *name, char *buf, size_t size);
int attr_read_long(int dir_fd, const char *name, int base, long *ret);
/* The last component of a symlink's target ("../../bus/pci/drivers/nvme" -> "nvme"). */
int link_basename(int dir_fd, const char *name, char *buf, size_t size);
/* The driver a "driver" link names: as link_basename(), through driver_link_name() (a captured
 * tree may hold anything). */
int link_driver_name(int dir_fd, const char *name, char *buf, size_t size);
/* Open a real subdirectory; a symlink is refused (follow links with root_open()). */
int dir_openat(int dir_fd, const char *name);
/* Call @fn for each entry of the open directory but . and ..; a non-zero return stops and is
 * returned. 0, or -errno. */
int dir_each(int dir_fd, int (*fn)(void *data, const char *name), void *data);
/* The first entry of @dir_fd/@name starting with @prefix into @out: 1 found, 0 the directory
 * has none, -errno (-ENOENT: no such directory). */
int dir_first(int dir_fd, const char *name, const char *prefix, char *out, size_t size);
/* Replace @name in @dir_fd durably (temp "NAME.tmp.PID", O_NOFOLLOW, fchmod @mode, fsync,
 * rename); the caller fsyncs the directory. 0 or -errno. */
int file_replace_at(int dir_fd, const char *name, const char *data, size_t len, mode_t mode);
