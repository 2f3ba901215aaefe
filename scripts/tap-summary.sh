#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Sum the TAP results of every file given and print the closing line
# "N passed, N failed" (", N skipped" when some were skipped).
# Exits non-zero when anything failed or no test ran at all.
#
# Usage: scripts/tap-summary.sh FILE...
cat "$@" 2>/dev/null | tr -d '\r' | awk '
	/^not ok/ { failed++; next }
	/^ok / && /# *[Ss][Kk][Ii][Pp]/ { skipped++; next }
	/^ok / { passed++ }
	END {
		line = sprintf("%d passed, %d failed", passed, failed)
		if (skipped)
			line = line sprintf(", %d skipped", skipped)
		print ""
		print line
		exit (failed || passed + skipped == 0) ? 1 : 0
	}'
