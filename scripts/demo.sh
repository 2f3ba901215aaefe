#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the product document's SKS backup and restore walkthrough with
# skscm. Runs as root inside the test VM (scripts/vm.sh run) with sks.ko
# loaded and skscm on PATH; prints the transcript an operator would see
# (skscm echoes each command after its "skscm:> " prompt; passwords are
# typed on the following lines and never echoed; a new password is typed
# twice). Exits non-zero if any step fails.
#
# make demo runs it in a VM with a disk (VM_DISK) that holds the HSM's
# state directory, saved after every change as the udev rule of "make
# install" does; scripts/demo-reboot.sh then runs in a second boot on the
# same disk. The application's files (blobs, records) go to the disk too.
set -eu
set -o pipefail

SO_PW=partition-so-pw
CO_PW=crypto-officer-pw
BK_PW=backup-hsm-so-pw
AR_PW=archive-user-pw
DOMAIN=payments-domain
dir=/tmp/sks-demo
[ -d /mnt/disk ] && dir=/mnt/disk/sks-demo
mkdir -p $dir
cd $dir

step=0
section() {
	step=$((step + 1))
	printf '\n\n======== %d. %s ========\n' "$step" "$*"
}
fail() {
	printf '\n*** demo failed: %s\n' "$*" >&2
	exit 1
}
# skscm in batch use, commands (and answers to its prompts) on stdin; the
# transcript also goes to $dir/last.out.
cm() {
	skscm "$@" | tee $dir/last.out
}

echo "sks demo: kernel $(uname -r), $(ls /dev/sks-control), skscm $(command -v skscm)"

section "An HSM with an SKS partition (V1) and a Backup HSM"
cm <<EOF || fail "setting up the slots"
hsm show
partition create -type v1 -slot 4
backuphsm create -slot 5
$BK_PW
$BK_PW
partition init -slot 4 -label payments -domain $DOMAIN
proceed
$SO_PW
$SO_PW
slot list
EOF

section "Roles: the partition SO sets up the Crypto Officer"
cm <<EOF || fail "initialising the roles"
slot set -slot 4
role login -name so
$SO_PW
role init -name co
$CO_PW
$CO_PW
role logout
EOF

section "The application: keys as session objects, SKS blobs, an encrypted record"
printf 'account=DE89370400440532013000 amount=1250.00 EUR\n' >record.txt
cm <<EOF || fail "generating, using and extracting keys"
slot set -slot 4
role login -name Crypto Officer
$CO_PW
key generate -keytype aes -label record-key
key generate -keytype generic -label mac-key
crypto encrypt -handle 1 -in record.txt -out record.enc -aad customer-42
crypto sign -handle 2 -in record.txt -out record.mac
sks extract -handles 1,2 -file keys.sks -delete
sks identify keys.sks
partition show
EOF
echo
echo "(the application stores keys.sks, record.enc and record.mac anywhere: they are encrypted)"
ls -l keys.sks record.enc record.mac

section "An identity: the organisation's P-256 key, its certificate request and certificate, signed in sks"
cm <<EOF || fail "making the identity key and its certificate"
slot set -slot 4
role login -name Crypto Officer
$CO_PW
key generate -keytype ec -curve p256 -label acme-identity -id ac01
key show -handle 1
key csr -handle 2 -subject /CN=Acme Payments Identity/O=Acme Corp/C=DE -file $dir/acme.csr
key selfsign -handle 2 -subject /CN=Acme Payments Identity/O=Acme Corp/C=DE -days 730 -file $dir/acme.crt
sks extract -handles 1,2 -file identity.sks -delete
EOF
echo
echo "(OpenSSL built the request and the certificate and the kernel signed them:"
echo " the private key never left it, and now exists only inside identity.sks)"
echo
echo "\$ openssl req -in acme.csr -noout -verify -subject"
openssl req -in acme.csr -noout -verify -subject 2>&1 || fail "OpenSSL refused the request"
echo "\$ openssl x509 -in acme.crt -noout -subject -issuer -dates -ext basicConstraints,keyUsage"
openssl x509 -in acme.crt -noout -subject -issuer -dates \
	-ext basicConstraints,keyUsage || fail "OpenSSL cannot read the certificate"
echo "\$ openssl verify -CAfile acme.crt acme.crt"
openssl verify -CAfile acme.crt acme.crt || fail "OpenSSL refused the certificate"

section "Back up the SMK to the Backup HSM (slot 5); its image file is saved after every change"
cm <<EOF || fail "backing up the SMK"
slot set -slot 4
role login -name Crypto Officer
$CO_PW
partition archive backup -slot 5
proceed
$BK_PW
$AR_PW
$AR_PW
EOF
name=$(sed -n 's/^Creating partition \(.*\) on slot 5\.$/\1/p' $dir/last.out)
[ -n "$name" ] || fail "no archive name in the backup transcript"

section "The Backup HSM's archive partitions"
cm <<EOF || fail "listing the archives"
partition archive list -slot 5
$BK_PW
EOF

section "Test the backup: a fresh V1 test partition, restore the SMK, insert the blobs, decrypt"
cm <<EOF || fail "creating the test partition"
partition create -type v1 -slot 6
partition init -slot 6 -label smk-test -domain $DOMAIN -force
$SO_PW
$SO_PW
slot set -slot 6
role login -name so
$SO_PW
role init -name co
$CO_PW
$CO_PW
role logout
EOF
cm <<EOF || fail "restoring the SMK and using the blobs"
slot set -slot 6
role login -name Crypto Officer
$CO_PW
sks identify keys.sks
partition archive restore -slot 5 -partition $name
proceed
$AR_PW
sks identify keys.sks
sks insert -file keys.sks
crypto decrypt -handle 1 -in record.enc -out record.dec -aad customer-42
crypto verify -handle 2 -in record.dec -signature record.mac
EOF
echo
echo "\$ cat record.dec"
cat record.dec
cmp -s record.txt record.dec || fail "the decrypted record differs"

section "The identity on the restored partition: the key inserted from its blob signs a document"
printf 'Purchase order 2026-17: Acme Corp buys 10 widgets at 12.50 EUR.\n' >order.txt
cm <<EOF || fail "signing with the restored identity"
slot set -slot 6
role login -name Crypto Officer
$CO_PW
sks insert -file identity.sks
crypto sign -handle 2 -in order.txt -out order.sig -der
EOF
echo
echo "(anyone checks the signature with the certificate alone: no HSM needed)"
echo "\$ openssl x509 -in acme.crt -noout -pubkey >acme-pub.pem"
openssl x509 -in acme.crt -noout -pubkey >acme-pub.pem
echo "\$ openssl dgst -sha256 -verify acme-pub.pem -signature order.sig order.txt"
openssl dgst -sha256 -verify acme-pub.pem -signature order.sig order.txt ||
	fail "OpenSSL refused the signature"
sed 's/10 widgets/90 widgets/' order.txt >forged.txt
echo "\$ openssl dgst -sha256 -verify acme-pub.pem -signature order.sig forged.txt   # 10 -> 90 widgets"
if openssl dgst -sha256 -verify acme-pub.pem -signature order.sig forged.txt; then
	fail "a changed document verified"
fi

section "Troubleshooting: partition archive backup without logging in as Crypto Officer"
if cm <<EOF
slot set -slot 6
partition archive backup -slot 5
proceed
EOF
then
	fail "a backup without a Crypto Officer login succeeded"
fi
grep -q '^Command Result : 0xb0 (CKR_SESSION_CLOSED)$' $dir/last.out ||
	fail "the not-logged-in backup did not end with CKR_SESSION_CLOSED"

printf '\n\nThe SMK was backed up, restored onto a test partition, and the blobs\n'
printf 'extracted before the backup were inserted and used there; the identity\n'
printf 'key, made and certified in sks, signed a document there that OpenSSL\n'
printf 'verifies with its certificate alone.\n'

if [ -e /run/sks-state.loaded ]; then
	section "What survives a reboot: the HSM's state, saved after every change"
	cm <<EOF || fail "showing the partition"
partition show -slot 4
EOF
	sed -n 's/^.*SMK Fingerprint ->.\(.*\)$/\1/p' $dir/last.out | head -n 1 \
		>$dir/smk.fp
	[ -s $dir/smk.fp ] || fail "no SMK fingerprint in partition show"
	/sks/vm-uevent settle || fail "the state directory is not current"
	echo
	echo "\$ sks-state status; ls -l /var/lib/sks"
	sks-state status
	ls -l /var/lib/sks
	printf '\nThe VM powers off now and boots again on the same disk.\n'
else
	printf '\nDemo complete.\n'
fi
