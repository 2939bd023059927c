#!/bin/bash
# The Debian packages (#16), built from this tree in a clean copy (scripts/build-deb.sh): lintian
# reports no error and no warning, the symbols file matches the library, files land where
# Debian expects them, the units are enabled and never started by the package, the initramfs is
# rebuilt by trigger, and a program builds against libvfioadm-dev alone. What they do on a real
# system is the VM scenario tests/vm/scenarios/package.sh.
# Usage: package-test.sh BUILD_DIR SOURCE_DIR        Output: TAP. Needs root and the network
# (debootstrap of a clean build root).
set -uo pipefail
build=$1 src=$2
. "$src/tests/fixtures/tap.sh"
debs=$build/debs
tmp=$(mktemp -d)
trap 'rm -rf --one-file-system "$tmp"' EXIT

"$src/scripts/build-deb.sh" "$debs" >"$tmp/build.out" 2>&1
is "$?" 0 "dpkg-buildpackage -us -uc -b in a clean copy of the tree"
[ -f "$debs/vfioadm_0.1.0_amd64.deb" ] || { sed 's/^/#   /' "$tmp/build.out"; echo "Bail out! no packages"; exit 1; }
(cd "$src" && dpkg-checkbuilddeps) >"$tmp/bd" 2>&1
is "$?" 0 "its Build-Depends are installed here (dpkg-checkbuilddeps)"
# a clean bookworm build root: build-essential (debootstrap's buildd variant), then only what
# apt-get build-dep installs from debian/control
ch=$tmp/chroot
if mirror=$("$src/scripts/apt-mirror.sh") && debootstrap --variant=buildd bookworm "$ch" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
	"$src/scripts/build-deb.sh" --chroot "$ch" "$tmp/clean" >"$tmp/clean.out" 2>&1
	is "$?" 0 "it builds in a clean bookworm root with only build-essential and its Build-Depends"
	[ -f "$tmp/clean/vfioadm_0.1.0_amd64.deb" ] || sed 's/^/#   /' "$tmp/clean.out" | tail -30
	is "$(dpkg-deb -c "$tmp/clean/vfioadm_0.1.0_amd64.deb" 2>/dev/null | awk '{print $6}' | sort | md5sum)" \
		"$(dpkg-deb -c "$debs/vfioadm_0.1.0_amd64.deb" | awk '{print $6}' | sort | md5sum)" "with the same files as the build here"
else
	not_ok "debootstrap of a clean bookworm build root"
	tail -20 "$tmp/debootstrap.log" | sed 's/^/#   /'
fi
rm -rf --one-file-system "$ch"

# ---- lintian: 0 errors, 0 warnings ----
lintian --pedantic -I -E "$debs"/vfioadm_*.changes >"$tmp/lintian" 2>&1
grep -E '^(E|W): ' "$tmp/lintian" >"$tmp/bad"
is "$(wc -l <"$tmp/bad")" 0 "lintian: no error and no warning"
sed 's/^/#   /' "$tmp/bad"
grep -E '^(I|P|X): ' "$tmp/lintian" | sed 's/^/# lintian: /'
is "$(grep -c 'dpkg-gensymbols: warning' "$debs/build.log")" 0 "debian/libvfioadm0.symbols matches the library's exports"

# ---- where the files land ----
contents() { dpkg-deb -c "$debs/$1"_0.1.0_amd64.deb | awk '{print $1, $6}' | sed 's| \./| /|'; }
contents vfioadm >"$tmp/cli"
for f in /usr/sbin/vfioadm /lib/udev/rules.d/70-vfioadm.rules /lib/systemd/system/vfioadm-claim.service \
	/lib/systemd/system/vfioadm-apply.service /usr/share/bash-completion/completions/vfioadm /etc/vfioadm.conf; do
	grep -q " $f$" "$tmp/cli" && ok "vfioadm: $f" || not_ok "vfioadm: $f"
done
grep -q "^-rwxr-xr-x /usr/share/initramfs-tools/hooks/vfioadm$" "$tmp/cli" && ok "vfioadm: the initramfs hook, executable" ||
	not_ok "vfioadm: the initramfs hook, executable"
want=$(cd "$src/man" && ls ./*.[578] | wc -l)
is "$(grep -c ' /usr/share/man/man[578]/.*\.gz$' "$tmp/cli")" "$want" "vfioadm: every manual page ($want)"
contents libvfioadm0 >"$tmp/lib"
grep -q " /usr/lib/x86_64-linux-gnu/libvfioadm.so.0.1.0$" "$tmp/lib" && ok "libvfioadm0: the library in the multiarch directory" ||
	not_ok "libvfioadm0: the library in the multiarch directory"
contents libvfioadm-dev >"$tmp/dev"
for f in /usr/include/vfioadm/vfioadm.h /usr/lib/x86_64-linux-gnu/libvfioadm.so /usr/lib/x86_64-linux-gnu/pkgconfig/vfioadm.pc; do
	grep -q " $f$" "$tmp/dev" && ok "libvfioadm-dev: $f" || not_ok "libvfioadm-dev: $f"
done

# ---- control data ----
field() { dpkg-deb -f "$debs/$1"_0.1.0_amd64.deb "$2"; }
case "$(field libvfioadm0 Depends)" in *libkmod2*) ok "libvfioadm0 depends on libkmod2 (dlopen()ed, invisible to dpkg-shlibdeps)" ;;
*) not_ok "libvfioadm0 depends on libkmod2" ;; esac
case "$(field libvfioadm0 Depends)" in *libmnl0*) ok "libvfioadm0 depends on libmnl0 (linked)" ;; *) not_ok "libvfioadm0 depends on libmnl0" ;; esac
case "$(field vfioadm Depends)" in *libpci3*) ok "vfioadm depends on libpci3 (dlopen()ed for names)" ;; *) not_ok "vfioadm depends on libpci3" ;; esac
dpkg-deb -e "$debs/vfioadm_0.1.0_amd64.deb" "$tmp/ctl"
is "$(grep -c "deb-systemd-helper enable 'vfioadm-\(claim\|apply\).service'" "$tmp/ctl/postinst")" 2 "postinst enables both units"
is "$(grep -c 'deb-systemd-invoke \(start\|restart\)' "$tmp/ctl/postinst")" 0 "and starts neither (they run at boot)"
grep -qx "activate-noawait update-initramfs" "$tmp/ctl/triggers" && ok "installing or upgrading triggers update-initramfs" ||
	not_ok "update-initramfs trigger"
grep -qx "/etc/vfioadm.conf" "$tmp/ctl/conffiles" && ok "/etc/vfioadm.conf is a conffile" || not_ok "/etc/vfioadm.conf is a conffile"
grep -q "rm -f /etc/vfioadm.d/50-vfioadm.conf" "$tmp/ctl/postrm" && ok "postrm purges the file vfioadm manages" ||
	not_ok "postrm purges the file vfioadm manages"
dpkg-deb -e "$debs/libvfioadm0_0.1.0_amd64.deb" "$tmp/libctl"
[ -s "$tmp/libctl/symbols" ] && ok "libvfioadm0 ships its symbols file" || not_ok "libvfioadm0 ships its symbols file"

# ---- a program built against libvfioadm-dev and libvfioadm0 alone ----
sys=$tmp/sysroot
for p in libvfioadm0 libvfioadm-dev; do dpkg-deb -x "$debs/${p}_0.1.0_amd64.deb" "$sys"; done
cat >"$tmp/user.c" <<'C'
#include <stdio.h>
#include <vfioadm/vfioadm.h>
int main(void)
{
	char bdf[VFIOADM_BDF_MAX];
	if (vfioadm_bdf_normalize("3b:00.2", bdf) < 0)
		return 1;
	puts(bdf);
	return 0;
}
C
flags=$(PKG_CONFIG_SYSROOT_DIR=$sys PKG_CONFIG_LIBDIR=$sys/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
	pkg-config --cflags --libs vfioadm 2>"$tmp/pc.err")
is "$?" 0 "pkg-config --cflags --libs vfioadm"
sed 's/^/#   /' "$tmp/pc.err"
cc -std=c11 -Wall -Werror "$tmp/user.c" $flags -o "$tmp/user" 2>"$tmp/cc.err"
is "$?" 0 "a program compiles and links against the packaged header and library"
sed 's/^/#   /' "$tmp/cc.err"
is "$(LD_LIBRARY_PATH=$sys/usr/lib/x86_64-linux-gnu "$tmp/user" 2>&1)" "0000:3b:00.2" "and runs with the packaged libvfioadm.so.0"
done_testing
