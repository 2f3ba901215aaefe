#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install into a DESTDIR, then check the installed tree (TAP): files and
# modes, soname links, the pkg-config file, and a program built against the
# installed header and library.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
n=0 fail=0
check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n install.$2"; else echo "not ok $n install.$2"; fail=1; fi
}
mode_is() { [ "$(stat -c %a "$dest$1" 2>/dev/null)" = "$2" ]; }

echo "TAP version 13"
echo "1..12"

make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr >"$dest.log" 2>&1
r=$?; [ $r -ne 0 ] && sed 's/^/# /' "$dest.log" | tail -20
check $r "make_install_succeeds"
rm -f "$dest.log"

kver=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' \
	"$(make -s -C "$top" --no-print-directory print-kdir)/include/generated/utsrelease.h")
ko=$(find "$dest/lib/modules/$kver" -name sks.ko 2>/dev/null | head -1)
case $ko in
*/updates/*|*/extra/*) r=0 ;;
*) r=1; echo "# sks.ko not under /lib/modules/$kver/{updates,extra}: '$ko'" ;;
esac
check $r "module_in_updates"

r=0
for f in /usr/bin/skscm /usr/bin/sks-state /usr/lib/libsks.so.0.1.0; do
	mode_is "$f" 755 || { echo "# $f: $(stat -c %a "$dest$f" 2>&1)"; r=1; }
done
for f in /usr/include/sks.h /usr/include/sks_repo.h /usr/include/linux/sks.h \
	 /usr/lib/libsks.a /usr/lib/pkgconfig/libsks.pc /etc/udev/rules.d/60-sks.rules \
	 /etc/udev/rules.d/61-sks-state.rules /etc/systemd/system/sks-state.service; do
	mode_is "$f" 644 || { echo "# $f: $(stat -c %a "$dest$f" 2>&1)"; r=1; }
done
mode_is /var/lib/sks 700 || { echo "# /var/lib/sks: $(stat -c %a "$dest/var/lib/sks" 2>&1)"; r=1; }
check $r "files_and_modes"

[ "$(readlink "$dest/usr/lib/libsks.so.0")" = libsks.so.0.1.0 ] &&
[ "$(readlink "$dest/usr/lib/libsks.so")" = libsks.so.0 ]
check $? "soname_links"

soname=$(readelf -d "$dest/usr/lib/libsks.so.0.1.0" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = libsks.so.0 ]
check $? "soname_is_libsks.so.0"

r=0
for m in man1/skscm.1 man3/libsks.3 man3/sks_repo.3 man4/sks.4 man7/sks-pkcs11.7 \
	 man8/sks-state.8; do
	[ -s "$dest/usr/share/man/$m" ] || { echo "# missing $m"; r=1; }
done
check $r "man_pages"

grep -q 'KERNEL=="sks-control", MODE="0600"' "$dest/etc/udev/rules.d/60-sks.rules" &&
grep -q 'GROUP="sks"' "$dest/etc/udev/rules.d/60-sks.rules"
check $? "udev_rule_modes"

# the state rule runs the installed sks-state: load when the control device
# appears, save on every add, remove and state change of a slot
rules=$dest/etc/udev/rules.d/61-sks-state.rules
grep -q '^ACTION=="add", SUBSYSTEM=="misc", KERNEL=="sks-control", RUN+="/usr/bin/sks-state load --uevent"$' "$rules" &&
grep -q '^ACTION=="add|remove", SUBSYSTEM=="sks", .*RUN+="/usr/bin/sks-state save --uevent"$' "$rules" &&
grep -q '^ACTION=="change", SUBSYSTEM=="sks", .*ENV{SKS_STATE}=="1", RUN+="/usr/bin/sks-state save --uevent"$' "$rules" &&
grep -q '^ExecStart=/usr/bin/sks-state load$' "$dest/etc/systemd/system/sks-state.service"
check $? "udev_rule_and_unit_run_sks_state"

export PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=$dest/usr/lib/pkgconfig
flags=$(pkg-config --cflags --libs libsks 2>&1)
r=$?; echo "# pkg-config: $flags"
check $r "pkg_config_cflags_libs"

cat >"$dest/prog.c" <<'EOT'
#include <stdio.h>
#include <sks.h>
#include <sks_repo.h>

int main(int argc, char **argv)
{
	const char *name = sks_result_name(SKS_CKR_SESSION_CLOSED);
	struct sks_repo *r = argc > 1 ? sks_repo_open(argv[1], SKS_REPO_CREATE) : NULL;

	printf("%s %s\n", name ? name : "(null)", r ? sks_repo_get_backend(r) : "-");
	sks_repo_close(r);
	return !name || !r;
}
EOT
# shellcheck disable=SC2086
cc -Wall -Wextra -Werror -o "$dest/prog" "$dest/prog.c" $flags 2>&1 | sed 's/^/# /'
out=$(LD_LIBRARY_PATH=$dest/usr/lib "$dest/prog" "$dest/repo.db" 2>&1)
[ "$out" = "CKR_SESSION_CLOSED sqlite" ]
r=$?; echo "# prog: $out"
check $r "program_builds_and_links_against_installed_library"
# the PKCS#11 module and the p11-kit module file that names it
p11=/usr/lib/pkcs11/libsks-pkcs11.so
mode_is $p11 755 && mode_is /usr/share/p11-kit/modules/sks.module 644 &&
grep -q "^module: $p11\$" "$dest/usr/share/p11-kit/modules/sks.module"
check $? "pkcs11_module_and_p11kit_module_file"

# it exports the PKCS#11 and Luna functions, and nothing of libsks
syms=$(nm -D --defined-only "$dest$p11" 2>/dev/null | awk '{print $3}')
echo "$syms" | grep -qx C_GetFunctionList && echo "$syms" | grep -qx CA_SIMInsert &&
! echo "$syms" | grep -q '^sks_'
check $? "pkcs11_module_exports_only_cryptoki"


exit $fail
