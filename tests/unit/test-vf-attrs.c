/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of the VF attribute text (vfioadm sriov --set, [vf PF N] keys, the journal's vf_prev). */
#include <errno.h>
#include <string.h>

#include "access/access.h"
#include "tap.h"

static void round_trip(const char *in, const char *want)
{
	struct vfioadm_vf_attrs a, b;
	char err[256] = "", out[512] = "", again[512] = "";
	is_int(vfioadm_vf_attrs_parse(in, &a, err, sizeof(err)), 0, "'%s' parses%s%s", in, *err ? ": " : "", err);
	ok(vfioadm_vf_attrs_format(&a, out, sizeof(out)) >= 0, "'%s' formats", in);
	is_str(out, want, "'%s' formats canonically", in);
	is_int(vfioadm_vf_attrs_parse(out, &b, err, sizeof(err)), 0, "its format parses again");
	vfioadm_vf_attrs_format(&b, again, sizeof(again));
	is_str(again, out, "and formats the same: a fixed point");
	ok(vfioadm_vf_attrs_equal(&a, &b) && vfioadm_vf_attrs_equal(&b, &a), "and compares equal");
}

static void refused(const char *in, const char *err_part)
{
	struct vfioadm_vf_attrs a;
	char err[256] = "";
	is_int(vfioadm_vf_attrs_parse(in, &a, err, sizeof(err)), -EINVAL, "'%s' refused", in);
	ok(strstr(err, err_part) != NULL, "  says '%s' (%s)", err_part, err);
}

int main(void)
{
	round_trip("mac=02:00:00:00:00:01", "mac=02:00:00:00:00:01");
	round_trip("mac=02:AB:cd:00:00:FF,trust=yes", "mac=02:ab:cd:00:00:ff,trust=on");
	round_trip("vlan=4095", "vlan=4095,qos=0,vlan_proto=802.1Q");
	round_trip("state=active,migratable=on", "migratable=on,state=active");
	round_trip("state=inactive", "state=inactive");
	round_trip("vlan=5,qos=3,vlan_proto=802.1ad", "vlan=5,qos=3,vlan_proto=802.1ad");
	round_trip("vlan=0", "vlan=0");
	round_trip("migratable=on,trust=off,spoofchk=0,link_state=disable", "trust=off,spoofchk=off,link_state=disable,migratable=on");
	round_trip("max_tx_rate=4294967295,min_tx_rate=0,max_io_eqs=8", "min_tx_rate=0,max_tx_rate=4294967295,max_io_eqs=8");
	round_trip("hw_addr=02:00:00:00:00:09,roce=false,ipsec_crypto=true,ipsec_packet=no,query_rss=1",
		   "query_rss=on,hw_addr=02:00:00:00:00:09,roce=off,ipsec_crypto=on,ipsec_packet=off");
	round_trip("trust=on,trust=off", "trust=off");

	refused("", "got nothing");
	refused(",", "got nothing");
	refused("mac", "expected KEY=VALUE");
	refused("colour=blue", "unknown VF attribute 'colour'");
	refused("mac=02:00:00:00:00", "a unicast MAC address");
	refused("mac=02:00:00:00:00:01:02", "a unicast MAC address");
	refused("mac=01:00:5e:00:00:01", "a unicast MAC address"); /* multicast */
	refused("mac=02:00:00:00:00:0g", "a unicast MAC address");
	refused("mac=2:0:0:0:0:1", "a unicast MAC address");
	refused("vlan=4096", "a VLAN id 0-4095");
	refused("vlan=-1", "a VLAN id 0-4095");
	refused("vlan=5x", "a VLAN id 0-4095");
	refused("vlan=5,qos=8", "a priority 0-7");
	refused("vlan=0,qos=3", "need a VLAN id");
	refused("vlan_proto=802.1x", "802.1Q or 802.1ad");
	refused("trust=maybe", "on or off");
	refused("link_state=up", "auto, enable or disable");
	refused("state=up", "active or inactive");
	refused("max_tx_rate=4294967296", "a number 0-4294967295");
	refused("max_tx_rate= 5", "a number");
	char big[600];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	refused(big, "longer than");

	/* equal: @have may report more than @want asks for; each wanted value must match */
	struct vfioadm_vf_attrs want, have;
	char err[256];
	vfioadm_vf_attrs_parse("mac=02:00:00:00:00:01,trust=on", &want, err, sizeof(err));
	vfioadm_vf_attrs_parse("mac=02:00:00:00:00:01,trust=on,spoofchk=off,vlan=7", &have, err, sizeof(err));
	ok(vfioadm_vf_attrs_equal(&want, &have), "what the kernel reports beyond the wanted keys does not matter");
	ok(!vfioadm_vf_attrs_equal(&have, &want), "a wanted key the kernel does not report is not equal");
	vfioadm_vf_attrs_parse("mac=02:00:00:00:00:01,trust=off", &have, err, sizeof(err));
	ok(!vfioadm_vf_attrs_equal(&want, &have), "a different value is not equal");

	/* merge: the later value wins, the earlier keys stay */
	struct vfioadm_vf_attrs base, over;
	char out[512];
	vfioadm_vf_attrs_parse("mac=02:00:00:00:00:01,vlan=5,qos=2", &base, err, sizeof(err));
	vfioadm_vf_attrs_parse("vlan=9,migratable=on", &over, err, sizeof(err));
	vfioadm_vf_attrs_merge(&base, &over);
	vfioadm_vf_attrs_format(&base, out, sizeof(out));
	is_str(out, "mac=02:00:00:00:00:01,vlan=9,qos=0,vlan_proto=802.1Q,migratable=on", "merge: a VLAN comes whole (its qos 0), the rest stays");
	char tiny[8];
	is_int(vfioadm_vf_attrs_format(&base, tiny, sizeof(tiny)), -ENOSPC, "format into a short buffer: -ENOSPC");

	/* diff: what a bind sets (only what differs) and what it records (only what was reported) */
	struct vfioadm_vf_attrs change, before;
	vfioadm_vf_attrs_parse("mac=02:00:00:00:00:01,vlan=5,trust=on,migratable=on,query_rss=on", &want, err, sizeof(err));
	vfioadm_vf_attrs_parse("mac=02:00:00:00:00:01,vlan=0,trust=off,spoofchk=on,migratable=off,roce=on", &have,
			       err, sizeof(err));
	vfioadm_vf_attrs_diff(&want, &have, &change, &before);
	vfioadm_vf_attrs_format(&change, out, sizeof(out));
	is_str(out, "vlan=5,qos=0,vlan_proto=802.1Q,trust=on,query_rss=on,migratable=on", "diff: the MAC already right is not set");
	vfioadm_vf_attrs_format(&before, out, sizeof(out));
	is_str(out, "vlan=0,trust=off,migratable=off", "diff: before holds the reported old values, not query_rss it never reported");
	vfioadm_vf_attrs_diff(&want, &want, &change, &before);
	is_int(change.set | before.set, 0, "diff of equal attributes: nothing to set, nothing recorded");
	vfioadm_vf_attrs_parse("vlan=5,qos=3", &want, err, sizeof(err));
	vfioadm_vf_attrs_parse("vlan=5,qos=0", &have, err, sizeof(err));
	vfioadm_vf_attrs_diff(&want, &have, &change, &before);
	vfioadm_vf_attrs_format(&change, out, sizeof(out));
	is_str(out, "vlan=5,qos=3,vlan_proto=802.1Q", "diff: a VLAN differing only in its priority is set whole");
	vfioadm_vf_attrs_format(&before, out, sizeof(out));
	is_str(out, "vlan=5,qos=0,vlan_proto=802.1Q", "and recorded whole");
	return tap_done();
}
