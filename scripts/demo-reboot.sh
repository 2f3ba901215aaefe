#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo, after the reboot: the second boot of the test VM on the disk
# scripts/demo.sh used. sks.ko was loaded at boot and the HSM's state with
# it (the VM's stand-in for the udev rule of "make install" ran sks-state
# load): the partition is back, deactivated until its Crypto Officer logs
# in; then its SMK fingerprint is the one of before the reboot, and the
# blobs extracted before the reboot insert and decrypt the record.
set -eu
set -o pipefail

CO_PW=crypto-officer-pw
dir=/mnt/disk/sks-demo
cd $dir

fail() {
	printf '\n*** demo failed: %s\n' "$*" >&2
	exit 1
}
cm() {
	skscm "$@" | tee $dir/last.out
}
section() {
	printf '\n\n======== %s ========\n' "$*"
}

[ -s smk.fp ] || fail "the first boot left no SMK fingerprint on the disk"
echo "sks demo, after the reboot: kernel $(uname -r), boot id $(cat /proc/sys/kernel/random/boot_id)"

section "At boot, with sks.ko: sks-state load (what the udev rule runs)"
echo "\$ cat /run/sks-state.log"
cat /run/sks-state.log
grep -q '^sks-state: ' /run/sks-state.log && fail "the load reported a problem"

section "The partition is back, deactivated until its Crypto Officer logs in"
cm <<END || fail "listing the slots"
slot list
END

section "The Crypto Officer activates it: the same SMK, and a blob inserted after the reboot"
cm <<END || fail "using the partition after the reboot"
slot set -slot 4
role login -name Crypto Officer
$CO_PW
partition show
sks insert -file keys.sks
crypto decrypt -handle 1 -in record.enc -out record.after-reboot -aad customer-42
crypto verify -handle 2 -in record.after-reboot -signature record.mac
END
grep -q "SMK Fingerprint ->.$(cat smk.fp)\$" $dir/last.out ||
	fail "the SMK fingerprint is not the one of before the reboot ($(cat smk.fp))"
echo
echo "SMK fingerprint before the reboot: $(cat smk.fp)"
echo "\$ cat record.after-reboot"
cat record.after-reboot
cmp -s record.txt record.after-reboot || fail "the decrypted record differs"

printf '\n\nDemo complete: the SMK was backed up and restored onto a test partition,\n'
printf 'and after a reboot the partition came back with its SMK; the blobs\n'
printf 'extracted before the backup were inserted and used after the reboot.\n'
