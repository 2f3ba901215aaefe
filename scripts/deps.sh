#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install everything sks needs to build and test, then pull the few files the
# build takes from Debian's kernel source tarball into build/ksrc.
# Idempotent and quick when everything is already there.
#
# Usage: scripts/deps.sh [BUILD_DIR]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
mkdir -p "$build"

# package  file-or-command that proves it is installed
want='
linux-image-amd64	/usr/share/doc/linux-image-amd64
linux-headers-amd64	/usr/share/doc/linux-headers-amd64
linux-source-6.1	/usr/src/linux-source-6.1.tar.xz
qemu-system-x86		/usr/bin/qemu-system-x86_64
busybox-static		/usr/share/doc/busybox-static
cpio			/usr/bin/cpio
e2fsprogs		/sbin/mkfs.ext4
kmod			/usr/bin/kmod
libkcapi-dev		/usr/include/kcapi.h
libreadline-dev		/usr/include/readline/readline.h
sparse			/usr/bin/sparse
pkg-config		/usr/bin/pkg-config
gcc			/usr/bin/gcc
g++			/usr/bin/g++
make			/usr/bin/make
dkms			/usr/sbin/dkms
valgrind		/usr/bin/valgrind
libc6-dbg		/usr/share/doc/libc6-dbg
xz-utils		/usr/bin/xz
gzip			/bin/gzip
perl			/usr/bin/perl
libssl-dev		/usr/include/openssl/evp.h
openssl			/usr/bin/openssl
libjson-c-dev		/usr/include/json-c/json.h
libp11-kit-dev		/usr/include/p11-kit-1/p11-kit/pkcs11.h
softhsm2		/usr/lib/softhsm/libsofthsm2.so
opensc			/usr/bin/pkcs11-tool
gnutls-bin		/usr/bin/p11tool
python3-pykcs11		/usr/lib/python3/dist-packages/PyKCS11
libengine-pkcs11-openssl	/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so
p11-kit			/usr/bin/p11-kit
openjdk-17-jdk-headless	/usr/lib/jvm/java-17-openjdk-amd64/bin/javac
clang-14		/usr/bin/clang-14
libclang-rt-14-dev	/usr/share/doc/libclang-rt-14-dev
libsqlite3-dev		/usr/include/sqlite3.h
libpq-dev		/usr/include/postgresql/libpq-fe.h
postgresql-15		/usr/lib/postgresql/15/bin/postgres
gnuplot-nox		/usr/bin/gnuplot
'

missing=$(printf '%s\n' "$want" | while read -r pkg path; do
	[ -n "$pkg" ] || continue
	[ -e "$path" ] || printf '%s ' "$pkg"
done)

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages: $missing(run as root to install them)" >&2
		exit 1
	fi
	echo "deps: installing $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >"$build/apt.log" 2>&1 || {
		tail -20 "$build/apt.log" >&2
		echo "deps: apt-get install failed (log: $build/apt.log)" >&2
		exit 1
	}
fi

kver=$("$top/scripts/kver.sh") || {
	echo "deps: no Debian 6.1 amd64 kernel with matching headers installed" >&2
	exit 1
}

# Files taken from the kernel source tarball (never committed).
ksrc=$build/ksrc
files='
tools/testing/selftests/kselftest_harness.h
tools/testing/selftests/kselftest.h
scripts/checkpatch.pl
scripts/kernel-doc
scripts/spelling.txt
scripts/const_structs.checkpatch
'
need=
for f in $files; do
	[ -e "$ksrc/$f" ] || need="$need linux-source-6.1/$f"
done
if [ -n "$need" ]; then
	echo "deps: extracting$need"
	mkdir -p "$ksrc"
	# shellcheck disable=SC2086
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$ksrc" --strip-components=1 $need
fi
mkdir -p "$build/ksft"
for f in kselftest_harness.h kselftest.h; do
	[ -e "$build/ksft/$f" ] || cp "$ksrc/tools/testing/selftests/$f" "$build/ksft/$f"
done
echo "$kver" >"$build/kver"
