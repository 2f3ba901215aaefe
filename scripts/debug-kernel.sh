#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, once per machine, the debug kernel `make check-debug` boots: Debian's
# linux-source-6.1 with KASAN, lockdep, kmemleak, UBSAN, atomic-sleep checks,
# failslab/fail_page_alloc (debugfs), KUnit, and what the test VM and sks.ko
# need, all built in. The result is cached outside the clone, keyed by a hash
# of the configuration fragment, the source package version and the compiler,
# so it is built once (about 30 minutes on 2 cores).
#
# Usage: scripts/debug-kernel.sh        build if needed, print the build dir
#        scripts/debug-kernel.sh --dir  print the build dir, build nothing
# Environment: SKS_CACHE (default /var/cache/sks)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${SKS_CACHE:-/var/cache/sks}
frag=$top/scripts/debug-kernel.config
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) || {
	echo "debug-kernel: linux-source-6.1 is not installed (scripts/deps.sh)" >&2
	exit 1
}
key=$( { cat "$frag"; echo "$srcver"; gcc --version | head -1; } |
	sha256sum | cut -c1-16)
src=$cache/linux-source-$srcver
out=$cache/debug-kernel-$key

if [ "${1:-}" = --dir ]; then
	echo "$out"
	exit 0
fi
if [ -f "$out/.sks-done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
for pkg in bc flex bison libelf-dev libssl-dev dwarves; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
		missing="${missing:-} $pkg"
done
if [ -n "${missing:-}" ]; then
	echo "debug-kernel: installing$missing" >&2
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >/dev/null
fi

if [ ! -f "$src/.sks-extracted" ]; then
	echo "debug-kernel: extracting linux-source $srcver" >&2
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$src" --strip-components=1
	touch "$src/.sks-extracted"
fi

mkdir -p "$out"
log=$out/build.log
echo "debug-kernel: configuring in $out" >&2
make -C "$src" O="$out" defconfig >"$log" 2>&1
make -C "$src" O="$out" kvm_guest.config >>"$log" 2>&1
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" >>"$log" 2>&1
make -C "$src" O="$out" olddefconfig >>"$log" 2>&1
# Every option we asked for must have survived olddefconfig.
bad=0
while read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qx "$line" "$out/.config" || { echo "debug-kernel: $line did not stick" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		grep -q "^$opt=y" "$out/.config" && { echo "debug-kernel: $opt still set" >&2; bad=1; } ;;
	esac
done <"$frag"
[ $bad -eq 0 ] || exit 1

echo "debug-kernel: building (log: $log)" >&2
start=$(date +%s)
nice -n 10 make -C "$src" O="$out" -j"$(nproc)" bzImage modules_prepare >>"$log" 2>&1 || {
	tail -30 "$log" >&2
	exit 1
}
# External modules link against Module.symvers: build vmlinux's symbols.
nice -n 10 make -C "$src" O="$out" -j"$(nproc)" modules >>"$log" 2>&1 || {
	tail -30 "$log" >&2
	exit 1
}
echo "debug-kernel: built in $(( $(date +%s) - start ))s" >&2
touch "$out/.sks-done"
echo "$out"
