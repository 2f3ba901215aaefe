#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make demo: runs inside the test VM (see scripts/vm.sh) with sks.ko loaded.
set -e
echo "== sks test VM: $(uname -r)"
echo "== module:"
lsmod | grep '^sks '
dmesg | grep 'sks: ' | grep loaded
echo "== devices:"
ls -l /dev/sks*
