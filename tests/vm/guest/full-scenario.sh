#!/bin/sh
# Runs under systemd in the full guest (vfioadm-scenario.service): the scenario between the
# markers the host looks for on the serial console, then an immediate power-off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
depmod -a
for m in $(cat /etc/vfioadm-load-modules 2>/dev/null); do modprobe "$m"; done
# which boot of the scenario this is ("# boots: N" scenarios reboot): VFIOADM_BOOT
VFIOADM_BOOT=$(sed -n 's/.*vfioadm\.boot=\([0-9]*\).*/\1/p' /proc/cmdline)
export VFIOADM_BOOT=${VFIOADM_BOOT:-1}
echo "VFIOADM-SCENARIO-BEGIN kernel=$(uname -r)"
cd /scenario && sh ./run.sh
echo "VFIOADM-SCENARIO-END rc=$?"
sync
systemctl poweroff --force --force
