#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms add + build of the module from a copy of the source tree, against the
# installed Debian 6.1 headers, in private dkms and source trees (TAP).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
kver=$("$top/scripts/kver.sh") || { echo "1..0 # SKIP no Debian 6.1 headers"; exit 0; }
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src/sks-$ver
n=0 fail=0
check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n dkms.$2"; else echo "not ok $n dkms.$2"; fail=1; fi
}

echo "TAP version 13"
echo "1..3"
mkdir -p "$src/driver" "$tmp/dkms"
cp -r "$top/Kbuild" "$top/dkms.conf" "$top/include" "$src/"
cp "$top"/driver/Kbuild "$src/driver/"
for f in "$top"/driver/*.[ch]; do
	case $f in *.mod.c) ;; *) cp "$f" "$src/driver/" ;; esac
done

opts=(-m sks -v "$ver" --sourcetree "$tmp/src" --dkmstree "$tmp/dkms")
dkms add "${opts[@]}" >"$tmp/log" 2>&1
r=$?; [ $r -ne 0 ] && sed 's/^/# /' "$tmp/log"
check $r "add"

dkms build "${opts[@]}" -k "$kver" >"$tmp/log" 2>&1
r=$?; [ $r -ne 0 ] && { sed 's/^/# /' "$tmp/log"; cat "$tmp/dkms/sks/$ver/build/make.log" 2>/dev/null | tail -20 | sed 's/^/# /'; }
check $r "build_for_$kver"

ko=$(find "$tmp/dkms/sks/$ver/$kver" -name 'sks.ko*' | head -1)
[ -n "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$kver "
r=$?; echo "# module: ${ko#"$tmp"/} vermagic $(modinfo -F vermagic "$ko" 2>/dev/null)"
check $r "module_vermagic_matches"
exit $fail
