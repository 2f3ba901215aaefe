#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the sks test VM (Debian's 6.1 kernel + the initramfs built by
# scripts/mkinitramfs.sh) with qemu-system-x86_64.
#
# Usage: scripts/vm.sh run SCRIPT    run SCRIPT as root in the VM, print its
#                                    output, exit with its exit status
#        scripts/vm.sh check TAPFILE run the selftests; TAP lines to TAPFILE
#        scripts/vm.sh shell         interactive shell (leave: exit, Ctrl-A X)
#
# Environment:
#   SKS_BUILD   build folder (default: ./build)
#   SKS_ACCEL   kvm | tcg | auto (default auto: KVM only if a probe boot with
#               it really finishes; the verdict is cached in the build folder)
#   VM_TIMEOUT  seconds before a hung guest is killed (run 600, check 1500)
#   VM_SMP      virtual CPUs (default 2)
#   VM_MEM      memory in MiB (default 1024)
#   VM_KERNEL, VM_INITRD  boot this kernel image / initramfs instead
#   VM_DISK     a file given to the guest as its disk /dev/vda: an ext4 file
#               system (made here if the file is new: missing or all zeros;
#               VM_DISK_SIZE, default 64M) that the guest mounts at /mnt/disk,
#               with /var/lib/sks, the HSM's state directory, in it. The
#               guest then loads the HSM's state when sks.ko loads and saves
#               it on every change uevent, as the udev rule of "make
#               install" does (docs/durability.md): what the guest writes
#               outlives the VM (two-boot and power-cut tests)
#   VM_STATE    "off": the guest mounts VM_DISK at /mnt/disk but neither
#               loads nor saves the HSM's state (tests that keep state
#               records of their own there)
#   VM_PIDFILE  qemu writes its process id there (tests that cut the power)
#   VM_ICOUNT   a shift N: QEMU counts instructions (-icount shift=N,
#               align=off,sleep=off; TCG only, one host thread for all
#               vCPUs): the guest's clock advances 2^N ns per instruction
#               executed, whatever else the host does (make bench)
#   SKSVM_MODPARAMS  sks.ko parameters for run and shell, comma-separated
#               (pbkdf2_iterations=1000,lockout_secs=2); check always loads
#               sks with pbkdf2_iterations=1000 lockout_secs=1
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=${SKS_BUILD:-$top/build}
mode=${1:-}

usage() {
	sed -n '6,35s/^# \{0,1\}//p' "$0" >&2
	exit 2
}
case $mode in run|check|shell) ;; *) usage ;; esac

kver=$(cat "$build/kver" 2>/dev/null) || kver=$("$top/scripts/kver.sh") || {
	echo "vm: no Debian 6.1 kernel installed (run scripts/deps.sh)" >&2
	exit 2
}
kernel=${VM_KERNEL:-/boot/vmlinuz-$kver}
initrd=${VM_INITRD:-$build/vm/initramfs.cpio}
[ -r "$initrd" ] || { echo "vm: $initrd missing (run make)" >&2; exit 2; }
[ -r "$kernel" ] || { echo "vm: cannot read $kernel" >&2; exit 2; }

# A new VM_DISK (missing, or all zeros as "truncate -s" leaves it) gets an
# ext4 file system; any other file is used as it is.
if [ -n "${VM_DISK:-}" ]; then
	if [ ! -e "$VM_DISK" ]; then
		truncate -s "${VM_DISK_SIZE:-64M}" "$VM_DISK" || exit 2
	fi
	if ! dumpe2fs -h "$VM_DISK" >/dev/null 2>&1; then
		size=$(stat -c %s "$VM_DISK")
		if [ "$size" -gt 0 ] && ! cmp -s -n "$size" "$VM_DISK" /dev/zero; then
			echo "vm: $VM_DISK holds data but no ext4 file system: not touched" >&2
			exit 2
		fi
		[ "$size" -gt 0 ] || truncate -s "${VM_DISK_SIZE:-64M}" "$VM_DISK"
		mkfs.ext4 -q -F -L sks-vm -E nodiscard "$VM_DISK" || {
			echo "vm: mkfs.ext4 $VM_DISK failed" >&2
			exit 2
		}
	fi
fi

run=$(mktemp -d "${TMPDIR:-/tmp}/sks-vm.XXXXXX")
trap 'rm -rf "$run"' EXIT

# qemu_cmd ACCEL MODE: fill the array QEMU with the common command line.
qemu_cmd() {
	local cpu=max
	[ "$1" = kvm ] && cpu=host
	QEMU=(qemu-system-x86_64 -accel "$1" -cpu "$cpu"
	      -smp "${VM_SMP:-2}" -m "${VM_MEM:-1024}"
	      -kernel "$kernel" -no-reboot -nodefaults -display none
	      -append "console=ttyS0 quiet loglevel=4 log_buf_len=4M panic=-1 no_timer_check SKSVM_MODE=$2${SKSVM_MODPARAMS:+ SKSVM_MODPARAMS=$SKSVM_MODPARAMS}${VM_STATE:+ SKSVM_STATE=$VM_STATE}")
	if [ -n "${VM_ICOUNT:-}" ] && [ "$1" = tcg ]; then
		QEMU+=(-icount "shift=$VM_ICOUNT,align=off,sleep=off")
	fi
	if [ -n "${VM_DISK:-}" ]; then
		QEMU+=(-drive "file=$VM_DISK,format=raw,if=virtio")
	fi
	if [ -n "${VM_PIDFILE:-}" ] && [ "$2" != probe ]; then
		QEMU+=(-pidfile "$VM_PIDFILE")
	fi
	# the host's root, read-only, for Debian's programs (scripts/vm-hostroot)
	QEMU+=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
}

# Pick the accelerator: KVM only when a probe boot with it really completes.
accel=${SKS_ACCEL:-auto}
if [ "$accel" = auto ]; then
	cache=$build/vm/accel
	if [ -s "$cache" ]; then
		accel=$(cat "$cache")
	else
		accel=tcg
		if [ -w /dev/kvm ]; then
			qemu_cmd kvm probe
			: >"$run/probe.out"
			# (a broken KVM makes QEMU abort: keep bash quiet)
			bash -c '"$@" </dev/null >/dev/null 2>&1; true' probe \
				timeout -s KILL 30 "${QEMU[@]}" -initrd "$initrd" \
				-serial null -serial "file:$run/probe.out" 2>/dev/null
			grep -q 'SKS-EXIT: 0' "$run/probe.out" && accel=kvm
		fi
		echo "$accel" >"$cache"
		echo "vm: accelerator: $accel" >&2
	fi
fi

results=$run/results
: >"$results"
case $mode in
shell)
	qemu_cmd "$accel" shell
	exec "${QEMU[@]}" -initrd "$initrd" -serial mon:stdio -serial null
	;;
run)
	script=${2:-}
	[ -r "$script" ] || { echo "vm: cannot read script '$script'" >&2; exit 2; }
	# A second cpio appended to the first adds /sks/script.
	mkdir -p "$run/root/sks"
	cp "$script" "$run/root/sks/script"
	(cd "$run/root" && find . | cpio -o -H newc --quiet -R 0:0) >"$run/extra.cpio"
	cat "$initrd" "$run/extra.cpio" >"$run/initrd"
	initrd=$run/initrd
	timeout=${VM_TIMEOUT:-600}
	;;
check)
	tapfile=${2:-$build/check/vm.tap}
	timeout=${VM_TIMEOUT:-1500}
	;;
esac

qemu_cmd "$accel" "$mode"
start=$(date +%s)
# (the console line by line, as it comes: tests watch it to cut the power)
timeout -s KILL "$timeout" "${QEMU[@]}" -initrd "$initrd" \
	-serial stdio -serial "file:$results" </dev/null | stdbuf -oL tr -d '\r'
qrc=${PIPESTATUS[0]}
secs=$(( $(date +%s) - start ))

tr -d '\r' <"$results" >"$results.txt"
if [ "$mode" = check ]; then
	mkdir -p "$(dirname "$tapfile")"
	grep -v '^SKS-EXIT:' "$results.txt" >"$tapfile"
fi
status=$(sed -n 's/^SKS-EXIT: \([0-9]*\).*/\1/p' "$results.txt" | tail -n 1)
if [ -z "$status" ]; then
	if [ "$qrc" -eq 137 ] || [ "$qrc" -eq 124 ]; then
		echo "vm: guest did not finish within ${timeout}s: killed" >&2
	else
		echo "vm: guest stopped without reporting a result (qemu status $qrc)" >&2
	fi
	exit 124
fi
echo "vm: guest finished in ${secs}s ($accel), status $status" >&2
exit "$status"
