#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# In-VM test runner: run every selftest binary, then the checks that must come
# last (the kernel log is clean, the module unloads). All TAP goes to the
# console and to $1 (the results port the host parses).
#
# Usage: vm-check.sh RESULTS
out=${1:-/dev/null}
set -o pipefail
status=0
log=/tmp/selftest.out

emit() { echo "$*" | tee -a "$out"; }

# KUnit (kernels with CONFIG_KUNIT only: make check-debug): sks_kunit.ko
# runs its suites when it loads; every test case's KTAP line becomes one
# TAP line "ok - kunit: <suite>.<case>". The module is unloaded again, so
# that sks can be.
kunit_tests() {
	ko=$(find /lib/modules -name sks_kunit.ko 2>/dev/null | head -n 1)
	[ -n "$ko" ] || return 0
	emit "# selftest: kunit"
	if ! modprobe sks_kunit; then
		emit "not ok - kunit: sks_kunit.ko loads"
		status=1
		return
	fi
	ktap=/tmp/kunit.ktap
	: >$ktap
	for d in /sys/kernel/debug/kunit/sks_*; do
		[ -f "$d/results" ] || continue
		# case lines are indented; the suite's own line is not
		sed -n 's/^[[:space:]]\{1,\}\(\(not \)\{0,1\}ok\) [0-9]\{1,\} \(- \)\{0,1\}/\1 - kunit: '"${d##*/}"'./p' \
			"$d/results" >>$ktap
	done
	if [ ! -s $ktap ]; then
		# no debugfs: the kernel log, without suite names
		dmesg | sed -n 's/^\[[^]]*\] \{2,\}\(\(not \)\{0,1\}ok\) [0-9]\{1,\} \(- \)\{0,1\}\(sks_\)/\1 - kunit: \4/p' >>$ktap
	fi
	if [ -s $ktap ]; then
		tee -a "$out" <$ktap
		grep -q '^not ok' $ktap && status=1
	else
		emit "not ok - kunit: sks_kunit.ko reports results"
		status=1
	fi
	rmmod sks_kunit || { emit "not ok - kunit: rmmod sks_kunit"; status=1; }
}
kunit_tests

for t in /sks/selftests/*; do
	[ -x "$t" ] || continue
	name=${t##*/}
	emit "# selftest: $name"
	timeout "${SKS_TEST_TIMEOUT:-600}" "$t" >$log 2>&1
	rc=$?
	tee -a "$out" <$log
	if [ $rc -ne 0 ]; then
		status=1
		# A binary that died without reporting a failure still fails.
		grep -q '^not ok' $log ||
			emit "not ok - $name exited with status $rc"
	fi
done

emit "# selftest: vm-final"
# On a kernel with kmemleak (make check-debug): no unreferenced object.
kml=/sys/kernel/debug/kmemleak
if [ -e $kml ]; then
	echo scan >$kml
	sleep 1
	echo scan >$kml
	if grep -q unreferenced $kml; then
		emit "not ok - kmemleak finds no leak"
		head -80 $kml
		status=1
	else
		emit "ok - kmemleak finds no leak"
	fi
fi
# (lockdep's reports start with "WARNING:" or "BUG:"; the bare words
# "lockdep" and "kmemleak:" are in the debug kernel's boot banners)
splat='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|possible (circular|recursive) locking|inconsistent lock state|suspicious RCU usage|suspected memory leak|leak detector disabled|kmemleak: Cannot|Call Trace'
# Judged from the moment /init loaded sks.ko; a splat the kernel printed
# while booting, before any of our code ran, is shown but not counted.
dmesg >/tmp/dmesg.all
sed -n '/sks-vm: boot done, loading sks.ko/,$p' /tmp/dmesg.all >/tmp/dmesg.run
if grep -E -q "$splat" /tmp/dmesg.run; then
	emit "not ok - kernel log clean after the selftests"
	grep -E -B2 -A20 "$splat" /tmp/dmesg.run | head -60
	status=1
else
	emit "ok - kernel log clean after the selftests"
fi
if sed '/sks-vm: boot done, loading sks.ko/,$d' /tmp/dmesg.all | grep -E -q "$splat"; then
	echo "# the kernel reported this while booting, before sks.ko was loaded:"
	sed '/sks-vm: boot done, loading sks.ko/,$d' /tmp/dmesg.all |
		grep -E -A12 "$splat" | head -30 | sed 's/^/# /'
fi
if rmmod sks; then
	if [ -e /dev/sks-control ] || lsmod | grep -q '^sks '; then
		emit "not ok - rmmod sks leaves the module or its devices behind"
		status=1
	else
		emit "ok - rmmod sks succeeds when no file is open"
	fi
else
	emit "not ok - rmmod sks succeeds when no file is open"
	status=1
fi
exit $status
