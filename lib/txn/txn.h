/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The transaction layer (lib/txn/): changing the host so that a device is never left worse:
 * the run lock, the journal, the sysfs writers (direct, and timed through a helper), one
 * bind/unbind transaction and batches of them. Built on the choice, model and access layers.
 */
#pragma once

#include <libmnl/libmnl.h>

#include "choice/choice.h"

/* Where a transaction's writes go (txn/writer.c): a socket to a writer helper, a write it
 * abandoned, a /dev/kmsg reader. The context has one lane; each worker of a batch
 * (txn/batch.c) has its own. */
#define MAX_LANES 64
struct lane {
	int writer_fd;                    /* to the helper, -EBADF if none yet */
	pid_t writer_pid;                 /* the lane's own helper, to reap; 0 when shared */
	int stuck_fd;                     /* a write abandoned after its timeout answers here, */
	pid_t stuck_pid;
	char stuck_bdf[VFIOADM_BDF_MAX];  /* txn/bind.c: on this device, whose lock it holds */
	bool left_shared_busy;            /* it abandoned a write on the shared helper */
	int kmsg_fd;                      /* txn/bind.c: /dev/kmsg for the kernel's reasons */
};

/* ---- txn/sysfs-write.c: the one direct sysfs writer ---- */
/* Write @value to @path (under root) in one write(): no O_CREAT, no following a final link.
 * Narrated first; a no-op in dry-run mode. Returns 0 or -errno (the kernel's answer). */
int sysfs_write(struct vfioadm_ctx *ctx, const char *path, const char *value);
/* ---- txn/writer.c: the writer helper and its lanes ---- */
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
/* The run's own lane (batch workers have theirs), made on first use; NULL when out of memory. */
struct lane *run_lane(struct vfioadm_ctx *ctx);
#define DEFAULT_TIMEOUT_MS 10000

/* ---- txn/lock.c ---- */
/* /run/vfioadm (@sub NULL) or /run/vfioadm/@sub, made if missing (0755 / 0700) and verified
 * root's alone, never through a link. An O_DIRECTORY fd, or -EPERM (logged: why), -errno. */
int run_dir_open(struct vfioadm_ctx *ctx, const char *sub);

/* ---- txn/journal.c ---- */
struct journal {
	char bdf[VFIOADM_BDF_MAX];
	char orig_driver[VFIOADM_NAME_MAX];     /* "" unbound */
	char orig_override[VFIOADM_NAME_MAX];   /* "" unset */
	char target[VFIOADM_NAME_MAX];
	char state[16];                          /* "binding", "bound", "releasing" */
	long long started;
	bool from_config;                        /* origin=config: bound by vfioadm apply */
	bool reprobe;                            /* releasing: to the kernel's default driver */
	char vf_pf[VFIOADM_BDF_MAX];             /* a provisioned VF (txn/provision.c): its PF, */
	unsigned vf_index;                       /* its index there and the attributes it had */
	char vf_prev[512];                       /* before vfioadm first changed them ("" none) */
};
/* Open (creating) the journal directory for the run: before a batch's workers write in it. */
int journal_dir(struct vfioadm_ctx *ctx);
int journal_write(struct vfioadm_ctx *ctx, const struct journal *j);
int journal_read(struct vfioadm_ctx *ctx, const char *bdf, struct journal *ret);
int journal_remove(struct vfioadm_ctx *ctx, const char *bdf);
/* Every journal file: @j NULL and @r < 0 when it does not read (journal_fault(r) says why).
 * A negative return from @fn stops the walk and is returned. */
typedef int (*journal_fn)(void *data, const char *name, const struct journal *j, int r);
int journal_each(struct vfioadm_ctx *ctx, journal_fn fn, void *data);
/* A transaction that started and did not finish ("binding", "releasing")? */
bool journal_in_flight(const struct journal *j);
/* What is wrong with a journal journal_read() failed on (-errno), in words for a report */
const char *journal_fault(int r);
/* Parse a journal's text (exposed for the unit tests and the fuzzer). */
int journal_parse(const char *text, struct journal *ret);

/* ---- txn/netlink.c: one netlink socket (libmnl), a request at a time ---- */
struct nl {
	struct mnl_socket *sock;
	unsigned portid, seq;
	char buf[16384];                /* requests are built in it; replies land in it */
};
int nl_open(struct nl *n, int bus);
void nl_close(struct nl *n);
/* A request in n->buf (NLM_F_REQUEST | NLM_F_ACK | @flags); attributes go after it */
struct nlmsghdr *nl_request(struct nl *n, uint16_t type, uint16_t flags);
struct nlmsghdr *nl_genl_request(struct nl *n, uint16_t family, uint8_t cmd, uint16_t flags);
/* Send @req, hand each reply to @fn (a negative return stops), until the ack or the dump's
 * end: 0, or -errno with the kernel's extack message in @why (when it gave one). */
typedef int (*nl_reply_fn)(const struct nlmsghdr *h, void *data);
int nl_talk(struct nl *n, struct nlmsghdr *req, nl_reply_fn fn, void *data, char *why, size_t size);
/* A generic netlink family's id by name: 0, -ENOENT (not in this kernel), -errno */
int nl_genl_family(struct nl *n, const char *name, uint16_t *ret);

/* ---- txn/hooks.c: the vendor hooks in /etc/vfioadm/hooks.d ---- */
enum hook_stage { HOOK_PRE_BIND, HOOK_POST_BIND, HOOK_PRE_RELEASE, HOOK_POST_RELEASE };
const char *hook_stage_name(enum hook_stage s);
/* What a hook is told, as VFIOADM_* variables (vfioadm-hooks(7)) */
struct hook_facts {
	const char *reason;          /* "bind", "release", "rollback" (undo what pre-bind set up) */
	const char *bdf;
	const char *vfio_driver;     /* the VFIO driver chosen, or being released */
	const char *host_driver;     /* the host driver it was on / goes back to, "" none */
	const char *pf;              /* a VF's PF, else NULL (its index is looked up when hooks run) */
	uint32_t vendor, device;
	int iommu_group;             /* -1 none */
};
#define HOOK_TIMEOUT_MS 30000        /* each hook's; VFIOADM_HOOK_TIMEOUT=SEC overrides */
/* Run the stage's hooks in name order, each in a clean room, until one fails. All are checked
 * first: one that another user owns or may write, or a link, refuses them all (-EPERM).
 * Returns 0; -EPERM, -ECHILD (a hook failed), -ETIMEDOUT (killed), -errno, with @why. In a
 * dry run each is narrated, none run. */
int hooks_run(struct vfioadm_ctx *ctx, enum hook_stage stage, const struct hook_facts *f, char *why, size_t size);

/* ---- txn/bind.c: one transaction, in two halves so that txn/batch.c can overlap many ---- */
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
	bool rolling_back;                   /* bind: undoing a failure */
	bool recovering;                     /* finishing what an interrupted run left */
	struct vfioadm_vf_attrs vf_change;   /* bind: the VF's attributes it sets (txn/provision.c) */
	struct vfioadm_vf_attrs vf_before;   /* and their values before: what a rollback restores */
	unsigned vf_index;                   /* a VF's index on its PF, when vf_indexed */
	bool vf_indexed;
	struct vfioadm_outcome o;
};
/* On the caller's thread (reads, module loading, refusals): 1 when kernel work is left for
 * txn_execute(), 0 when there is none (already so), -errno as vfioadm_bind() returns. */
int txn_prepare(struct txn *t, struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
		bool bind);
/* On any thread, with a lane of its own: the journal, the writes, verification, rollback. */
int txn_execute(struct txn *t, struct lane *l);
void txn_done(struct txn *t);
/* ---- txn/provision.c: a VF's attributes as a step of its transaction ---- */
/* Which of PF @pf's VFs @bdf is, as the PF's snapshot lists them (its virtfn links, in index
 * order): the index, -ENOENT not one of them, -errno */
int vf_index_on_pf(struct vfioadm_ctx *ctx, const char *pf, const char *bdf);
/* What @v asks of VF @index of @pf: every entry that selects it merged in order (later wins) */
void vf_settings_want(const struct vfioadm_vf_setting *v, size_t n, const char *pf, unsigned index,
		      struct vfioadm_vf_attrs *ret);
/* bind, on the caller's thread: what the options ask of this VF that it does not have yet
 * (t->vf_change, t->vf_before; the journal's vf_* fields). 1: there is something to set, 0:
 * nothing, -errno with the outcome's reason (provision_bad: this device cannot have it). */
int provision_prepare(struct txn *t);
/* bind, the VF without a driver: set t->vf_change. 0 or -errno with the reason. */
int provision_apply(struct txn *t);
/* back to @a (NULL or none set: nothing to do) on the VF t->j names, without a driver. A failure is a warning in
 * the outcome, never a reason to leave the device driverless. */
void provision_restore(struct txn *t, const struct vfioadm_vf_attrs *a);
/* bind: the journal's vf_* fields, once t->j and t->prev are filled in */
void provision_journal(struct txn *t);
/* The attributes a journal says a release restores: false when it records none */
bool journal_vf_prev(const struct journal *j, struct vfioadm_vf_attrs *ret);

/* txn/batch.c: vfioadm_bind_many() over any such transactions (the unit tests bring fakes) */
struct txn_ops {
	int (*prepare)(struct txn *t, struct vfioadm_ctx *ctx, const char *bdf,
		       const struct vfioadm_bind_opts *opts, bool bind);
	int (*execute)(struct txn *t, struct lane *l);
	void (*done)(struct txn *t);
};
int batch_run(struct vfioadm_ctx *ctx, const char *const *bdfs, size_t n, const struct vfioadm_bind_opts *opts,
	      bool bind, const struct txn_ops *ops, vfioadm_outcome_fn fn, void *data);

