#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The product document's SKS backup and restore walkthrough with skscm,
# with a reboot of the test VM between the backup and the restore (TAP).
# No state is saved by hand: the VM keeps /var/lib/sks on its disk
# (VM_DISK) and saves it on every change, as the udev rule of "make
# install" does, and loads it when sks.ko loads (docs/durability.md).
#
# Boot 1 creates and initialises a V1 partition, generates keys, encrypts
# and signs a record, extracts the keys as SKS blobs and backs up the SMK
# to a Backup HSM; the blobs, the record and the archive name go to the
# disk as the application would keep them.
# Boot 2 (a fresh kernel and sks.ko: the state comes from the disk) finds
# the partition and the Backup HSM deactivated, lists the archive with the
# HSM SO secret, creates a fresh V1 test partition in the same cloning
# domain, restores the SMK, inserts the boot-1 blobs, decrypts the boot-1
# record and verifies its MAC.
#
# Needs the VM image (build/vm/initramfs.cpio: make check builds it first).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SKS_BUILD:-$top/build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sks-twoboot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n twoboot.$2"
	else
		echo "not ok $n twoboot.$2"
		fail=1
	fi
}

# Print a log as TAP comments.
show() {
	sed 's/^/# /' "$1"
}

echo "TAP version 13"
echo "1..4"

if [ ! -r "$build/vm/initramfs.cpio" ]; then
	echo "# $build/vm/initramfs.cpio is missing: build the VM image first (make check does)"
	for t in vm_image_present boot1_backs_up_and_saves boot2_restores_and_decrypts \
		 boot2_got_boot1_data; do
		result 1 "$t"
	done
	exit 1
fi
result 0 vm_image_present

# The script of each boot runs under busybox sh in the guest.
cat >"$tmp/boot1.sh" <<'EOF'
set -eu
set -o pipefail
mkdir -p /mnt/disk/w && cd /mnt/disk/w
cat /proc/sys/kernel/random/boot_id >boot1.id
printf 'boot 1 record: invoice 2026-0042, 1250.00 EUR\n' >record.txt
skscm <<X | tee boot1.out
partition create -type v1
backuphsm create -password bk-secret-1
partition init -slot 0 -label twoboot -domain twoboot-domain -password so-secret-1 -force
slot set -slot 0
role login -name so -password so-secret-1
role init -name co -password co-secret-1
role logout
role login -name Crypto Officer -password co-secret-1
key generate -keytype aes -label record-key
key generate -keytype generic -label mac-key
crypto encrypt -handle 1 -in record.txt -out record.enc -aad twoboot
crypto sign -handle 2 -in record.txt -out record.mac
sks extract -handles 1,2 -file keys.sks -delete
partition archive backup -slot 1 -password bk-secret-1 -userpassword archive-1
proceed
partition show
X
sed -n 's/^Creating partition \(.*\) on slot 1\.$/\1/p' boot1.out >archive.name
sed -n 's/^.*SMK Fingerprint ->.\(.*\)$/\1/p' boot1.out >smk.fp
test -s archive.name
test -s smk.fp
echo "BOOT1-DONE archive $(cat archive.name)"
EOF

cat >"$tmp/boot2.sh" <<'EOF'
set -eu
set -o pipefail
cd /mnt/disk/w
test -s keys.sks
cmp -s boot1.id /proc/sys/kernel/random/boot_id && { echo "same boot"; exit 1; }
cat /run/sks-state.log
# A fresh module, loaded with the state of boot 1.
skscm -c "slot list" | tee slots.out
grep -q 'Label ->.*twoboot$' slots.out
grep -q 'Configuration ->.*Backup HSM' slots.out
# both deactivated until a secret opens them
[ "$(grep -c 'State ->.*deactivated' slots.out)" = 2 ]
name=$(cat archive.name)
skscm <<X | tee boot2.out
partition archive list -slot 1 -password bk-secret-1
partition create -type v1
partition init -slot 2 -label twoboot-test -domain twoboot-domain -password so-secret-2 -force
slot set -slot 2
role login -name so -password so-secret-2
role init -name co -password co-secret-2
role logout
role login -name Crypto Officer -password co-secret-2
partition archive restore -slot 1 -partition $name -password archive-1
proceed
sks identify keys.sks
sks insert -file keys.sks
crypto decrypt -handle 1 -in record.enc -out record.dec -aad twoboot
crypto verify -handle 2 -in record.dec -signature record.mac
X
cmp record.txt record.dec
# The image carried the boot-1 SMK, and the test partition now has it.
grep -q "SMK Fingerprint ->.$(cat smk.fp)\$" boot2.out
grep -q 'primary SMK: can insert' boot2.out
echo "BOOT2-DONE $(cat record.dec)"
EOF

disk=$tmp/disk.img
export SKSVM_MODPARAMS=${SKSVM_MODPARAMS-pbkdf2_iterations=1000}

VM_DISK=$disk VM_TIMEOUT=${VM_TIMEOUT:-300} "$top/scripts/vm.sh" run "$tmp/boot1.sh" \
	>"$tmp/boot1.log" 2>&1
r=$?
[ $r -eq 0 ] && grep -q '^BOOT1-DONE archive ' "$tmp/boot1.log" || r=1
[ $r -ne 0 ] && show "$tmp/boot1.log"
result $r boot1_backs_up_and_saves

if [ $r -eq 0 ]; then
	VM_DISK=$disk VM_TIMEOUT=${VM_TIMEOUT:-300} "$top/scripts/vm.sh" run "$tmp/boot2.sh" \
		>"$tmp/boot2.log" 2>&1
	r=$?
fi
ok=$r
if [ $ok -eq 0 ]; then
	for want in '^HSM record loaded: serial [0-9]*, 2 slots$' \
		    '^slot 0 loaded (serial [0-9]*, generation [0-9]*): deactivated until' \
		    '^slot 1 loaded (serial [0-9]*, generation [0-9]*): deactivated until' \
		    '^The SMK was cloned successfully\.$' \
		    '^Inserted 2 object(s) from 1 SKS blob(s)\. Handles: 1,2$' \
		    '^The signature is valid\.$'; do
		grep -q "$want" "$tmp/boot2.log" || { echo "# missing: $want"; ok=1; }
	done
fi
[ $ok -ne 0 ] && show "$tmp/boot2.log"
result $ok boot2_restores_and_decrypts

grep -q '^BOOT2-DONE boot 1 record: invoice 2026-0042, 1250.00 EUR$' \
	"$tmp/boot2.log" 2>/dev/null
result $? boot2_got_boot1_data
exit $fail
