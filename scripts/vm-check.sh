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
if dmesg | grep -E -q 'BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|lockdep|kmemleak:|Call Trace'; then
	emit "not ok - kernel log clean after the selftests"
	dmesg | grep -E -B2 -A20 'BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|Call Trace' | head -60
	status=1
else
	emit "ok - kernel log clean after the selftests"
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
