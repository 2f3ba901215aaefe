#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The HSM's durable state across two boots of the test VM on one disk, with
# no manual save (TAP): the guest keeps /var/lib/sks on the disk and saves
# it on every change uevent, as the udev rule of "make install" does
# (scripts/vm-uevent), and loads it when sks.ko loads.
#
# Boot 1 (selftests/durable_test boot1): a V1 partition whose key encrypts
# a record and is extracted to a blob, a V0 partition with a token key, a
# Backup HSM with an archive of the V1's SMK, that archive restored onto a
# fresh partition, an SMK rollover started on the V1, a partition whose
# Crypto User is locked out. Then the VM powers off.
# Boot 2 (boot2): the HSM serial and every slot are back, deactivated; the
# CO activates; the boot-1 blob inserts and decrypts the boot-1 record;
# the V0's token key decrypts; the rollover, the restore and the lockout
# survived; the archive restores onto a fresh partition. Then, in the same
# boot, rmmod and modprobe with an auto-activation key in root's keyring
# (boot2-reloaded): the state loads again, that partition active.
#
# Needs the VM image (build/vm/initramfs.cpio: make check builds it first).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SKS_BUILD:-$top/build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sks-durable.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0

result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fail=1
	fi
}

# The guest's own TAP lines ("ok 3 - durable.boot1.archive"), as ours.
guest_results() {
	local ok name
	while read -r ok name; do
		[ "$ok" = ok ]
		result $? "$name"
	done < <(sed -n 's/^ok [0-9]* - \(durable\..*\)$/ok \1/p
			s/^not ok [0-9]* - \(durable\..*\)$/not \1/p' "$1")
}

echo "TAP version 13"
if [ ! -r "$build/vm/initramfs.cpio" ]; then
	echo "# $build/vm/initramfs.cpio is missing: build the VM image first (make check does)"
	result 1 durable.vm_image_present
	echo "1..$n"
	exit 1
fi

cat >"$tmp/boot1.sh" <<'EOF'
mkdir -p /mnt/disk/work
/sks/selftests/durable_test boot1 /mnt/disk/work/boot1.dat
r=$?
echo "---- sks-state log"; cat /run/sks-state.log
exit $r
EOF

cat >"$tmp/boot2.sh" <<'EOF'
echo "---- sks-state log of the boot"; cat /run/sks-state.log
grep -q '^sks-state: ' /run/sks-state.log && echo "BOOT2-LOAD-PROBLEMS"
/sks/selftests/durable_test boot2 /mnt/disk/work/boot1.dat
r=$?
# sks.ko again in this boot: the load runs from the uevent of /dev/sks-control
/sks/vm-uevent settle || r=1
: >/run/sks-state.log
rm -f /run/sks-state.loaded
rmmod sks && modprobe sks || r=1
i=0
while [ ! -e /run/sks-state.loaded ] && [ $i -lt 1800 ]; do sleep 0.1; i=$((i + 1)); done
[ -e /run/sks-state.loaded ] || echo "the reload did not finish loading within 180 s"
echo "---- sks-state log after rmmod, modprobe"; cat /run/sks-state.log
grep -q '^sks-state: ' /run/sks-state.log && echo "RELOAD-LOAD-PROBLEMS"
/sks/selftests/durable_test boot2-reloaded /mnt/disk/work/boot1.dat || r=1
exit $r
EOF

disk=$tmp/disk.img
export VM_DISK=$disk SKSVM_MODPARAMS=pbkdf2_iterations=1000,lockout_secs=1
export VM_TIMEOUT=${VM_TIMEOUT:-300}
start=$(date +%s)
"$top/scripts/vm.sh" run "$tmp/boot1.sh" >"$tmp/boot1.log" 2>&1
r=$?
guest_results "$tmp/boot1.log"
[ $r -ne 0 ] && sed 's/^/# /' "$tmp/boot1.log"
result $r durable.boot1_finishes

"$top/scripts/vm.sh" run "$tmp/boot2.sh" >"$tmp/boot2.log" 2>&1
r=$?
guest_results "$tmp/boot2.log"
[ $r -ne 0 ] && sed 's/^/# /' "$tmp/boot2.log"
result $r durable.boot2_finishes

# The loads: every record loaded, nothing set aside; the HSM record
# first; after rmmod and modprobe the V0 came back active.
log=$tmp/boot2.log
grep -q '^HSM record loaded: serial [0-9]*, 5 slots$' "$log" &&
[ "$(sed -n '/^---- sks-state log of the boot/,/^---- /p' "$log" |
     grep -c '^slot [0-9]* loaded (serial .*): deactivated until')" = 5 ] &&
! grep -q 'BOOT2-LOAD-PROBLEMS' "$log"
result $? durable.boot2_loads_every_record_deactivated

grep -q '^HSM record loaded: serial [0-9]*, 6 slots$' "$log" &&
grep -q '^slot [0-9]* loaded (serial .*): active (auto-activation)$' "$log" &&
! grep -q 'RELOAD-LOAD-PROBLEMS' "$log"
r=$?
[ $r -ne 0 ] && sed -n '/^---- sks-state log after rmmod/,$p' "$log" | sed 's/^/# /'
result $r durable.rmmod_modprobe_loads_again_auto_activation

echo "# two boots in $(( $(date +%s) - start )) s"
echo "1..$n"
exit $fail
