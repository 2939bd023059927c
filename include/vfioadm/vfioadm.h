/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvfioadm: administer VFIO device assignment on one Linux host.
 *
 * Conventions (as in libkmod and systemd):
 * - every fallible call returns int: >= 0 on success, a negative errno on failure;
 *   objects come back through a trailing ret_ parameter written only on success;
 * - the library never prints and never exits: messages go to the log callback;
 * - every path is resolved under the context's root (see vfioadm_new()).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VFIOADM_BDF_MAX 20      /* "ffffffff:ff:1f.7" + NUL, rounded */
#define VFIOADM_NAME_MAX 64     /* driver and module names */
#define VFIOADM_MODALIAS_MAX 64 /* "pci:v…d…sv…sd…bc…sc…i…" is 54 chars */
#define VFIOADM_PATH_MAX 48     /* /dev/vfio/… nodes */

struct vfioadm_ctx;
struct vfioadm_device;

/* ---- context ---------------------------------------------------------------------- */

enum vfioadm_log_priority {
	VFIOADM_LOG_ERR = 3, VFIOADM_LOG_WARNING = 4,
	VFIOADM_LOG_INFO = 6, /* what a hook printed, one line each */
	VFIOADM_LOG_DEBUG = 7
};
typedef void (*vfioadm_log_fn)(void *data, int priority, const char *msg);

/*
 * vfioadm_new: a context whose every path (/sys, /dev, /proc, /lib/modules, /etc, /run)
 * is resolved under @root (NULL or "/" for the running host). Symlinks are followed only
 * while they stay below @root: one that climbs out makes the access fail with -EXDEV.
 * Returns: 0, -ENOENT/-ENOTDIR when @root is not a directory, -ENOMEM.
 */
int vfioadm_new(const char *root, struct vfioadm_ctx **ret_ctx);
struct vfioadm_ctx *vfioadm_ref(struct vfioadm_ctx *ctx);
/* Returns NULL, so that `ctx = vfioadm_unref(ctx)` drops the pointer too. */
struct vfioadm_ctx *vfioadm_unref(struct vfioadm_ctx *ctx);
void vfioadm_set_log_fn(struct vfioadm_ctx *ctx, vfioadm_log_fn fn, void *data);
const char *vfioadm_get_root(const struct vfioadm_ctx *ctx);
/* Kernel release: <root>/proc/sys/kernel/osrelease when present, else uname(2). */
const char *vfioadm_kernel_release(struct vfioadm_ctx *ctx);

/* ---- parsers (pure functions) ------------------------------------------------------ */

/*
 * vfioadm_bdf_normalize: accept "0000:01:00.0" (domain 4–8 hex digits) or lspci's short
 * "01:00.0" (domain 0), any hex case; write the kernel's form ("0000:01:00.0").
 * Returns: 0, -EINVAL when @s is not a BDF.
 */
int vfioadm_bdf_normalize(const char *s, char ret_bdf[VFIOADM_BDF_MAX]);
/* A size: digits with an optional K, M, G or T (powers of 1024; "G", "GB" and "GiB" alike).
 * Returns: 0, -EINVAL. */
int vfioadm_size_parse(const char *s, uint64_t *ret);

struct vfioadm_modalias {
	uint32_t vendor, device, subvendor, subdevice;
	uint8_t base_class, sub_class, prog_if;
};
/* Parse the kernel's pci modalias exactly. Returns: 0, -EINVAL. */
int vfioadm_modalias_parse(const char *s, struct vfioadm_modalias *ret);
/* The short class name of a base class ("net", "storage", "display", …; "other"). */
const char *vfioadm_class_short_name(uint8_t base_class);
/* A PCI-to-PCI bridge (06/04 or subtractive 06/09): VFIO drivers refuse these. */
bool vfioadm_class_is_bridge(uint8_t base_class, uint8_t sub_class);
/* Reverse of the above for `list --class`. Returns: base class, or -EINVAL. */
int vfioadm_class_from_short_name(const char *name);

/* ---- devices ----------------------------------------------------------------------- */

enum vfioadm_sriov_role { VFIOADM_SRIOV_NONE, VFIOADM_SRIOV_PF, VFIOADM_SRIOV_VF };

struct vfioadm_group_member {
	char name[VFIOADM_BDF_MAX];      /* usually a BDF; groups may hold non-PCI devices */
	char driver[VFIOADM_NAME_MAX];   /* "" when unbound */
};

struct vfioadm_mdev_type {
	char id[VFIOADM_NAME_MAX];       /* directory name, e.g. "mtty-2" */
	char name[VFIOADM_NAME_MAX];
	char device_api[32];
	char description[128];
	int available_instances;         /* -1 unreadable */
};

/* What to read: list needs BASIC, show adds DETAIL. */
enum vfioadm_fill {
	VFIOADM_FILL_BASIC = 1 << 0,
	VFIOADM_FILL_DETAIL = 1 << 1,
};

/*
 * One PCI function as read from sysfs. The library owns it; fields are only ever
 * appended (the struct is allocated by the library, never by the caller).
 */
struct vfioadm_device_info {
	char bdf[VFIOADM_BDF_MAX];
	char modalias[VFIOADM_MODALIAS_MAX];   /* as the kernel reports it */
	struct vfioadm_modalias ids;           /* parsed from modalias */
	uint32_t class_code;                   /* base << 16 | sub << 8 | prog-if */
	char driver[VFIOADM_NAME_MAX];         /* "" when unbound */
	bool has_driver_override;
	char driver_override[VFIOADM_NAME_MAX];
	int iommu_group;                       /* -1: no IOMMU group */
	int numa_node;                         /* -1: none or unknown */
	struct {
		bool bound;                        /* bound to some VFIO driver */
		char device[16];                   /* "vfio0" or "" */
		char group_node[VFIOADM_PATH_MAX]; /* "/dev/vfio/N", "/dev/vfio/noiommu-N" or "" */
		char cdev[VFIOADM_PATH_MAX];       /* "/dev/vfio/devices/vfioX" or "" */
	} vfio;
	struct {
		enum vfioadm_sriov_role role;
		unsigned totalvfs, numvfs;         /* PF */
		int drivers_autoprobe;             /* PF; -1 unknown */
		size_t n_vfs;
		char (*vfs)[VFIOADM_BDF_MAX];      /* PF: its VFs, by index */
		char pf[VFIOADM_BDF_MAX];          /* VF: its PF */
		char (*vf_drivers)[VFIOADM_NAME_MAX]; /* DETAIL, PF: each VF's driver, "" unbound */
	} sriov;

	/* VFIOADM_FILL_DETAIL */
	int revision;                          /* -1 unknown */
	char driver_module[VFIOADM_NAME_MAX];  /* "" for built-in drivers or unbound */
	char reset_methods[128];               /* the kernel's ordered list, "" if none */
	size_t n_group_members;
	struct vfioadm_group_member *group_members;
	size_t n_mdev_types;
	struct vfioadm_mdev_type *mdev_types;
};

/*
 * vfioadm_scan: snapshot every PCI function (sorted by BDF) into the context, replacing
 * an earlier snapshot. Returns: the number of devices, -errno when /sys/bus/pci/devices
 * cannot be read. Devices that vanish during the scan are skipped.
 */
int vfioadm_scan(struct vfioadm_ctx *ctx, unsigned fill);
struct vfioadm_device *vfioadm_device_first(struct vfioadm_ctx *ctx);
struct vfioadm_device *vfioadm_device_next(struct vfioadm_device *dev);
#define vfioadm_for_each_device(dev, ctx) \
	for ((dev) = vfioadm_device_first(ctx); (dev); (dev) = vfioadm_device_next(dev))

/*
 * vfioadm_device_read: read one function by BDF (any form vfioadm_bdf_normalize takes),
 * independent of the snapshot; free with vfioadm_device_free().
 * Returns: 0, -EINVAL malformed BDF, -ENODEV no such PCI device, -errno otherwise.
 */
int vfioadm_device_read(struct vfioadm_ctx *ctx, const char *bdf, unsigned fill,
			struct vfioadm_device **ret_dev);
/* vfioadm_device_exists: is there a PCI function @bdf? Reads nothing else (argument checks
 * before a transaction that reads it anyway). 0 yes, -ENODEV no, -EINVAL malformed BDF. */
int vfioadm_device_exists(struct vfioadm_ctx *ctx, const char *bdf);
struct vfioadm_device *vfioadm_device_free(struct vfioadm_device *dev);
const struct vfioadm_device_info *vfioadm_device_get_info(const struct vfioadm_device *dev);

/* ---- choosing the VFIO driver (lib/choice/) ----------------------------------------- */

#define VFIOADM_PATTERN_MAX 96

enum vfioadm_alias_source {
	VFIOADM_ALIAS_INDEX,    /* modules.alias */
	VFIOADM_ALIAS_BUILTIN,  /* modules.builtin.modinfo */
	VFIOADM_ALIAS_MODINFO,  /* the module file's own alias info */
	VFIOADM_ALIAS_CONFIG,   /* an `alias` line in modprobe.d: the admin's pin */
	VFIOADM_ALIAS_UNKNOWN,  /* libkmod named the module, no pattern could be found */
};

struct vfioadm_candidate {
	char module[VFIOADM_NAME_MAX];
	char pattern[VFIOADM_PATTERN_MAX];   /* the alias pattern that matched the key */
	int wildcards;                       /* wildcard fields among v d sv sd bc sc i */
	int literal_digits;                  /* hex digits the pattern pins down */
	int line;                            /* line in modules.alias; 0 when not from there */
	enum vfioadm_alias_source source;
	bool denied;                         /* on the context's deny list */
};

enum vfioadm_match_reason {
	VFIOADM_MATCH_RANKED,     /* the most specific candidate alias won */
	VFIOADM_MATCH_PINNED,     /* modprobe.d alias lines decided (they hide the indexes) */
	VFIOADM_MATCH_FORCED,     /* the caller named the driver */
	VFIOADM_MATCH_GENERIC,    /* the caller asked for vfio-pci */
	VFIOADM_MATCH_FALLBACK,   /* no usable candidate: generic vfio-pci */
};

enum vfioadm_match_warning {
	VFIOADM_MATCH_WARN_TIE = 1 << 0,          /* another module ranked equal */
	VFIOADM_MATCH_WARN_NO_ALIAS = 1 << 1,     /* forced module has no alias for this device */
	VFIOADM_MATCH_WARN_NO_PCI_DRIVER = 1 << 2,/* module loaded, but registers no PCI driver */
	VFIOADM_MATCH_WARN_DENIED = 1 << 3,       /* a better candidate is on the deny list */
	VFIOADM_MATCH_WARN_PIN_NOT_VFIO = 1 << 4, /* a modprobe.d pin names a module without vfio_pci: aliases */
};

struct vfioadm_match {
	char key[VFIOADM_MODALIAS_MAX + 8];  /* "vfio_pci:v…" */
	size_t n_candidates;
	struct vfioadm_candidate *candidates;/* best first */
	int chosen;                          /* index into candidates, -1 when none applies */
	char module[VFIOADM_NAME_MAX];       /* the chosen module */
	char driver[VFIOADM_NAME_MAX];       /* its PCI driver name, "" until the module is loaded */
	bool loaded;                         /* the module is loaded (or built in) */
	char tie_module[VFIOADM_NAME_MAX];   /* with VFIOADM_MATCH_WARN_TIE */
	enum vfioadm_match_reason reason;
	unsigned warnings;                   /* enum vfioadm_match_warning */
};

struct vfioadm_match_opts {
	const char *driver;  /* a named VFIO driver or module, NULL: choose */
	bool generic;        /* force vfio-pci */
};

/* Match options for a configuration-style mode: "auto" (choose), "vfio" (generic vfio-pci),
 * or a VFIO driver's name; "" or NULL chooses too. */
struct vfioadm_match_opts vfioadm_match_opts_for_mode(const char *mode);

/*
 * vfioadm_set_deny_list: modules never chosen automatically ("never auto-pick X"). The list
 * is copied. Returns: 0, -EINVAL for a malformed module name, -ENOMEM.
 */
int vfioadm_set_deny_list(struct vfioadm_ctx *ctx, const char *const *modules, size_t n);

/*
 * vfioadm_match: choose the VFIO driver for a device with this modalias, the way the kernel
 * documents it: candidates are the modules modprobe would consider for "vfio_" + modalias
 * (libkmod; modprobe.d alias lines first and alone), ranked by fewest wildcard fields, then
 * more literal hex digits, then earlier line in modules.alias. Results are cached per
 * modalias. Free with vfioadm_match_free().
 * Returns: 0; -EINVAL malformed modalias or opts->driver (not a driver name, or not a VFIO
 * driver: no vfio_pci: alias); -ENOENT no module directory; -ENOPKG no vfio-pci to fall back to;
 * -ELIBACC libkmod.so.2 (opened at run time) is not installed.
 */
int vfioadm_match(struct vfioadm_ctx *ctx, const char *modalias,
		  const struct vfioadm_match_opts *opts, struct vfioadm_match **ret);
struct vfioadm_match *vfioadm_match_free(struct vfioadm_match *m);
/* Write a function's driver_override (no bind, no unbind): how boot claims a function before any
 * host driver loads. Returns: 0; -EINVAL bad BDF or driver name; -EROFS under --root; -errno. */
int vfioadm_set_driver_override(struct vfioadm_ctx *ctx, const char *bdf, const char *driver);
/* Load a module (with its dependencies) through libkmod. Returns: 0, -EINVAL, -errno. */
int vfioadm_load_module(struct vfioadm_ctx *ctx, const char *module);
/* A driver or module name we are willing to write into sysfs: [A-Za-z0-9_-]{1,63}. */
bool vfioadm_driver_name_valid(const char *name);
/* Module name -> its PCI driver name from /sys/module/<m>/drivers/pci:<name>.
 * Returns: 0, -ENOENT module not loaded, -ENODEV loaded but no PCI driver. */
int vfioadm_module_driver(struct vfioadm_ctx *ctx, const char *module, char ret[VFIOADM_NAME_MAX]);

/* ---- changing things: narration, dry run, lock (lib/txn/) -------------------------- */

/* Every change is narrated before it happens ("write", "load", …), so --dry-run can print
 * the exact sysfs writes in order; in dry-run mode nothing is written. */
typedef void (*vfioadm_action_fn)(void *data, const char *verb, const char *path, const char *value);
void vfioadm_set_action_fn(struct vfioadm_ctx *ctx, vfioadm_action_fn fn, void *data);
void vfioadm_set_dry_run(struct vfioadm_ctx *ctx, bool dry_run);
/* Async-signal-safe (for a SIGINT/SIGTERM handler): the transactions under way finish (or roll
 * back) as usual; vfioadm_bind_many() and vfioadm_unbind_many() start no new one and report
 * those left with -ECANCELED. */
void vfioadm_request_stop(struct vfioadm_ctx *ctx);
/*
 * vfioadm_lock: serialise vfioadm runs that change devices (/run/vfioadm/lock, in a directory
 * made and verified root's alone). Waits up to @timeout_ms; @ret_holder gets the pid of the run
 * that holds it when we time out. Returns: 0, -ETIMEDOUT, -EPERM (the directory or file is not
 * root's alone, or a link: logged with the path), -errno.
 */
int vfioadm_lock(struct vfioadm_ctx *ctx, int timeout_ms, int *ret_holder);
void vfioadm_unlock(struct vfioadm_ctx *ctx);

/* ---- what stands in the way (lib/model/group.c, host-use.c) ------------------------- */

enum vfioadm_blocker_kind {
	VFIOADM_BLOCK_NO_IOMMU,        /* no IOMMU group, noiommu mode off */
	VFIOADM_BLOCK_NOIOMMU_MODE,    /* unsafe noiommu group (warning) */
	VFIOADM_BLOCK_BRIDGE,          /* vfio-pci refuses bridges */
	VFIOADM_BLOCK_PF_WITH_VFS,     /* vfio-pci refuses a PF with VFs enabled */
	VFIOADM_BLOCK_NETDEV,          /* a network interface with addresses or routes */
	VFIOADM_BLOCK_BLOCKDEV,        /* a block device mounted, swapped on, or held (dm/md) */
	VFIOADM_BLOCK_OPEN,            /* a process holds a node of the device or its group */
	VFIOADM_BLOCK_GROUP_MEMBER,    /* another group member is on a non-VFIO host driver */
	VFIOADM_BLOCK_UNBOUND,         /* the device is bound to no driver (check) */
	VFIOADM_BLOCK_JOURNAL,         /* a journal left by an interrupted run */
	VFIOADM_BLOCK_JOURNAL_CORRUPT, /* a journal that does not read: subject its file name */
	VFIOADM_BLOCK_NO_INTREMAP,     /* the trial attach: refused, no interrupt remapping (check) */
	VFIOADM_BLOCK_TRIAL,           /* the trial attach: the kernel refused a step (check) */
	VFIOADM_BLOCK_NO_RESET,        /* no reset mechanism (warning): state carries over VMs */
	VFIOADM_BLOCK_BUS_RESET,       /* only a bus reset (warning): detail, the others it hits */
};

struct vfioadm_blocker {
	enum vfioadm_blocker_kind kind;
	char subject[64];      /* a BDF, an interface, a /dev node */
	char detail[160];      /* a driver, an address, a mount point, a command line */
	int pid;               /* VFIOADM_BLOCK_OPEN */
	bool forceable;        /* --force may override it */
};

struct vfioadm_report {
	size_t n;
	struct vfioadm_blocker *v;
};
struct vfioadm_report *vfioadm_report_free(struct vfioadm_report *r);
/* Nothing but warnings (NOIOMMU_MODE, NO_RESET, BUS_RESET) in the report: the group can be used. */
bool vfioadm_report_viable(const struct vfioadm_report *r);
/* A kind that warns but does not make a group unusable. */
bool vfioadm_blocker_is_warning(enum vfioadm_blocker_kind kind);

/* Host use of one function: its netdevs, block devices and open nodes. Returns: 0, -errno. */
int vfioadm_check_in_use(struct vfioadm_ctx *ctx, const char *bdf, struct vfioadm_report **ret);
/*
 * Viability of an IOMMU group: every member must be unbound or on a driver that manages DMA
 * itself (any VFIO driver, pci-stub, pcieport); processes holding the group node or a member's
 * VFIO cdev; a warning when it is an unsafe noiommu group. Returns: 0 (see
 * vfioadm_report_viable()), -ENOENT no such group, -errno.
 */
enum vfioadm_check_flags {
	VFIOADM_CHECK_NO_HOLDERS = 1 << 0,  /* members only: skip the scan of open nodes */
};
int vfioadm_check_group(struct vfioadm_ctx *ctx, int group, unsigned flags, struct vfioadm_report **ret);
/*
 * vfioadm_check_reset: warnings about how a VMM can reset the group's members: NO_RESET for
 * a function the kernel can reset in no way (no "reset" attribute), BUS_RESET for one only a
 * bus reset resets (reset_method "bus"), with the other functions on its bus as detail.
 * Returns: 0, -ENOENT no such group, -errno.
 */
int vfioadm_check_reset(struct vfioadm_ctx *ctx, int group, struct vfioadm_report **ret);
/*
 * Interrupt remapping as the host shows it, without asking the kernel to attach anything: 1 on
 * (x86's remapping interrupt chips, "IR-…", in /proc/interrupts), 0 off and not overridden (a
 * VMM will be refused: vfioadm_try_group() asks), 2 off but allowed by allow_unsafe_interrupts,
 * -ENOENT not an x86 IOMMU host (no DMAR/IVRS table: the question does not arise there).
 */
int vfioadm_intremap_state(struct vfioadm_ctx *ctx);
/* A NO_INTREMAP blocker, subject "/proc/interrupts", when vfioadm_intremap_state() is 0: read,
 * not the kernel's answer (check's fallback, show --for). Returns: 1 added, 0 not, -errno. */
int vfioadm_report_intremap(struct vfioadm_ctx *ctx, struct vfioadm_report *r);
/* Journals of runs that were interrupted (bind started, never finished): BDFs, one per entry. */
int vfioadm_leftover_journals(struct vfioadm_ctx *ctx, struct vfioadm_report **ret);

/* ---- VF provisioning (lib/access/vf-attrs.c, lib/txn/vf.c) --------------------------- */

/* What a VF is set up with before its VFIO driver probes: rtnetlink VF attributes on the PF's
 * netdev (ip-link(8) "vf N …") and devlink port-function attributes of the VF's port on the
 * PF's devlink instance (devlink-port(8) "function set …"). @set says which fields count. */
enum vfioadm_vf_attr {
	VFIOADM_VF_MAC = 1u << 0,         /* rtnetlink */
	VFIOADM_VF_VLAN = 1u << 1,        /* vlan, qos, vlan_proto */
	VFIOADM_VF_TRUST = 1u << 2,
	VFIOADM_VF_SPOOFCHK = 1u << 3,
	VFIOADM_VF_LINK_STATE = 1u << 4,
	VFIOADM_VF_MIN_TX_RATE = 1u << 5,
	VFIOADM_VF_MAX_TX_RATE = 1u << 6,
	VFIOADM_VF_QUERY_RSS = 1u << 7,
	VFIOADM_VF_HW_ADDR = 1u << 8,     /* devlink port function */
	VFIOADM_VF_ROCE = 1u << 9,
	VFIOADM_VF_MIGRATABLE = 1u << 10,
	VFIOADM_VF_IPSEC_CRYPTO = 1u << 11,
	VFIOADM_VF_IPSEC_PACKET = 1u << 12,
	VFIOADM_VF_MAX_IO_EQS = 1u << 13,
	VFIOADM_VF_STATE = 1u << 14,      /* the port function's state (active, inactive) */
};
#define VFIOADM_VF_RTNL_ATTRS 0x00ffu
#define VFIOADM_VF_DEVLINK_ATTRS 0x7f00u
struct vfioadm_vf_attrs {
	unsigned set;                       /* VFIOADM_VF_* */
	uint8_t mac[6], hw_addr[6];
	uint16_t vlan;                      /* 0: none */
	uint8_t qos;
	uint16_t vlan_proto;                /* 0x8100 (802.1Q) or 0x88a8 (802.1ad) */
	bool trust, spoofchk, query_rss;
	uint8_t link_state;                 /* 0 auto, 1 enable, 2 disable */
	uint32_t min_tx_rate, max_tx_rate;  /* Mbit/s, 0: no limit */
	bool roce, migratable, ipsec_crypto, ipsec_packet;
	uint32_t max_io_eqs;
	uint8_t state;                      /* 0 inactive, 1 active */
};
/* "mac=02:00:00:00:00:01,vlan=5,trust=on,migratable=on" (vfioadm-sriov(8)). -EINVAL with @err. */
int vfioadm_vf_attrs_parse(const char *spec, struct vfioadm_vf_attrs *ret, char *err, size_t size);
/* One KEY=VALUE into @a (a [vf PF N] key). -EINVAL with @err. */
int vfioadm_vf_attr_set(struct vfioadm_vf_attrs *a, const char *key, const char *value, char *err, size_t size);
/* @into takes every attribute @from sets */
void vfioadm_vf_attrs_merge(struct vfioadm_vf_attrs *into, const struct vfioadm_vf_attrs *from);
/* The attributes set, as parse() reads them, in a fixed order: length, or -ENOSPC. */
int vfioadm_vf_attrs_format(const struct vfioadm_vf_attrs *a, char *buf, size_t size);
/* Each attribute set, as KEY and VALUE text, in the same order */
void vfioadm_vf_attrs_each(const struct vfioadm_vf_attrs *a, void (*fn)(void *data, const char *key, const char *value),
			   void *data);
/* Does @have hold every attribute @want sets, with the same value? */
bool vfioadm_vf_attrs_equal(const struct vfioadm_vf_attrs *want, const struct vfioadm_vf_attrs *have);
/* What of @want @have does not hold yet (@change), and @have's values of those (@before: only
 * what @have reports, so what a release can put back) */
void vfioadm_vf_attrs_diff(const struct vfioadm_vf_attrs *want, const struct vfioadm_vf_attrs *have,
			   struct vfioadm_vf_attrs *change, struct vfioadm_vf_attrs *before);
/*
 * vfioadm_vf_attrs_get: VF @vf of PF @pf as the kernel reports it now: IFLA_VFINFO_LIST of the
 * PF's netdev and the port function of the devlink port whose PCI VF number is @vf. ret->set
 * says what the PF's drivers report. Returns 0; -ENODEV the PF has neither a netdev nor a
 * devlink instance; -ENOENT no VF @vf; -EROFS under --root; -errno, with @why.
 */
int vfioadm_vf_attrs_get(struct vfioadm_ctx *ctx, const char *pf, unsigned vf, struct vfioadm_vf_attrs *ret,
			 char *why, size_t size);
/*
 * vfioadm_vf_attrs_set: change what @want sets, rtnetlink first, then devlink (narrated; a
 * no-op in a dry run). Returns 0; -ENODEV no netdev (for rtnetlink attributes) or no devlink
 * port for the VF (for port-function ones); -EOPNOTSUPP the driver has no such operation;
 * -errno, with @why holding the kernel's extack message.
 */
int vfioadm_vf_attrs_set(struct vfioadm_ctx *ctx, const char *pf, unsigned vf, const struct vfioadm_vf_attrs *want,
			 char *why, size_t size);
/*
 * vfioadm_vf_provision: what `vfioadm vf PF N --set` does: read the VF's attributes, change
 * only those that differ from @want, and if a later change fails put back the earlier ones.
 * @before (may be NULL) gets the values changed, as they were. Returns 0 (@changed says
 * whether anything was written), or -errno as vfioadm_vf_attrs_set() with @why.
 */
int vfioadm_vf_provision(struct vfioadm_ctx *ctx, const char *pf, unsigned vf, const struct vfioadm_vf_attrs *want,
			 struct vfioadm_vf_attrs *before, bool *changed, char *why, size_t size);

/* ---- bind and release (lib/txn/bind.c) ---------------------------------------------- */

/* What a VF is provisioned with before its VFIO driver probes (vfioadm_vf_attrs below): @pf
 * NULL or "" for any VF (bind --set), @index -1 for every VF of @pf. Later entries win. */
struct vfioadm_vf_setting {
	const char *pf;
	int index;
	struct vfioadm_vf_attrs attrs;
};

struct vfioadm_bind_opts {
	struct vfioadm_match_opts match;
	bool force;          /* override the forceable refusals */
	int timeout_ms;      /* for unbind, probe and verification (default 10 s) */
	bool from_config;    /* journal it as bound by the configuration (vfioadm apply) */
	unsigned jobs;       /* vfioadm_bind_many(): transactions at a time (0: 8; 1: one by one) */
	const struct vfioadm_vf_setting *vf;  /* VF provisioning, set between the host driver's */
	size_t n_vf;                          /* unbind and the VFIO driver's probe */
};

struct vfioadm_outcome {
	char bdf[VFIOADM_BDF_MAX];
	char module[VFIOADM_NAME_MAX];      /* the chosen VFIO module */
	char driver[VFIOADM_NAME_MAX];      /* the chosen driver (bind) or restored one (unbind) */
	char prev_driver[VFIOADM_NAME_MAX]; /* what it was on before */
	bool changed;                       /* false: already in the wanted state */
	bool rolled_back;                   /* a failure was undone */
	char reason[256];                   /* the kernel's own words when a probe failed */
	bool hook_failed;                   /* reason is a hook's (vfioadm-hooks(7)), not the kernel's */
	bool provision_failed;              /* reason is about the VF's provisioning (vfioadm-vf(8)) */
	bool provision_bad;                 /* ... which this device cannot have: not a VF, no netdev */
	char warning[256];                  /* done (or rolled back), but a post-release hook failed */
	struct vfioadm_report *refusal;     /* why it was refused (with -EBUSY) */
	int iommu_group;                    /* the function's group, -1 none */
};
void vfioadm_outcome_done(struct vfioadm_outcome *o);

/*
 * vfioadm_bind: move one function to its VFIO driver as a transaction: choose (vfioadm_match),
 * load the module, refuse what would hurt the host, journal the prior state, write
 * driver_override, unbind (abandoned after the timeout, never hung on), bind, verify. Any
 * failure restores the prior driver and driver_override.
 * Returns: 0; -EINVAL bad input; -EBUSY refused (o->refusal says why); -EROFS under a --root
 * that is not the live host; other -errno: failed and rolled back (o->reason).
 */
int vfioadm_bind(struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
		 struct vfioadm_outcome *o);
/*
 * vfioadm_unbind: give the function back: restore what its journal recorded (driver and
 * driver_override), or with no journal clear driver_override and let the kernel's default
 * driver probe. Recovers journals of interrupted runs. Returns as vfioadm_bind().
 */
int vfioadm_unbind(struct vfioadm_ctx *ctx, const char *bdf, const struct vfioadm_bind_opts *opts,
		   struct vfioadm_outcome *o);

/*
 * vfioadm_bind_many / vfioadm_unbind_many: the same for @n functions, each its own transaction,
 * up to opts->jobs of them at a time: the kernel's waits (a driver's remove, a probe) overlap.
 * Checks and module loading happen one function after the other on the caller's thread, the
 * kernel's steps on the library's worker threads (each with its own writer), so a log function
 * set with vfioadm_set_log_fn() may be called from those. In dry-run mode, one by one.
 * @done is called on the caller's thread as each transaction ends, in the order they end, with
 * its index in @bdfs, what vfioadm_bind() would have returned, and its outcome, which is the
 * callback's to keep (vfioadm_outcome_done() it). A BDF listed twice fails with -EINVAL the
 * second time. Returns 0 once every transaction has ended, -ENOMEM before any began.
 */
typedef void (*vfioadm_outcome_fn)(void *data, size_t index, int r, struct vfioadm_outcome *o);
int vfioadm_bind_many(struct vfioadm_ctx *ctx, const char *const *bdfs, size_t n,
		      const struct vfioadm_bind_opts *opts, vfioadm_outcome_fn done, void *data);
int vfioadm_unbind_many(struct vfioadm_ctx *ctx, const char *const *bdfs, size_t n,
			const struct vfioadm_bind_opts *opts, vfioadm_outcome_fn done, void *data);
/*
 * vfioadm_recover: finish what interrupted runs left (a journal still "binding" or
 * "releasing"); call it holding vfioadm_lock(), when no other run can be in flight. A bind is
 * rolled back and a release completed: the function goes back to the driver and
 * driver_override the journal recorded (or to the kernel's default driver when that is what
 * the release was for), and the journal is removed. A function a VFIO user still holds open
 * is left for a later run (-EBUSY). Each journal handled is reported to @fn, as by
 * vfioadm_bind_many(). Unreadable journals are never acted on; a dry run recovers nothing.
 * Returns the number reported.
 */
int vfioadm_recover(struct vfioadm_ctx *ctx, vfioadm_outcome_fn fn, void *data);

/* ---- SR-IOV (lib/cap/sriov.c) ------------------------------------------------------- */

enum vfioadm_vf_mode {
	VFIOADM_VF_AUTO,    /* each VF's best VFIO driver (vfioadm_match) */
	VFIOADM_VF_VFIO,    /* the generic vfio-pci */
	VFIOADM_VF_NAMED,   /* opts.driver */
	VFIOADM_VF_HOST,    /* the kernel's default driver binds (autoprobe on) */
};

struct vfioadm_sriov_opts {
	unsigned numvfs;
	enum vfioadm_vf_mode mode;
	const char *driver;  /* VFIOADM_VF_NAMED */
	bool force;          /* remove VFs although in use */
	int timeout_ms;
	bool from_config;    /* journal the VF bindings as the configuration's */
	const struct vfioadm_vf_setting *vf;  /* each VF provisioned before it is bound (VFIO */
	size_t n_vf;                          /* modes): as vfioadm_bind_opts */
};

struct vfioadm_sriov_outcome {
	char pf[VFIOADM_BDF_MAX];
	char pf_driver[VFIOADM_NAME_MAX];
	unsigned totalvfs, prev_numvfs, numvfs;
	bool changed;
	bool rolled_back;
	char reason[256];
	size_t n_vfs;
	struct vfioadm_outcome *vfs;        /* one per VF bound (VFIO modes) */
	struct vfioadm_report *refusal;     /* VFs in use (with -EBUSY) */
};
void vfioadm_sriov_outcome_done(struct vfioadm_sriov_outcome *o);

/*
 * vfioadm_sriov_set: give a PF @opts->numvfs VFs on the requested driver. For VFIO modes
 * sriov_drivers_autoprobe is 0 while the VFs appear, so no host driver touches them, then each
 * VF is bound (vfioadm_bind) and the prior autoprobe value restored. A changed non-zero count
 * writes 0 first. Removing VFs that are in use is refused unless forced. If a VF cannot be
 * bound, the PF goes back to its previous count.
 * Returns: 0; -EINVAL bad input; -ERANGE more than sriov_totalvfs; -ENOTSUP not an SR-IOV PF;
 * -ENOENT the PF's driver cannot enable SR-IOV (or there is none); -EBUSY refused;
 * other -errno failed (rolled back).
 */
int vfioadm_sriov_set(struct vfioadm_ctx *ctx, const char *pf, const struct vfioadm_sriov_opts *opts,
		      struct vfioadm_sriov_outcome *o);

/* ---- mediated devices (lib/cap/mdev.c) ---------------------------------------------- */

#define VFIOADM_UUID_LEN 37

struct vfioadm_mdev_parent {
	char name[VFIOADM_NAME_MAX];        /* /sys/class/mdev_bus/<name>: a BDF or a device name */
	size_t n_types;
	struct vfioadm_mdev_type *types;
};

struct vfioadm_mdev {
	char uuid[VFIOADM_UUID_LEN];
	char parent[VFIOADM_NAME_MAX];
	char type[VFIOADM_NAME_MAX];
	char driver[VFIOADM_NAME_MAX];      /* "" unbound */
	int iommu_group;                    /* -1 none */
};

/* Parents (optionally only @parent) with their types. Free with vfioadm_mdev_parents_free(). */
int vfioadm_mdev_parents(struct vfioadm_ctx *ctx, const char *parent,
			 struct vfioadm_mdev_parent **ret, size_t *ret_n);
void vfioadm_mdev_parents_free(struct vfioadm_mdev_parent *p, size_t n);
int vfioadm_mdev_list(struct vfioadm_ctx *ctx, struct vfioadm_mdev **ret, size_t *ret_n);
/* Returns: true for a UUID in the canonical 8-4-4-4-12 hex form. */
bool vfioadm_uuid_valid(const char *uuid);
/* A random (version 4) UUID, lower case. Returns: 0, -errno. */
int vfioadm_uuid_random(char ret[VFIOADM_UUID_LEN]);
/*
 * vfioadm_mdev_create: write @uuid to the type's create file.
 * Returns: 0; -EINVAL malformed uuid/names; -ENODEV no such parent or type; the kernel's
 * -EEXIST (duplicate uuid), -EUSERS (no instances left), -errno otherwise.
 */
int vfioadm_mdev_create(struct vfioadm_ctx *ctx, const char *parent, const char *type, const char *uuid);
/* Remove an mdev; refused (-EBUSY, @ret_refusal says who) while its VFIO group is held. */
int vfioadm_mdev_remove(struct vfioadm_ctx *ctx, const char *uuid, bool force,
			struct vfioadm_report **ret_refusal);

/* ---- what a VFIO device exposes (lib/cap/probe.c) ----------------------------------- */

struct vfioadm_sparse_area {
	uint64_t offset, size;
};

struct vfioadm_region {
	unsigned index;
	char name[32];                  /* BAR0–BAR5, ROM, CONFIG, VGA, or "type T/S" */
	uint64_t size, offset;          /* offset: where the region sits in the device fd */
	uint32_t flags;
	bool read, write, mmap;
	bool msix_mappable;             /* VFIO_REGION_INFO_CAP_MSIX_MAPPABLE */
	bool has_type;                  /* VFIO_REGION_INFO_CAP_TYPE */
	uint32_t type, subtype;
	size_t n_sparse;                /* VFIO_REGION_INFO_CAP_SPARSE_MMAP */
	struct vfioadm_sparse_area *sparse;
};

struct vfioadm_irq {
	unsigned index;
	char name[8];                   /* INTx, MSI, MSI-X, ERR, REQ */
	uint32_t count, flags;
};

struct vfioadm_probe {
	char device[VFIOADM_UUID_LEN];  /* the BDF or mdev UUID probed */
	char access[16];                /* "group" (container + group) or "cdev" */
	int iommu_group;
	uint32_t flags, num_regions, num_irqs;
	struct vfioadm_region *regions;
	struct vfioadm_irq *irqs;
	bool migration;                 /* VFIO_DEVICE_FEATURE_MIGRATION answered */
	uint64_t migration_flags;
	bool dma_logging, low_power;
};
struct vfioadm_probe *vfioadm_probe_free(struct vfioadm_probe *p);

enum vfioadm_access {
	VFIOADM_ACCESS_AUTO,  /* the cdev where the kernel has one (6.6+, iommufd), else the group */
	VFIOADM_ACCESS_GROUP, /* container + group, VFIO_TYPE1v2_IOMMU, VFIO_GROUP_GET_DEVICE_FD */
	VFIOADM_ACCESS_CDEV,  /* /dev/vfio/devices/vfioX, VFIO_DEVICE_BIND_IOMMUFD to /dev/iommu */
};

/*
 * vfioadm_probe_device_via: open a device bound to a VFIO driver (BDF) or an mdev (UUID) the
 * way a VMM does, through @access — no DMA mapping, no IOAS attached — and read its info,
 * regions, IRQs and features; p->access says which way was used. Opening it may reset the
 * device. Everything opened is closed again. vfioadm_probe_device() is AUTO.
 * Returns: 0; -EINVAL malformed name; -ENODEV no such device; -ENXIO not on a VFIO driver;
 * -EOPNOTSUPP CDEV asked for, but the kernel made no cdev for it or has no /dev/iommu;
 * -EBUSY the group is not viable or held (*ret_refusal says why); -errno from the kernel.
 */
int vfioadm_probe_device_via(struct vfioadm_ctx *ctx, const char *device, enum vfioadm_access access,
			     struct vfioadm_probe **ret, struct vfioadm_report **ret_refusal);
int vfioadm_probe_device(struct vfioadm_ctx *ctx, const char *device, struct vfioadm_probe **ret,
			 struct vfioadm_report **ret_refusal);

/* ---- the trial attach (lib/cap/trial.c) --------------------------------------------- */

struct vfioadm_trial {
	int err;                     /* 0: the kernel took every step; else its errno at step */
	char step[48];               /* "VFIO_SET_IOMMU(type1v2)", "VFIO_DEVICE_BIND_IOMMUFD", … */
	char node[VFIOADM_PATH_MAX]; /* the node that step used */
	char access[8];              /* "group" or "cdev": the model of the last step taken */
	bool no_intremap;            /* refused for MSIs the platform cannot isolate (EPERM) */
	bool noiommu;                /* an unsafe noiommu group (VFIO_NOIOMMU_IOMMU): no VMM can use it */
	bool cdev_tried;             /* the members' cdevs were bound to an iommufd and attached too */
};
/*
 * vfioadm_try_group: take IOMMU group @group through the steps a VMM takes, then undo them:
 * container, group, VFIO_SET_IOMMU (type1v2; a noiommu group: VFIO_NOIOMMU_IOMMU); where the
 * kernel made VFIO device cdevs and has /dev/iommu, then each member's cdev bound to an iommufd
 * and attached to a fresh IOAS. Nothing is mapped. Call it on a viable group nobody holds
 * (vfioadm_check_group()): while it runs the group is open, and binding a cdev opens the device
 * (which may reset it).
 * Returns: 0 (t->err is the kernel's answer); -ENOENT no member on VFIO (no group node);
 * -EACCES/-EPERM not allowed to open the nodes; -EBUSY opened by another meanwhile;
 * -EOPNOTSUPP under a --root tree (no kernel to ask).
 */
int vfioadm_try_group(struct vfioadm_ctx *ctx, int group, struct vfioadm_trial *t);

/* ---- host readiness (lib/config/doctor*.c) ------------------------------------------- */

enum vfioadm_verdict { VFIOADM_PASS, VFIOADM_WARN, VFIOADM_FAIL };

struct vfioadm_finding {
	enum vfioadm_verdict verdict;
	char id[32];         /* stable: "iommu.firmware", "intremap", … (vfioadm-doctor(8)) */
	char what[256];      /* the finding, one sentence */
	char evidence[384];  /* what was read: "FILE: value; …" (host data: escape it to print) */
	char fix[512];       /* what to do about it; "" when nothing */
};
struct vfioadm_findings {
	size_t n;
	struct vfioadm_finding *v;
};
struct vfioadm_findings *vfioadm_findings_free(struct vfioadm_findings *f);

struct vfioadm_doctor_opts {
	const char *user;        /* the user a VMM runs as: access, memlock (NULL: not asked) */
	uint64_t guest_memory;   /* bytes of guest RAM that user's VMs pin (0: not given) */
	bool no_trial;           /* read only: no trial attach of a free VFIO group */
};
/*
 * vfioadm_doctor: can this host assign devices through VFIO, and what stops it: IOMMU in the
 * firmware and the kernel, interrupt remapping (the kernel's answer to a trial attach of a
 * free VFIO group, when there is one), noiommu mode, VFIO's modules and nodes, shared groups
 * and their missing ACS, boot (vfio-pci.ids= against the configuration, boot units, the
 * initramfs), and a VMM user's access and memlock limit. Read only, but for the trial.
 * Returns: 0 (the findings, in a fixed order); -ESRCH no such user; -errno.
 */
int vfioadm_doctor(struct vfioadm_ctx *ctx, const struct vfioadm_doctor_opts *opts,
		   struct vfioadm_findings **ret);

/* ---- declarative configuration (lib/config/) --------------------------------------- */

#define VFIOADM_ANY_ID 0xffffffffu

enum vfioadm_selector { VFIOADM_SEL_BDF, VFIOADM_SEL_ID, VFIOADM_SEL_VF };
enum vfioadm_group_policy { VFIOADM_GROUP_NONE, VFIOADM_GROUP_SIBLINGS, VFIOADM_GROUP_ALL };

struct vfioadm_cfg_device {
	enum vfioadm_selector kind;
	char bdf[VFIOADM_BDF_MAX];          /* SEL_BDF: the function; SEL_VF: its PF */
	unsigned vf_index;                  /* SEL_VF */
	uint32_t vendor, device, subvendor, subdevice; /* SEL_ID; VFIOADM_ANY_ID = any */
	char driver[VFIOADM_NAME_MAX];      /* auto, vfio, host, or a VFIO driver */
	enum vfioadm_group_policy group;
	char file[128];                     /* the file that set it last */
	int owner_driver, owner_group;      /* parser bookkeeping (-1: never set) */
	struct vfioadm_vf_attrs vf;         /* SEL_VF: what the VF is provisioned with */
	int owner_vf;                       /* parser bookkeeping: the file that set vf_keys */
	uint32_t vf_keys;
};

struct vfioadm_cfg_sriov {
	char pf[VFIOADM_BDF_MAX];
	bool has_numvfs;
	unsigned numvfs;
	char driver[VFIOADM_NAME_MAX];      /* auto, vfio, host, or a VFIO driver */
	char file[128];
	int owner_vfs, owner_driver;
};

struct vfioadm_cfg_mdev {
	char uuid[VFIOADM_UUID_LEN];
	char parent[VFIOADM_NAME_MAX];
	char type[VFIOADM_NAME_MAX];
	char file[128];
	int owner_parent, owner_type;
};

struct vfioadm_config {
	size_t n_devices, n_sriov, n_mdevs, n_deny;
	struct vfioadm_cfg_device *devices;
	struct vfioadm_cfg_sriov *sriov;
	struct vfioadm_cfg_mdev *mdevs;
	char **deny;                        /* [policy] deny: never auto-pick these modules */
	struct {                            /* [cdi]: the spec kept current after every change */
		char output[256];               /* a directory ("/run/cdi"); "" when not kept */
		char kind[129];                 /* "" : VFIOADM_CDI_KIND */
		bool annotations, yaml;
		char file[128];
	} cdi;
};

struct vfioadm_config_error {
	char file[128];
	int line;                           /* 0 when not tied to one line */
	char message[512];
};

/* Parse /etc/vfioadm.conf and /etc/vfioadm.d/ *.conf (under the root). Returns: 0; -EINVAL
 * with @err filled (file, line, what was expected); -errno when a file cannot be read. */
int vfioadm_config_load(struct vfioadm_ctx *ctx, struct vfioadm_config **ret, struct vfioadm_config_error *err);
void vfioadm_config_free(struct vfioadm_config *cfg);
/* The [vf PF N] attributes of @cfg as bind and sriov options take them (the PFs point into
 * @cfg). Free *ret with free(). Returns 0 or -ENOMEM. */
int vfioadm_config_vf_settings(const struct vfioadm_config *cfg, struct vfioadm_vf_setting **ret, size_t *n);
/*
 * vfioadm_config_edit: set (@body: "key = value" lines) or remove (@body NULL) the section
 * @section ("device 0000:3b:00.0", "sriov …", "vf … N", "mdev UUID") in the tool's own file
 * /etc/vfioadm.d/50-vfioadm.conf, written to a temporary file, synced and renamed into place.
 * The caller holds the run lock. Returns: 0; -EINVAL a section that does not parse (@err);
 * -ENOENT removing a section the file does not have; -EROFS under --root; -errno.
 */
int vfioadm_config_edit(struct vfioadm_ctx *ctx, const char *section, const char *body,
			struct vfioadm_config_error *err);
/*
 * vfioadm_boot_units: which of vfioadm's boot units are enabled (and not masked), read from
 * systemd's unit directories under the context's root: VFIOADM_BOOT_CLAIM
 * (vfioadm-claim.service) and VFIOADM_BOOT_APPLY (vfioadm-apply.service). Both are needed for
 * the configuration to be in force after a reboot. Returns 0, or -EOPNOTSUPP when the host was
 * not booted with systemd (then nothing can be told).
 */
enum vfioadm_boot_unit {
	VFIOADM_BOOT_CLAIM = 1 << 0,
	VFIOADM_BOOT_APPLY = 1 << 1,
};
int vfioadm_boot_units(struct vfioadm_ctx *ctx, unsigned *ret_enabled);

enum vfioadm_action_kind {
	VFIOADM_ACT_UNBIND,        /* give back a device the configuration no longer wants on VFIO */
	VFIOADM_ACT_SRIOV,         /* set a PF's VF count (and bind the VFs) */
	VFIOADM_ACT_BIND,          /* put a device on its VFIO driver */
	VFIOADM_ACT_MDEV_CREATE,   /* create a configured mdev */
};

struct vfioadm_action {
	enum vfioadm_action_kind kind;
	char target[VFIOADM_UUID_LEN];      /* BDF, PF, or mdev UUID */
	char driver[VFIOADM_NAME_MAX];      /* bind: auto, vfio or a driver; sriov: the VF driver */
	char current[VFIOADM_NAME_MAX];     /* what it is on now */
	unsigned numvfs;
	char parent[VFIOADM_NAME_MAX], type[VFIOADM_NAME_MAX];
	char source[128];                   /* the configuration file behind it */
	bool provision;                     /* bind: a VF whose attributes differ from its [vf] */
};

struct vfioadm_plan {
	size_t n;
	struct vfioadm_action *v;           /* in the order apply runs them */
};

/*
 * vfioadm_plan_compute: the difference between the configuration and this host, as the
 * actions that close it, in dependency order (releases, VFs, bindings, mdevs). A device
 * already where it should be yields nothing. Returns: 0; -EINVAL when two entries of equal
 * precedence give one device different drivers (@err says which files).
 */
int vfioadm_plan_compute(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg,
			 struct vfioadm_plan **ret, struct vfioadm_config_error *err);
void vfioadm_plan_free(struct vfioadm_plan *plan);
/* The configured VFIO driver mode for one function (auto, vfio or a driver), for the boot-time
 * udev rule. Returns: 1 configured (@ret set), 0 not configured or host, -errno. */
int vfioadm_config_driver(struct vfioadm_ctx *ctx, const struct vfioadm_config *cfg,
			  const char *bdf, char ret[VFIOADM_NAME_MAX]);

/* ---- handing devices over: CDI specs (lib/config/cdi.c) ---------------------------- */

#define VFIOADM_CDI_KIND "vfioadm.io/vfio"

struct vfioadm_cdi_opts {
	const char *kind;        /* "vendor/class"; NULL: VFIOADM_CDI_KIND */
	bool annotations;        /* BDF, driver, group, NUMA node, ids: needs cdiVersion 0.6.0 */
	bool yaml;               /* YAML instead of JSON */
};

/* Is @kind a CDI kind, "vendor/class" (vendor: a letter, then letters, digits, '_', '-', '.';
 * class the same without '.'; both end in a letter or digit)? */
bool vfioadm_cdi_kind_valid(const char *kind);
/* A BDF as a CDI device name: "0000:02:00.0" -> "0000-02-00.0" (CDI names have no ':'). */
void vfioadm_cdi_device_name(const char *bdf, char ret[VFIOADM_BDF_MAX]);
/*
 * vfioadm_cdi_spec: the CDI spec of what is usable through VFIO now: one device per function
 * on a VFIO driver in a viable group (named by its BDF, vfioadm_cdi_device_name()) and one
 * per such group ("group-N"), with the nodes a user of it opens. cdiVersion is the lowest the
 * fields need. Scans the devices (replacing the context's snapshot). @ret: malloc()ed text;
 * @ret_n: devices in it. Returns: 0, -EINVAL bad kind, -errno.
 */
int vfioadm_cdi_spec(struct vfioadm_ctx *ctx, const struct vfioadm_cdi_opts *opts, char **ret,
		     size_t *ret_n);
/*
 * vfioadm_cdi_write: vfioadm_cdi_spec() into DIR/VENDOR-CLASS.json (or .yaml), DIR as given
 * (not under the context's root): temp file and rename in DIR, mode 0644, never through a
 * link; with no device the spec is removed (a runtime must not offer what is gone), as is the
 * same kind's spec in the other format. @ret_path: the file. Returns: 0; -EPERM DIR is not
 * root's (or the caller's) or others may write it; -ENOTDIR; -errno.
 */
int vfioadm_cdi_write(struct vfioadm_ctx *ctx, const struct vfioadm_cdi_opts *opts, const char *dir,
		      char *ret_path, size_t path_size, size_t *ret_n);

/* ---- handing a device to a VMM (lib/config/handoff.c) ------------------------------ */

enum vfioadm_consumer {
	VFIOADM_CONSUMER_QEMU,          /* -device vfio-pci,host=BDF (the VFIO group) */
	VFIOADM_CONSUMER_QEMU_IOMMUFD,  /* an iommufd object and the device's cdev (QEMU >= 8.2) */
	VFIOADM_CONSUMER_LIBVIRT,       /* <hostdev mode='subsystem' type='pci' managed='no'> */
};
/* "qemu", "qemu-iommufd", "libvirt". Returns: the consumer, -EINVAL. */
int vfioadm_consumer_from_name(const char *name);

enum vfioadm_handoff_refusal {
	VFIOADM_HANDOFF_USABLE,
	VFIOADM_HANDOFF_NOT_VFIO,       /* on a host driver or none: bind it first */
	VFIOADM_HANDOFF_NO_IOMMU,       /* no IOMMU group, or an unsafe noiommu one: no VMM can */
	VFIOADM_HANDOFF_NO_CDEV,        /* qemu-iommufd: no VFIO cdev or no /dev/iommu */
	VFIOADM_HANDOFF_GROUP,          /* the group is not viable or is held: see blockers */
};

struct vfioadm_handoff {
	char bdf[VFIOADM_BDF_MAX];
	char driver[VFIOADM_NAME_MAX];   /* the VFIO driver it is on ("" unbound) */
	int iommu_group;
	enum vfioadm_handoff_refusal refusal;
	struct vfioadm_report *blockers; /* VFIOADM_HANDOFF_GROUP: what vfioadm check reports */
	char **argv;                     /* QEMU: the arguments, NULL-terminated */
	char *xml;                       /* libvirt: the element */
};
/*
 * vfioadm_handoff: what @consumer needs to open @bdf, once the device is on a VFIO driver in a
 * group a VMM can open (viable, nobody holding it, a real IOMMU; interrupt remapping as
 * vfioadm_intremap_state() reads it). Reads only: the group is not opened. Returns: 0 usable;
 * -EBUSY refused, (*ret)->refusal says why; -ENODEV no such function; -EINVAL; -errno.
 */
int vfioadm_handoff(struct vfioadm_ctx *ctx, const char *bdf, enum vfioadm_consumer consumer,
		    struct vfioadm_handoff **ret);
struct vfioadm_handoff *vfioadm_handoff_free(struct vfioadm_handoff *h);

#ifdef __cplusplus
}
#endif
