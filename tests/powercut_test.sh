#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Power cuts during saves of the HSM's durable state (TAP). The test VM
# keeps /var/lib/sks on its disk and saves on every change uevent, as a
# machine with the udev rule of "make install" does. In every boot but
# the last, the guest changes the HSM over and over (an object added to a
# partition, a slot made or deleted) and says when each change is saved;
# the host kills qemu at a random moment of that loop (POWERCUT_KILLS
# times, default 10). Every following boot must load a consistent state:
# every record the HSM record lists loads (never a missing, older or
# damaged file; a new slot's record that the HSM record did not list yet
# is set aside as an orphan, as designed), and the partition holds the old
# or the new state: every change saved before the cut, and nothing that
# was not made.
#
# Needs the VM image (build/vm/initramfs.cpio: make check builds it first).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SKS_BUILD:-$top/build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sks-powercut.XXXXXX")
vm=
trap '[ -n "$vm" ] && kill "$vm" 2>/dev/null; rm -rf "$tmp"' EXIT
kills=${POWERCUT_KILLS:-10}
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

echo "TAP version 13"
if [ ! -r "$build/vm/initramfs.cpio" ]; then
	echo "# $build/vm/initramfs.cpio is missing: build the VM image first (make check does)"
	result 1 powercut.vm_image_present
	echo "1..$n"
	exit 1
fi

export VM_DISK=$tmp/disk.img VM_PIDFILE=$tmp/qemu.pid
export SKSVM_MODPARAMS=pbkdf2_iterations=1000 VM_TIMEOUT=${VM_TIMEOUT:-300}
saved=0 changed=0 orphans=0 checked=0 cut=0
start=$(date +%s)
for boot in $(seq 0 "$kills"); do
	log=$tmp/boot$boot.log
	{
		echo 'echo "---- load"; cat /run/sks-state.log; echo "---- end of load"'
		echo 'ls -a /var/lib/sks | grep "^\.tmp-" && echo "TEMPORARIES-LEFT"'
		[ "$boot" -gt 0 ] &&
			echo "/sks/selftests/durable_test powercut-check $saved $changed || exit 1"
		[ "$boot" -lt "$kills" ] && echo "/sks/selftests/durable_test powercut-loop"
		echo 'exit 0'
	} >"$tmp/boot.sh"
	rm -f "$VM_PIDFILE"
	"$top/scripts/vm.sh" run "$tmp/boot.sh" >"$log" 2>&1 &
	vm=$!
	if [ "$boot" -lt "$kills" ]; then
		# cut the power at a random moment of the loop (0.2 to 3 s in)
		i=0
		while ! grep -q '^SAVE-LOOP-START' "$log" && kill -0 "$vm" 2>/dev/null &&
		      [ $i -lt 1200 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		ms=$((RANDOM % 2800 + 200))
		sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
		if [ -s "$VM_PIDFILE" ] && kill -KILL "$(cat "$VM_PIDFILE")" 2>/dev/null; then
			cut=$((cut + 1))
		fi
	fi
	wait "$vm"
	rc=$?
	vm=
	# what boot <boot> saw when it loaded
	load=$(sed -n '/^---- load$/,/^---- end of load$/p' "$log")
	if [ "$boot" -gt 0 ]; then
		checked=$((checked + 1))
		problems=$(echo "$load" | grep '^sks-state: ' |
			   grep -v '^sks-state: slot 1: the HSM record does not list it' |
			   grep -v '^sks-state: .*loaded with [0-9]* problem')
		o=$(echo "$load" | grep -c '^sks-state: slot 1: the HSM record does not list it')
		orphans=$((orphans + o))
		[ -z "$problems" ] && echo "$load" | grep -q '^HSM record loaded' &&
			! grep -q TEMPORARIES-LEFT "$log"
		r=$?
		[ $r -ne 0 ] && { echo "# boot $boot loaded:"; echo "$load" | sed 's/^/#   /'; }
		result $r "powercut.boot${boot}_loads_every_listed_record"
		grep -q '^ok [0-9]* - durable.powercut.old_or_new_state' "$log"
		r=$?
		[ $r -ne 0 ] && sed 's/^/#   /' "$log" | tail -30
		result $r "powercut.boot${boot}_old_or_new_state"
	fi
	if [ "$boot" -lt "$kills" ]; then
		s=$(sed -n 's/^SAVED \([0-9]*\)$/\1/p; s/^SAVE-LOOP-START \([0-9]*\)$/\1/p' "$log" | tail -n 1)
		c=$(sed -n 's/^CHANGE \([0-9]*\)$/\1/p' "$log" | tail -n 1)
		[ -n "$s" ] && saved=$s
		[ -n "$c" ] && changed=$c || changed=$saved
		echo "# boot $boot: power cut after change $changed (saved up to $saved)"
	else
		[ $rc -eq 0 ]
		result $? powercut.last_boot_finishes
	fi
done
echo "# $((kills + 1)) boots, $cut power cuts, $checked states checked, $orphans orphan(s) set aside, $saved changes saved, in $(( $(date +%s) - start )) s"
echo "1..$n"
exit $fail
