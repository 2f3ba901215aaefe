#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM's initramfs (an uncompressed newc cpio: under TCG the
# kernel unpacks it faster than it could decompress anything).
#
# Usage: scripts/mkinitramfs.sh KVER MODULE OUT [DIR...]
#   KVER    release of the kernel the VM boots (its /lib/modules tree is used
#           if there is one)
#   MODULE  path of sks.ko
#   OUT     the cpio to write
#   DIR...  build folders whose contents go in:
#             */lib      -> /usr/local/lib     (libsks)
#             */pkcs11   -> /usr/local/lib     (libsks-pkcs11.so)
#             */tools    -> /usr/local/bin     (skscm, benchmarks)
#             */selftests, */tests -> /sks/selftests (in-VM tests)
#           plus every shared library they need, found with ldd.
set -eu

kver=$1 module=$2 out=$3
shift 3
top=$(cd "$(dirname "$0")/.." && pwd)
mods=/lib/modules/$kver

# Kernel crypto modules the driver and the tests use (Debian builds them as
# modules), virtio-blk and ext4 for a VM_DISK (the state directory,
# docs/durability.md), 9p and overlay for the host's root
# (scripts/vm-hostroot); their dependencies are resolved
# from modules.dep below.
kmods='gcm ghash-generic ghash-clmulni-intel aesni-intel ctr sha512_generic
sha512-ssse3 sha256-ssse3 algif_aead algif_hash algif_skcipher algif_rng
crypto_user virtio_pci virtio_blk ecc ext4 crc32c_generic crc32c-intel 9p
9pnet_virtio overlay'

root=$(mktemp -d "${TMPDIR:-/tmp}/sks-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
	"$root/usr/local/bin" "$root/usr/local/lib" "$root/sks/selftests" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" \
	"$root/root" "$root/etc" "$root/var/tmp" "$root/lib64" \
	"$root/lib/x86_64-linux-gnu" "$root/usr/lib/x86_64-linux-gnu"

# busybox: one binary, a link per applet.
cp /bin/busybox "$root/bin/busybox"
for a in $(/bin/busybox --list); do
	case $a in
	busybox) ;;
	*) ln -sf busybox "$root/bin/$a" ;;
	esac
done
for a in modprobe insmod rmmod lsmod depmod modinfo poweroff reboot halt \
	 mdev sysctl; do
	ln -sf ../bin/busybox "$root/sbin/$a"
done

# Kernel modules: the list above and everything it depends on, plus sks.ko.
resolve() {
	# print the path (relative to $mods) of module $1 and of its deps
	name=$(printf '%s' "$1" | tr _ -)
	line=$(tr _ - <"$mods/modules.dep" |
	       grep -n -m1 -E "/$name\.ko(\.[a-z]+)?:" | cut -d: -f1)
	[ -n "$line" ] || return 0
	sed -n "${line}p" "$mods/modules.dep" | tr -d ':' | tr ' ' '\n'
}
# (A kernel without a module tree here, like the debug kernel, has them all
# built in.)
[ -f "$mods/modules.dep" ] && for m in $kmods; do
	resolve "$m"
done | sort -u | while read -r f; do
	[ -n "$f" ] || continue
	mkdir -p "$root$mods/$(dirname "$f")"
	cp "$mods/$f" "$root$mods/$f"
done
mkdir -p "$root$mods/extra"
cp "$module" "$root$mods/extra/sks.ko"
# (built next to sks.ko only for a kernel with KUnit: make check-debug)
kunit=$(dirname "$module")/sks_kunit.ko
if [ -f "$kunit" ] &&
   [ "$(modinfo -F vermagic "$kunit" | cut -d' ' -f1)" = "$kver" ]; then
	cp "$kunit" "$root$mods/extra/sks_kunit.ko"
fi
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -e "$mods/$f" ] && cp "$mods/$f" "$root$mods/"
done
depmod -b "$root" "$kver"

# Payload from the build folders.
for d in "$@"; do
	[ -d "$d" ] || continue
	case $d in
	*/lib|*/pkcs11)
		cp -a "$d"/*.so* "$root/usr/local/lib/" 2>/dev/null || true ;;
	*/tools)
		find "$d" -maxdepth 1 -type f -perm -u+x \
			-exec cp {} "$root/usr/local/bin/" \; ;;
	*/selftests|*/tests)
		find "$d" -maxdepth 1 -type f -perm -u+x \
			-exec cp {} "$root/sks/selftests/" \; ;;
	esac
done

# valgrind's memcheck, to check libsks for leaks against the real driver.
if [ -x /usr/bin/valgrind.bin ]; then
	cp /usr/bin/valgrind.bin "$root/usr/local/bin/valgrind"
	mkdir -p "$root/usr/libexec/valgrind"
	for f in memcheck-amd64-linux vgpreload_core-amd64-linux.so \
		 vgpreload_memcheck-amd64-linux.so default.supp; do
		cp "/usr/libexec/valgrind/$f" "$root/usr/libexec/valgrind/"
	done
	# memcheck needs ld.so's symbols (libc6-dbg), found by build id.
	ldso=$(readlink -f /lib64/ld-linux-x86-64.so.2)
	id=$(readelf -n "$ldso" | awk '/Build ID/ { print $3 }')
	dbg=/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-).debug
	if [ -f "$dbg" ]; then
		mkdir -p "$root$(dirname "$dbg")"
		cp "$dbg" "$root$dbg"
	fi
fi

# SoftHSMv2's PKCS#11 module, a baseline of sks-bench (loaded with dlopen,
# so ldd does not see it: it is carried, and its libraries below, here).
p11=/usr/lib/softhsm/libsofthsm2.so
mkdir -p "$root/usr/lib/softhsm"
[ -f $p11 ] && cp $p11 "$root$p11"

# OpenSSL's command line: the identity walkthrough (make demo) and its
# tests check sks's requests, certificates and signatures with it.
if [ -x /usr/bin/openssl ]; then
	cp /usr/bin/openssl "$root/usr/bin/openssl"
	mkdir -p "$root/usr/lib/ssl"
	cp -L /usr/lib/ssl/openssl.cnf "$root/usr/lib/ssl/openssl.cnf" 2>/dev/null || true
fi

# Shared libraries of every dynamic binary we carry (kept at their host paths).
find "$root/usr/local" "$root/sks" "$root/usr/lib/softhsm" "$root/usr/bin" \
	-type f | while read -r f; do
	file=$(head -c 4 "$f" | od -An -c | tr -d ' ')
	[ "$file" = "177ELF" ] || continue
	LD_LIBRARY_PATH="$root/usr/local/lib" ldd "$f" 2>/dev/null |
		sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'
done | sort -u | while read -r lib; do
	case $lib in "$root"/*) continue ;; esac
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

# /init and the in-VM test runner.
cp "$top/scripts/vm-init" "$root/init"
cp "$top/scripts/vm-check.sh" "$root/sks/vm-check.sh"
cp "$top/scripts/vm-uevent" "$root/sks/vm-uevent"
cp "$top/scripts/vm-hostroot" "$root/sks/hostroot"
# (no udev in the VM: the security test reads the rule it would apply)
cp "$top/scripts/60-sks.rules" "$root/sks/60-sks.rules"
chmod 755 "$root/init" "$root/sks/vm-check.sh" "$root/sks/vm-uevent" \
	"$root/sks/hostroot"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo "$kver" >"$root/sks/kver"

mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"
