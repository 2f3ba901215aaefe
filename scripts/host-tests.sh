#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the host-side tests (TAP) one after the other, their output to the
# terminal and to TAPFILE. A test that exits non-zero without reporting a
# failure still counts as one.
#
# Usage: scripts/host-tests.sh TAPFILE TEST...
out=$1
shift
: >"$out"
status=0
for t in "$@"; do
	name=${t##*/}
	echo "# hosttest: $name" | tee -a "$out"
	log=$(mktemp)
	case $t in
	*.sh) bash "$t" >"$log" 2>&1 ;;
	*) "$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	tee -a "$out" <"$log"
	if [ $rc -ne 0 ]; then
		status=1
		grep -q '^not ok' "$log" ||
			echo "not ok - $name exited with status $rc" | tee -a "$out"
	fi
	rm -f "$log"
done
exit $status
