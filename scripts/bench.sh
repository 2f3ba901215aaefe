#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench: run sks-bench in the test VM (as root, sks.ko loaded) and
# print its table. Progress goes to a log that is shown only on failure.
# For other options (sks-bench --help) run it by hand in `make vm`.
# scripts/bench-run.sh puts BENCH_CLOCK (how the VM keeps time: its
# label) and BENCH_ARGS (sks-bench's options, if not the defaults below)
# in front of this script.
set -u
BENCH_CLOCK=${BENCH_CLOCK:-unknown}
BENCH_ARGS=${BENCH_ARGS:-}

log=/tmp/sks-bench.log
accel="KVM (or none)"
grep -q 'QEMU TCG' /proc/cpuinfo 2>/dev/null && accel="TCG emulation"
echo "sks-bench in the test VM: $(nproc) vCPUs, $(awk '/MemTotal/ { printf "%d MiB", $2 / 1024 }' /proc/meminfo), kernel $(uname -r), accelerator $accel"
echo "sks $(cat /sys/module/sks/version 2>/dev/null || echo '?'), clock: $BENCH_CLOCK"
echo
# shellcheck disable=SC2086
sks-bench --verbose --clock "$BENCH_CLOCK" \
	${BENCH_ARGS:---time 0.5 --rounds 5 --objects 1,1000,1000000 --threads 1,2} 2>$log
rc=$?
if [ $rc -ne 0 ]; then
	echo
	echo "sks-bench failed (status $rc); its log:"
	tail -40 $log
fi

# The key repository at scale (docs/performance.md): 1,000,000 keys in
# entries of 100, an SQLite file in the guest's memory; the SMK rollover
# rewraps them all; 1000 entries fetched, inserted and used.
echo
sks-repo-bench --keys "${SKS_REPO_BENCH_KEYS:-1000000}" --group 100 --sample 1000 \
	--repo /tmp/sks-repo-bench.db 2>$log
rrc=$?
if [ $rrc -ne 0 ]; then
	echo "sks-repo-bench failed (status $rrc); its log:"
	tail -40 $log
	rc=$rrc
fi
exit $rc
