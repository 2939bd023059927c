#!/usr/bin/env python3
"""Generate a large synthetic sysfs tree in the real kernel's layout (as captured from the VM
in tests/fixtures/vm-basic): /sys/devices/pci0000:00/<root port>/<PF and its VFs>, the
/sys/bus/pci/devices links, drivers/<d>/ with device links and module link, /sys/module/<m>/
drivers/pci:<d>, /sys/kernel/iommu_groups/N/devices, and a config space lspci can parse.

    gen-sysfs.py OUT_DIR [--pfs 40] [--vfs 250]

Mix per PF (round robin): Mellanox ConnectX-6 Dx (PF 15b3:101d on mlx5_core; VFs 15b3:101e,
whose VFIO variant is mlx5_vfio_pci), Intel E810 (8086:1592 on ice; VFs 8086:1889 on iavf),
Samsung NVMe (144d:a824 on nvme; VFs of the same id). Every third VF is on vfio-pci, every
fifth unbound, the rest on the host VF driver. Each function is its own IOMMU group (ACS).
"""
import argparse
import os
import struct

FAMILIES = [
    # (pf vendor, pf device, class, pf driver, pf module, vf device, vf driver, vf module)
    (0x15B3, 0x101D, 0x020000, "mlx5_core", "mlx5_core", 0x101E, "mlx5_core", "mlx5_core"),
    (0x8086, 0x1592, 0x020000, "ice", "ice", 0x1889, "iavf", "iavf"),
    (0x144D, 0xA824, 0x010802, "nvme", "nvme", 0xA824, "nvme", "nvme"),
]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def config_space(vendor, device, cls, subv, subd, rev):
    cfg = bytearray(256)
    struct.pack_into("<HHHH", cfg, 0, vendor, device, 0x0406, 0x0010)
    cfg[8] = rev
    cfg[9], cfg[10], cfg[11] = cls & 0xFF, (cls >> 8) & 0xFF, (cls >> 16) & 0xFF
    struct.pack_into("<HH", cfg, 0x2C, subv, subd)
    return bytes(cfg)


class Tree:
    def __init__(self, out):
        self.out = out
        self.sys = os.path.join(out, "sys")
        self.group = 0
        self.drivers = {}

    def p(self, *parts):
        return os.path.join(self.sys, *parts)

    def link(self, target, name):
        if os.path.lexists(name):
            os.remove(name)
        os.symlink(target, name)

    def device(self, parent_rel, bdf, vendor, device, cls, subv, subd, driver, module, extra=None):
        rel = os.path.join(parent_rel, bdf)
        d = self.p("devices", rel)
        os.makedirs(d, exist_ok=True)
        modalias = "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X" % (
            vendor, device, subv, subd, cls >> 16, (cls >> 8) & 0xFF, cls & 0xFF)
        attrs = {
            "vendor": "0x%04x\n" % vendor, "device": "0x%04x\n" % device,
            "subsystem_vendor": "0x%04x\n" % subv, "subsystem_device": "0x%04x\n" % subd,
            "class": "0x%06x\n" % cls, "revision": "0x01\n", "modalias": modalias + "\n",
            "driver_override": "(null)\n", "numa_node": "0\n", "irq": "0\n", "enable": "1\n",
            "local_cpulist": "0-1\n", "reset_method": "flr bus\n", "d3cold_allowed": "1\n",
            "resource": "0x00000000fe000000 0x00000000fe0fffff 0x0000000000140204\n" +
            "0x0000000000000000 0x0000000000000000 0x0000000000000000\n" * 12,
            "uevent": "DRIVER=%s\nPCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\n"
                      "PCI_SLOT_NAME=%s\nMODALIAS=%s\n" % (driver or "", cls, vendor, device,
                                                          subv, subd, bdf, modalias),
        }
        attrs.update(extra or {})
        for k, v in attrs.items():
            write(os.path.join(d, k), v)
        with open(os.path.join(d, "config"), "wb") as f:
            f.write(config_space(vendor, device, cls, subv, subd, 1))
        depth = rel.count("/") + 2  # devices/<rel...>
        up = "../" * depth
        self.link(up + "bus/pci", os.path.join(d, "subsystem"))
        g = self.group
        self.group += 1
        gdir = self.p("kernel", "iommu_groups", str(g), "devices")
        os.makedirs(gdir, exist_ok=True)
        write(self.p("kernel", "iommu_groups", str(g), "type"), "DMA\n")
        self.link(up + "kernel/iommu_groups/%d" % g, os.path.join(d, "iommu_group"))
        self.link("../../../../devices/" + rel, os.path.join(gdir, bdf))
        self.link("../../../devices/" + rel, self.p("bus", "pci", "devices", bdf))
        if driver:
            self.bind(d, up, rel, bdf, driver, module)
        return d, up, rel

    def bind(self, d, up, rel, bdf, driver, module):
        ddir = self.p("bus", "pci", "drivers", driver)
        if driver not in self.drivers:
            os.makedirs(ddir, exist_ok=True)
            for f in ("bind", "unbind", "new_id", "remove_id", "uevent"):
                write(os.path.join(ddir, f), "")
            mdir = self.p("module", module, "drivers")
            os.makedirs(mdir, exist_ok=True)
            self.link("../../../bus/pci/drivers/" + driver, os.path.join(mdir, "pci:" + driver))
            self.link("../../../../module/" + module, os.path.join(ddir, "module"))
            self.drivers[driver] = module
        self.link(up + "bus/pci/drivers/" + driver, os.path.join(d, "driver"))
        self.link("../../../../devices/" + rel, os.path.join(ddir, bdf))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pfs", type=int, default=40)
    ap.add_argument("--vfs", type=int, default=250)
    a = ap.parse_args()
    t = Tree(a.out)
    os.makedirs(t.p("bus", "pci", "devices"), exist_ok=True)
    write(os.path.join(t.p("bus", "pci"), "drivers_probe"), "")
    host = "pci0000:00"
    t.device(host, "0000:00:00.0", 0x8086, 0x29C0, 0x060000, 0x1AF4, 0x1100, None, None)
    vfio_n = 0
    for i in range(a.pfs):
        fam = FAMILIES[i % len(FAMILIES)]
        pv, pd, cls, pdrv, pmod, vd, vdrv, vmod = fam
        port = "0000:00:%02x.%x" % (1 + i // 8, i % 8)
        t.device(host, port, 0x8086, 0x7075, 0x060400, 0x8086, 0x0000, "pcieport", "pcieport")
        bus = i + 1
        parent = os.path.join(host, port)
        pf = "0000:%02x:00.0" % bus
        extra = {"sriov_totalvfs": "%d\n" % a.vfs, "sriov_numvfs": "%d\n" % a.vfs,
                 "sriov_drivers_autoprobe": "1\n", "sriov_offset": "1\n", "sriov_stride": "1\n"}
        pfdir, _, _ = t.device(parent, pf, pv, pd, cls, pv, 0x0001, pdrv, pmod, extra)
        for v in range(a.vfs):
            fn = v + 1  # ARI: VF n at devfn offset + n
            vbdf = "0000:%02x:%02x.%x" % (bus, fn >> 3, fn & 7)
            if v % 3 == 0:
                drv, mod = "vfio-pci", "vfio_pci"
            elif v % 5 == 0:
                drv, mod = None, None
            else:
                drv, mod = vdrv, vmod
            vd_dir, _, _ = t.device(parent, vbdf, pv, vd, cls, pv, 0x0001, drv, mod)
            t.link("../" + pf, os.path.join(vd_dir, "physfn"))
            t.link("../" + vbdf, os.path.join(pfdir, "virtfn%d" % v))
            if drv == "vfio-pci":
                os.makedirs(os.path.join(vd_dir, "vfio-dev", "vfio%d" % vfio_n), exist_ok=True)
                write(os.path.join(vd_dir, "vfio-dev", "vfio%d" % vfio_n, "dev"), "511:%d\n" % vfio_n)
                vfio_n += 1
    print("%d functions in %s" % (1 + a.pfs * (1 + a.vfs) + a.pfs, a.out))


if __name__ == "__main__":
    main()
