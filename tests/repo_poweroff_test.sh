#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The power goes in the middle of an SMK rollover's rewrap of a key
# repository (an SQLite file on the test VM's disk), and the next boot
# finishes it (TAP).
#
# Boot 1 makes a V1 partition, stores 1500 keys in the repository (each
# having encrypted a record first), starts the rollover, saves the sealed
# state records (they hold both SMKs) to the disk, starts the rewrap and
# cuts the power with reboot(2) at a random point after the first commit:
# nothing is synced, only what SQLite fsync'd is on the disk.
# Boot 2 (a fresh kernel and sks.ko) loads the records, checks the file
# (PRAGMA integrity_check) and every entry (whole, under one SMK or the
# other), resumes the rewrap, ends the rollover and decrypts every record.
# Both halves are selftests/repo_state_test (power1, power2).
#
# Needs the VM image (build/vm/initramfs.cpio: make check builds it first).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SKS_BUILD:-$top/build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sks-poweroff.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
if [ ! -r "$build/vm/initramfs.cpio" ]; then
	echo "1..1"
	echo "# $build/vm/initramfs.cpio is missing: build the VM image first (make check does)"
	echo "not ok 1 repo_poweroff.vm_image_present"
	exit 1
fi

truncate -s 64M "$tmp/disk.img"
mkfs.ext4 -q -F "$tmp/disk.img" || { echo "1..1"; echo "not ok 1 repo_poweroff.mkfs"; exit 1; }

# The test keeps its own state records on the disk (/mnt/disk): the
# guest's state directory stays off (VM_STATE=off).
cat >"$tmp/boot1.sh" <<'X'
grep -q " /mnt/disk " /proc/mounts || exit 3
/sks/selftests/repo_state_test power1 /mnt/disk
X
cat >"$tmp/boot2.sh" <<'X'
grep -q " /mnt/disk " /proc/mounts || exit 3
/sks/selftests/repo_state_test power2 /mnt/disk
X
export VM_STATE=off

export SKSVM_MODPARAMS=pbkdf2_iterations=1000,lockout_secs=1
VM_DISK=$tmp/disk.img VM_TIMEOUT=${VM_TIMEOUT:-600} \
	"$top/scripts/vm.sh" run "$tmp/boot1.sh" >"$tmp/boot1.out" 2>&1
# (the guest cannot report a status: its power went)
if ! grep -q 'the power goes now' "$tmp/boot1.out"; then
	echo "1..1"
	sed 's/^/# /' "$tmp/boot1.out" | tail -30
	echo "not ok 1 repo_poweroff.boot_1_cuts_the_power_during_the_rewrap"
	exit 1
fi
grep 'power1:' "$tmp/boot1.out" | sed 's/^/# /'
VM_DISK=$tmp/disk.img VM_TIMEOUT=${VM_TIMEOUT:-600} \
	"$top/scripts/vm.sh" run "$tmp/boot2.sh" >"$tmp/boot2.out" 2>&1
rc=$?
# the TAP of boot 2, as it is
grep -E '^(TAP version|1\.\.|ok |not ok |# )' "$tmp/boot2.out" | grep -v '^TAP version'
if [ $rc -ne 0 ]; then
	grep -q '^not ok' "$tmp/boot2.out" || {
		sed 's/^/# /' "$tmp/boot2.out" | tail -30
		echo "not ok 9 repo_poweroff.boot_2_runs (status $rc)"
	}
	exit 1
fi
