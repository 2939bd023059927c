/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The journal format: what a later run trusts to restore a device must parse strictly. */
#include "config/config.h"
#include "tap.h"

int main(void)
{
	struct journal j;
	const char *good = "bdf=0000:02:00.0\norig_driver=e1000e\norig_override=\ntarget=vfio-pci\n"
			   "state=bound\nstarted=1763690000\n";
	is_int(journal_parse(good, &j), 0, "a journal vfioadm writes parses");
	is_str(j.bdf, "0000:02:00.0", "bdf");
	is_str(j.orig_driver, "e1000e", "original driver");
	is_str(j.orig_override, "", "no original override");
	is_str(j.target, "vfio-pci", "target");
	is_str(j.state, "bound", "state");
	is_int(j.started, 1763690000, "timestamp");
	is_int(journal_parse("bdf=02:00.0\norig_driver=\norig_override=x\ntarget=t\nstate=binding\n", &j), 0,
	       "short BDF and empty original driver");
	is_str(j.bdf, "0000:02:00.0", "BDF normalised");
	is_int(journal_in_flight(&j), 1, "binding: in flight");
	is_int(journal_parse(good, &j), 0, "bound again");
	is_int(journal_in_flight(&j), 0, "bound: a record, not in flight");
	is_int(j.reprobe, 0, "no reprobe unless written");
	is_int(journal_parse("bdf=0000:02:00.0\norig_driver=\norig_override=\ntarget=vfio-pci\n"
			     "state=releasing\nreprobe=1\n", &j), 0, "a release in flight, to the default driver");
	is_int(journal_in_flight(&j), 1, "releasing: in flight");
	is_int(j.reprobe, 1, "reprobe=1");

	const char *vf = "bdf=0000:01:00.1\norig_driver=\norig_override=\ntarget=tpf-vf-vfio-pci\nstate=bound\n"
			 "vf_pf=01:00.0\nvf_index=0\nvf_prev=mac=00:00:00:00:00:00,vlan=0,trust=off,migratable=off\n";
	is_int(journal_parse(vf, &j), 0, "a provisioned VF's journal parses");
	is_str(j.vf_pf, "0000:01:00.0", "its PF, normalised");
	is_int(j.vf_index, 0, "its index");
	is_str(j.vf_prev, "mac=00:00:00:00:00:00,vlan=0,trust=off,migratable=off", "the values a release restores");
	struct vfioadm_vf_attrs a;
	is_int(journal_vf_prev(&j, &a), 1, "journal_vf_prev reads them");
	is_int(a.set, VFIOADM_VF_MAC | VFIOADM_VF_VLAN | VFIOADM_VF_TRUST | VFIOADM_VF_MIGRATABLE, "four attributes");
	is_int(journal_parse(good, &j), 0, "a journal without VF fields");
	is_int(journal_vf_prev(&j, &a), 0, "records no attributes");
	const char *bad[] = {
		"bdf=0000:01:00.1\norig_driver=\norig_override=\ntarget=t\nstate=bound\nvf_pf=zz\n",
		"bdf=0000:01:00.1\norig_driver=\norig_override=\ntarget=t\nstate=bound\nvf_index=-1\n",
		"bdf=0000:01:00.1\norig_driver=\norig_override=\ntarget=t\nstate=bound\nvf_index=65536\n",
		"bdf=0000:01:00.1\norig_driver=\norig_override=\ntarget=t\nstate=bound\nvf_index=\n",
		"bdf=0000:01:00.1\norig_driver=\norig_override=\ntarget=t\nstate=bound\nvf_prev=colour=blue\n",
		"bdf=0000:01:00.1\norig_driver=\norig_override=\ntarget=t\nstate=bound\nvf_prev=mac=01:00:5e:00:00:01\n",
		"",
		"garbage\n",
		"bdf=0000:02:00.0\norig_driver=e1000e\norig_override=\ntarget=vfio-pci\n",          /* no state */
		"bdf=zz\norig_driver=\norig_override=\ntarget=vfio-pci\nstate=bound\n",
		"bdf=0000:02:00.0\norig_driver=../x\norig_override=\ntarget=vfio-pci\nstate=bound\n", /* path */
		"bdf=0000:02:00.0\norig_driver=\norig_override=a/b\ntarget=vfio-pci\nstate=bound\n",
		"bdf=0000:02:00.0\norig_driver=\norig_override=\ntarget=\nstate=bound\n",            /* no target */
		"bdf=0000:02:00.0\norig_driver=\norig_override=\ntarget=vfio-pci\nstate=done\n",
		"bdf=0000:02:00.0\norig_driver=\norig_override=\ntarget=vfio pci\nstate=bound\n",
		"bdf=0000:02:00.0\norig_driver=\norig_override=\ntarget=vfio-pci\nstate=releasing\nreprobe=yes\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(journal_parse(bad[i], &j), -EINVAL, "bad journal %zu rejected", i);
	char big[1200];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	is_int(journal_parse(big, &j), -EINVAL, "an over-long line is rejected");
	return tap_done();
}
