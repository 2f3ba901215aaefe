#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Figures of the durable state (docs/durability.md), in the test VM:
#   VM_DISK=/tmp/bench.img scripts/vm.sh run $PWD/scripts/state-bench.sh
# With a disk, the state directory is on its ext4 file system (fsync
# reaches the host file); without one, on tmpfs. The VM's own uevent
# saver is stopped first: only the measured calls write.
set -eu
[ -s /run/sks-uevent.pid ] && kill "$(cat /run/sks-uevent.pid)"
while pidof sks-state >/dev/null; do sleep 0.1; done
dir=/tmp/state-bench
[ -d /mnt/disk ] && dir=/mnt/disk/state-bench
rm -rf $dir
echo "state directory: $dir ($(stat -f -c %T "$(dirname $dir)"))"
/sks/selftests/durable_test bench $dir "${ROUNDS:-21}" "${OBJECTS:-10000}"
ls -l $dir
# the tool as the udev rule runs it: one process per uevent
echo "10 runs of sks-state save with nothing to save:"
time sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do sks-state save -q -d $dir; done"
rmmod sks	# (nothing for /init to wait for at power-off)
