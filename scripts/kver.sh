#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the release of the Debian 6.1 amd64 kernel the test VM boots: the
# newest 6.1.0-N-amd64 whose headers and /boot image are both installed.
# Prints nothing (and exits 1) when there is none yet.
for h in $(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sort -rV); do
	v=${h#/usr/src/linux-headers-}
	if [ -f "/boot/vmlinuz-$v" ] && [ -d "/lib/modules/$v/kernel" ]; then
		echo "$v"
		exit 0
	fi
done
exit 1
