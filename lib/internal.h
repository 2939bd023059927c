/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libvfioadm internals shared between lib/ files (never installed). */
#pragma once

#include <stdarg.h>
#include <sys/types.h>

#include "macro.h"
#include "vfioadm/vfioadm.h"

struct kmod_ctx;

#define EXPORT __attribute__((visibility("default")))

struct vfioadm_device {
	struct vfioadm_device_info info;
	unsigned filled;
	struct vfioadm_ctx *ctx;  /* not a reference: devices live inside their context */
	size_t index;             /* position in the snapshot */
};

/* Where a transaction's writes go (lib/writer.c): a socket to a writer helper, a write it
 * abandoned, a /dev/kmsg reader. The context has one lane; each worker of a batch
 * (lib/batch.c) has its own. */
#define MAX_LANES 64
struct lane {
	int writer_fd;                    /* to the helper, -EBADF if none yet */
	pid_t writer_pid;                 /* the lane's own helper, to reap; 0 when shared */
	int stuck_fd;                     /* a write abandoned after its timeout answers here, */
	pid_t stuck_pid;
	char stuck_bdf[VFIOADM_BDF_MAX];  /* lib/bind.c: on this device, whose lock it holds */
	bool left_shared_busy;            /* it abandoned a write on the shared helper */
	int kmsg_fd;                      /* lib/bind.c: /dev/kmsg for the kernel's reasons */
};

struct vfioadm_ctx {
	int refcount;
	char *root;           /* absolute, no trailing slash; "" for the host */
	int root_fd;          /* O_PATH fd of root, or -EBADF for the host */
	vfioadm_log_fn log_fn;
	void *log_data;
	char release[65];
	struct vfioadm_device **devices;  /* snapshot from vfioadm_scan() */
	size_t n_devices;
	struct alias_state *alias;        /* lib/alias.c: alias tables, deny list, cache */
	struct kmod_ctx *kmod;            /* lib/kmod.c, created on first use */
	vfioadm_action_fn action_fn;
	void *action_data;
	bool dry_run;
	int lock_fd;                      /* -EBADF when not holding the run lock */
	struct holders_cache *holders;    /* lib/report.c: open /dev nodes, briefly cached */
	int journal_dir_fd;               /* lib/write.c: /run/vfioadm/journal, opened on first write */
	char loaded_module[VFIOADM_NAME_MAX]; /* the last module kmod_load() made sure of */
	struct lane lane;                 /* the run's own (batch workers have theirs) */
};

void alias_state_free(struct vfioadm_ctx *ctx);
/* lib/alias.c: a driver or module name as the kernel names the module ("vfio-pci" -> "vfio_pci") */
void module_normalize(const char *in, char out[VFIOADM_NAME_MAX]);

#define GENERIC_MODULE "vfio_pci" /* the catch-all VFIO driver's module */

/* ---- lib/kmod.c: the only user of libkmod ---- */
typedef int (*module_name_fn)(void *data, const char *module);
typedef int (*alias_fn)(void *data, const char *pattern, const char *module);
int kmod_ctx_get(struct vfioadm_ctx *ctx, struct kmod_ctx **ret);
void kmod_ctx_free(struct vfioadm_ctx *ctx);
/* The modules modprobe would consider for @key, in libkmod's order. Returns count or -errno. */
int kmod_lookup_modules(struct vfioadm_ctx *ctx, const char *key, module_name_fn fn, void *data);
/* Every `alias PATTERN MODULE` line of modprobe.d. */
int kmod_config_pins(struct vfioadm_ctx *ctx, alias_fn fn, void *data);
/* The alias patterns in a module's own modinfo. */
int kmod_module_aliases(struct vfioadm_ctx *ctx, const char *module, alias_fn fn, void *data);

int kmod_load(struct vfioadm_ctx *ctx, const char *module);
/* Is @module (or the driver name spelt with '-') loaded and live, or built in? No libkmod. */
bool kmod_module_live(struct vfioadm_ctx *ctx, const char *module);

/* ---- lib/write.c: the one sysfs writer, the journal ---- */
/* Write @value to @path (under root) in one write(): no O_CREAT, no following a final link.
 * Narrated first; a no-op in dry-run mode. Returns 0 or -errno (the kernel's answer). */
int sysfs_write(struct vfioadm_ctx *ctx, const char *path, const char *value);
void narrate(struct vfioadm_ctx *ctx, const char *verb, const char *path, const char *value);
/* ---- lib/writer.c ---- */
/* The same through the lane's helper, abandoned after @timeout_ms (-ETIMEDOUT): the kernel
 * blocks such writers while a VFIO device is open or a probe runs. */
int timed_write(struct vfioadm_ctx *ctx, struct lane *l, const char *path, const char *value, int timeout_ms);
/* Has the lane's abandoned write ended? Waits up to @grace_ms; true also when there is none. */
bool writer_abandoned_done(struct lane *l, int grace_ms);
void lane_init(struct lane *l);
/* One helper for lanes @lanes[0..n) (n <= MAX_LANES), forked before the caller starts threads:
 * its pid (reap it once every lane is stopped, unless one left_shared_busy), or -errno. */
int writers_start_shared(struct lane *lanes, unsigned n);
/* Close the lane: its idle helper ends; an abandoned write ends on its own. */
void lane_stop(struct lane *l);
/* CLOCK_MONOTONIC in milliseconds, for deadlines */
long long now_ms(void);
#define DEFAULT_TIMEOUT_MS 10000
/* lib/sriov.c: VF @i's address from the PF's First VF Offset and VF Stride */
void vf_address(const char *pf, long offset, long stride, unsigned i, char out[VFIOADM_BDF_MAX]);
/* lib/pci.c: one mdev type directory's attributes; every type of an open (and consumed)
 * mdev_supported_types directory */
void mdev_type_read(int tfd, struct vfioadm_mdev_type *t);
int mdev_types_read_dir(int tfd, struct vfioadm_mdev_type **types, size_t *n);
/* Just the binding of @bdf (normalized): its driver ("" none) and whether a VFIO driver
 * registered it; what verification needs, a third of a full read. -ENODEV when it is gone. */
int device_read_binding(struct vfioadm_ctx *ctx, const char *bdf, char driver[VFIOADM_NAME_MAX], bool *vfio);
/* Writes are for the live host only. */
bool ctx_is_host(const struct vfioadm_ctx *ctx);

struct journal {
	char bdf[VFIOADM_BDF_MAX];
	char orig_driver[VFIOADM_NAME_MAX];     /* "" unbound */
	char orig_override[VFIOADM_NAME_MAX];   /* "" unset */
	char target[VFIOADM_NAME_MAX];
	char state[16];                          /* "binding", "bound" */
	long long started;
	bool from_config;                        /* origin=config: bound by vfioadm apply */
};
/* Open (creating) the journal directory for the run: before a batch's workers write in it. */
int journal_dir(struct vfioadm_ctx *ctx);
int journal_write(struct vfioadm_ctx *ctx, const struct journal *j);
int journal_read(struct vfioadm_ctx *ctx, const char *bdf, struct journal *ret);
int journal_remove(struct vfioadm_ctx *ctx, const char *bdf);
/* Parse a journal's text (exposed for the unit tests and the fuzzer). */
int journal_parse(const char *text, struct journal *ret);

/* ---- lib/bind.c: one transaction, in two halves so that lib/batch.c can overlap many ---- */
struct txn {
	struct vfioadm_ctx *ctx;
	const struct vfioadm_bind_opts *opts;
	struct lane *lane;                   /* where its writes go: the run's, or a worker's */
	bool bind;                           /* vfioadm_bind, else vfioadm_unbind */
	int timeout;
	struct vfioadm_device *dev;          /* the function as this transaction found it: the driver */
	const struct vfioadm_device_info *i; /* and override it had are what a rollback restores */
	struct journal j;                    /* bind: the one it writes; unbind: the one it read */
	struct journal prev;                 /* bind: the record of the VFIO driver it is on */
	bool has_journal;                    /* bind: prev was read; unbind: j was read */
	bool reprobe;                        /* unbind: the kernel's default driver gets it */
	struct vfioadm_outcome o;
};
/* On the caller's thread (reads, module loading, refusals): 1 when kernel work is left for
 * txn_execute(), 0 when there is none (already so), -errno as vfioadm_bind() returns. */
int txn_prepare(struct txn *t, struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
		bool bind);
/* On any thread, with a lane of its own: the journal, the writes, verification, rollback. */
int txn_execute(struct txn *t, struct lane *l);
void txn_done(struct txn *t);
/* lib/batch.c: vfioadm_bind_many() over any such transactions (the unit tests bring fakes) */
struct txn_ops {
	int (*prepare)(struct txn *t, struct vfioadm_ctx *ctx, const char *bdf,
		       const struct vfioadm_bind_opts *opts, bool bind);
	int (*execute)(struct txn *t, struct lane *l);
	void (*done)(struct txn *t);
};
int batch_run(struct vfioadm_ctx *ctx, const char *const *bdfs, size_t n, const struct vfioadm_bind_opts *opts,
	      bool bind, const struct txn_ops *ops, vfioadm_outcome_fn fn, void *data);

/* ---- lib/report.c ---- */
int report_add(struct vfioadm_report *r, enum vfioadm_blocker_kind kind, const char *subject,
	       const char *detail, int pid, bool forceable);
/* Processes with an fd open on any of @paths (NULL-terminated): one OPEN blocker each. */
void holders_cache_free(struct vfioadm_ctx *ctx);
int report_holders(struct vfioadm_ctx *ctx, struct vfioadm_report *r, const char *const *paths);
/* lib/inuse.c: vfioadm_check_in_use() for a state just read (no second read of the device) */
int in_use_report(struct vfioadm_ctx *ctx, const struct vfioadm_device_info *info,
		  struct vfioadm_report **ret);

/* lib/config.c: parse one file's text (the fuzzer's entry) */
int config_parse_text(const char *text, size_t len, struct vfioadm_config **ret,
		      struct vfioadm_config_error *err);

/* ---- lib/alias.c pure helpers (unit-tested) ---- */
/* Score a vfio_pci: pattern: wildcard fields among v d sv sd bc sc i (a missing field counts
 * as a wildcard; a literal with modpost's trailing '*', "i00*", counts as literal) and the
 * number of literal hex digits. Returns 0 or -EINVAL when it is not a vfio_pci: pattern. */
int alias_pattern_score(const char *pattern, int *ret_wildcards, int *ret_digits);
/* Candidate order: fewer wildcards, more digits, earlier modules.alias line. */
int candidate_cmp(const void *a, const void *b);

/* log.c-style helpers (lib/root.c) */
void vfioadm_log(struct vfioadm_ctx *ctx, int prio, const char *fmt, ...) _printf_(3, 4);
#define dbg(ctx, ...) vfioadm_log(ctx, VFIOADM_LOG_DEBUG, __VA_ARGS__)

/* ---- lib/root.c: the only place that turns a path into an fd ---- */

/* Open an absolute host path ("/sys/bus/pci") under the context's root. Returns fd or -errno. */
int root_open(struct vfioadm_ctx *ctx, const char *path, int flags);
/* Same for a directory, as a DIR stream. Returns 0 or -errno. */
int root_opendir(struct vfioadm_ctx *ctx, const char *path, DIR **ret);
/* Does the path exist under root (following links inside root)? */
bool root_exists(struct vfioadm_ctx *ctx, const char *path);
/* Lexical resolver used where openat2(2) is missing; exposed for the unit tests. */
int root_resolve_lexical(int root_fd, const char *path, char *ret, size_t size);

/* ---- attribute I/O relative to an open sysfs directory ---- */

/* Read a small attribute, strip one trailing newline. Returns length or -errno
 * (-ENOENT quietly for absent files, -EFBIG when it does not fit). */
int attr_read(int dir_fd, const char *name, char *buf, size_t size);
int attr_read_long(int dir_fd, const char *name, int base, long *ret);
/* The last component of a symlink's target ("../../bus/pci/drivers/nvme" -> "nvme"). */
int link_basename(int dir_fd, const char *name, char *buf, size_t size);
/* Open a real subdirectory; a symlink is refused (follow links with root_open()). */
int dir_openat(int dir_fd, const char *name);
/* Call @fn for each entry of the open directory but . and ..; a non-zero return stops and is
 * returned. 0, or -errno. */
int dir_each(int dir_fd, int (*fn)(void *data, const char *name), void *data);
/* The first entry of @dir_fd/@name starting with @prefix into @out: 1 found, 0 the directory
 * has none, -errno (-ENOENT: no such directory). */
int dir_first(int dir_fd, const char *name, const char *prefix, char *out, size_t size);
