#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo, after the reboot: the second boot of the test VM on the disk
# scripts/demo.sh used. sks.ko was loaded at boot and the HSM's state with
# it (the VM's stand-in for the udev rule of "make install" ran sks-state
# load): the partition is back, deactivated until its Crypto Officer logs
# in; then its SMK fingerprint is the one of before the reboot, and the
# blobs extracted before the reboot insert and decrypt the record, and the
# identity key inserted from its blob signs a document OpenSSL verifies.
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

section "The identity after the reboot: its blob inserted, a document signed, OpenSSL checks it"
printf 'Invoice 2026-31: Acme Corp owes 125.00 EUR for 10 widgets.\n' >invoice.txt
cm <<END || fail "signing with the identity after the reboot"
slot set -slot 4
role login -name Crypto Officer
$CO_PW
sks insert -file identity.sks
key show -handle 1
crypto sign -handle 2 -mech ecdsa-sha256 -in invoice.txt -out invoice.sig -der
crypto verify -handle 1 -mech ecdsa-sha256 -in invoice.txt -signature invoice.sig -der
END
grep -q '^Inserted 2 object(s) from 1 SKS blob(s)\. Handles: 1,2$' $dir/last.out ||
	fail "the identity blob did not insert as handles 1 and 2"
echo
echo "\$ openssl x509 -in acme.crt -noout -pubkey >acme-pub.pem"
openssl x509 -in acme.crt -noout -pubkey >acme-pub.pem
echo "\$ openssl dgst -sha256 -verify acme-pub.pem -signature invoice.sig invoice.txt"
openssl dgst -sha256 -verify acme-pub.pem -signature invoice.sig invoice.txt ||
	fail "OpenSSL refused the signature made after the reboot"

printf '\n\nDemo complete: the SMK was backed up and restored onto a test partition,\n'
printf 'and after a reboot the partition came back with its SMK; the blobs\n'
printf 'extracted before the backup were inserted and used after the reboot,\n'
printf 'and the identity key, inserted from its blob, signed a document that\n'
printf 'OpenSSL verifies with the certificate made before the reboot.\n'
