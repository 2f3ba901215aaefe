#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The key repository's suite (tests/repo_test.c, both backends) under
# valgrind's memcheck: no leak, no invalid access (TAP).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${SKS_BUILD:-$top/build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "TAP version 13"
echo "1..1"
SKS_TOP=$top valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	"$build/tests/repo_test" >"$log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^# Totals: pass:[1-9][0-9]* fail:0' "$log"; then
	echo "ok 1 repo_valgrind.suite_has_no_leak_or_memory_error"
else
	sed 's/^/# /' "$log" | grep -v '^# ok ' | tail -40
	echo "not ok 1 repo_valgrind.suite_has_no_leak_or_memory_error (status $rc)"
	exit 1
fi
