# The Debian packages in the full guest, as an admin uses them (#16): boot 1 installs vfioadm
# and libvfioadm0 with apt from the .deb files built from this tree (scripts/build-deb.sh) and
# configures two devices with `vfioadm config add`; boot 2 finds them claimed before their host
# driver and bound by the packaged units, then purges the packages and checks nothing of
# vfioadm is left; boot 3 finds the devices back on their host drivers.
# flavour: full
# install: deb
# boots: 3
# extra: edu_vfio_pci
. ./lib.sh
nic=0000:02:00.0 edu=0000:00:10.0 S=/sys/bus/pci/devices
override() { cat $S/$1/driver_override; }
say() { sed 's/^/#   /' "$1"; }
# everything of vfioadm on the disk, outside the harness's own files (/debs, /scenario,
# /usr/local, the test modules). The root is merged-/usr: /lib is /usr/lib.
leftovers() {
	find /etc /lib /usr/lib /usr/sbin /usr/bin /usr/share /var/lib/dpkg/info /var/lib/systemd \
		-xdev -name '*vfioadm*' ! -path '/usr/lib/modules/*' ! -path '/lib/modules/*' 2>/dev/null |
		grep -v '^/etc/systemd/system/vfioadm-test-depmod.service$\|^/etc/systemd/system/vfioadm-scenario.service$\|/vfioadm-test-depmod.service$\|/vfioadm-scenario.service$\|^/etc/vfioadm-load-modules$' | sort
}

case $VFIOADM_BOOT in
1)
	check "no vfioadm before the install" sh -c '! command -v vfioadm'
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends /debs/*.deb >/tmp/apt.out 2>&1
	rc=$?
	is "$rc" 0 "apt-get install ./vfioadm_*.deb ./libvfioadm0_*.deb"
	[ "$rc" = 0 ] || say /tmp/apt.out
	is "$(dpkg-query -W -f='${Status}' vfioadm):$(dpkg-query -W -f='${Status}' libvfioadm0)" \
		"install ok installed:install ok installed" "both packages installed"
	is "$(command -v vfioadm)" /usr/sbin/vfioadm "vfioadm in /usr/sbin"
	check_exit "vfioadm list runs from the package (libkmod, libpci, libvfioadm found)" 0 vfioadm list
	is "$(systemctl is-enabled vfioadm-claim.service):$(systemctl is-enabled vfioadm-apply.service)" \
		"enabled:enabled" "the package enabled both boot units (dh_installsystemd)"
	is "$(systemctl is-active vfioadm-apply.service)" inactive "and started neither: they run at boot"
	check "the udev rule is where udev reads it" test -f /lib/udev/rules.d/70-vfioadm.rules
	check "the initramfs-tools hook" test -x /usr/share/initramfs-tools/hooks/vfioadm
	check "the manual pages" test -f /usr/share/man/man8/vfioadm-vf.8.gz
	check "the bash completion" test -f /usr/share/bash-completion/completions/vfioadm
	dpkg-query -W -f='${Conffiles}\n' vfioadm | grep -q "^ /etc/vfioadm.conf " &&
		ok "/etc/vfioadm.conf is a conffile" || not_ok "/etc/vfioadm.conf is a conffile"
	is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "the shipped configuration configures nothing"
	check_exit "config add: the NIC on vfio-pci" 0 vfioadm config add device $nic driver=vfio
	check_exit "config add: edu on its best VFIO driver" 0 vfioadm config add device $edu driver=auto
	is "$(sysfs_driver $nic)" e1000e "config add changes nothing by itself"
	end_of_boot
	;;
2)
	is "$(systemctl show -p Result --value vfioadm-claim.service):$(systemctl show -p Result --value vfioadm-apply.service)" \
		"success:success" "boot 2: the packaged units ran and succeeded"
	is "$(sysfs_driver $nic)" vfio-pci "the configured NIC is on vfio-pci"
	is "$(dmesg | grep -c "e1000e $nic")" 0 "e1000e never bound it (claimed before its host driver)"
	is "$(sysfs_driver $edu)" edu-vfio-pci "edu on its variant driver"
	is "$(vfioadm plan)" "nothing to do: this host matches the configuration" "after boot, the host matches"
	leftovers >/tmp/before
	found=$(grep -cx '/usr/sbin/vfioadm\|/usr/lib/udev/rules.d/70-vfioadm.rules\|/usr/share/initramfs-tools/hooks/vfioadm\|/etc/vfioadm.conf\|/etc/systemd/system/multi-user.target.wants/vfioadm-apply.service\|/etc/systemd/system/sysinit.target.wants/vfioadm-claim.service\|/etc/vfioadm.d/50-vfioadm.conf' /tmp/before)
	is "$found" 7 "before the purge the search finds the binary, rule, hook, conffile, enabled units and managed file"
	[ "$found" = 7 ] || say /tmp/before
	DEBIAN_FRONTEND=noninteractive apt-get purge -y vfioadm libvfioadm0 >/tmp/apt.out 2>&1
	rc=$?
	is "$rc" 0 "apt-get purge vfioadm libvfioadm0"
	[ "$rc" = 0 ] || say /tmp/apt.out
	systemctl daemon-reload
	is "$(dpkg-query -W -f='${Status}' vfioadm 2>&1 | grep -c 'installed')" 0 "vfioadm is not installed"
	leftovers >/tmp/left
	is "$(wc -l </tmp/left)" 0 "nothing of vfioadm is left: files, conffile, enabled units, udev rule, initramfs hook"
	[ -s /tmp/left ] && say /tmp/left
	is "$(systemctl list-unit-files 'vfioadm-a*' 'vfioadm-c*' --no-legend | wc -l)" 0 "systemd knows no vfioadm unit"
	check "no /etc/vfioadm.d (its managed file purged)" test ! -e /etc/vfioadm.d
	end_of_boot
	;;
3)
	is "$(sysfs_driver $nic):$(override $nic)" "e1000e:(null)" "boot 3: the NIC back on e1000e, no override"
	is "$(sysfs_driver $edu):$(override $edu)" "null:(null)" "edu without a driver, as without vfioadm"
	check "no vfioadm" sh -c '! command -v vfioadm'
	done_testing
	;;
esac
