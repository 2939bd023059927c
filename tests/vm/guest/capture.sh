# Copy the sysfs subset vfioadm reads (attributes + symlinks, real kernel layout) into $1.
# Sourced by the capture scenario. Write-only and binary-mmap attributes become empty files
# so the tree keeps its real shape.

_cap_dir() { # SRC DST: the attributes and links of one directory, not its subdirectories
	mkdir -p "$2"
	for f in "$1"/* "$1"/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		n=${f##*/}
		if [ -L "$f" ]; then
			ln -sfn "$(readlink "$f")" "$2/$n"
		elif [ -f "$f" ]; then
			case $n in resource[0-9]*|rom|config) : >"$2/$n"; continue ;; esac
			cat "$f" >"$2/$n" 2>/dev/null || : >"$2/$n"
		fi
	done
}

capture_sysfs() {
	out=$1
	for d in /sys/bus/pci/devices/*; do
		real=$(readlink -f "$d")
		_cap_dir "$real" "$out$real"
		mkdir -p "$out/sys/bus/pci/devices"
		ln -sfn "$(readlink "$d")" "$out/sys/bus/pci/devices/${d##*/}"
		for v in "$real"/vfio-dev/*; do [ -d "$v" ] && _cap_dir "$v" "$out$v"; done
		for t in "$real"/mdev_supported_types/*; do
			[ -d "$t" ] && { _cap_dir "$t" "$out$t"; _cap_dir "$t/devices" "$out$t/devices"; }
		done
	done
	for drv in /sys/bus/pci/drivers/*; do
		_cap_dir "$drv" "$out$drv"
		m=$(readlink -f "$drv/module" 2>/dev/null) || continue
		[ -d "$m/drivers" ] && _cap_dir "$m/drivers" "$out$m/drivers"
		[ -f "$m/initstate" ] && cat "$m/initstate" >"$out$m/initstate"
	done
	# the class a kernel >= 6.1 makes while vfio is loaded (vfioadm asks for it once per run)
	[ -d /sys/class/vfio-dev ] && _cap_dir /sys/class/vfio-dev "$out/sys/class/vfio-dev"
	for g in /sys/kernel/iommu_groups/*; do
		_cap_dir "$g" "$out$g"
		_cap_dir "$g/devices" "$out$g/devices"
	done
	mkdir -p "$out/proc/sys/kernel" "$out/dev/vfio"
	cat /proc/sys/kernel/osrelease >"$out/proc/sys/kernel/osrelease"
	for n in /dev/vfio/*; do [ -e "$n" ] && [ ! -d "$n" ] && : >"$out/dev/vfio/${n##*/}"; done
	rel=$(cat /proc/sys/kernel/osrelease)
	mkdir -p "$out/lib/modules/$rel"
	cp /lib/modules/"$rel"/modules.* "$out/lib/modules/$rel/"
	capture_readiness "$out"
}

# What vfioadm doctor reads beyond the devices: the command line, interrupt chips, the
# firmware's table names (empty files: the tables are binary and root's), IOMMU units, the
# VFIO modules' parameters, hugepages.
capture_readiness() {
	out=$1
	mkdir -p "$out/proc" "$out/sys/firmware/acpi/tables"
	cat /proc/cmdline >"$out/proc/cmdline"
	cat /proc/interrupts >"$out/proc/interrupts"
	for t in /sys/firmware/acpi/tables/*; do [ -f "$t" ] && : >"$out$t"; done
	[ -d /sys/class/iommu ] && _cap_dir /sys/class/iommu "$out/sys/class/iommu"
	for m in vfio vfio_iommu_type1 iommufd vfio_pci; do
		[ -d /sys/module/$m/parameters ] && _cap_dir /sys/module/$m/parameters "$out/sys/module/$m/parameters"
	done
	for h in /sys/kernel/mm/hugepages/*; do [ -d "$h" ] && _cap_dir "$h" "$out$h"; done
	return 0
}
