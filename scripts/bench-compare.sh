#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Compare two sks-bench tables (make bench's build/bench/bench.txt) ratio
# by ratio: every "vs X" and "time/libsks" column of the table and every
# target's measured value. Prints each ratio of both runs with their
# difference (|a / b - 1|), the largest last.
#
# Usage: scripts/bench-compare.sh A.txt B.txt [LIMIT]   (LIMIT: 3 = 3 %)
set -eu
[ $# -ge 2 ] || { sed -n '4,10s/^# \{0,1\}//p' "$0" >&2; exit 2; }

ratios() {
	awk '
	/^case +impl +thr/ { t = 1; next }
	t && /^$/ { t = 0 }
	t {
		c = substr($0, 1, 18); sub(/ +$/, "", c)
		n = split(substr($0, 19), f, " ")
		key = c " | " f[1] " " f[2] "thr " f[3]
		if (f[1] == "sks") {
			# the vs columns: %10s each after the 81 columns of
			# "case impl thr objects ops/s p50 p99 spread"
			split("af_alg openssl softhsm", names, " ")
			for (i = 1; i <= 3; i++) {
				v = substr($0, 82 + 11 * (i - 1), 11)
				gsub(/ /, "", v)
				if (v ~ /x$/)
					print key " vs " names[i] "\t" v + 0
			}
		} else if (f[1] == "pkcs11") {
			for (i = 8; i <= n; i++) {
				if (f[i] == "time/libsks")
					print key " time/libsks\t" f[i + 1] + 0
				else if (f[i] ~ /x$/ && f[i + 1] == "time/libsks")
					print key " vs softhsm\t" f[i] + 0
			}
		}
	}
	/^target/ { g = 1; next }
	g && /^[^ ].*  (met|MISSED)$/ {
		v = $0; sub(/ +(met|MISSED)$/, "", v)
		m = v; sub(/.* /, "", m)
		w = substr(v, 1, length(v) - length(m)); sub(/ +$/, "", w)
		if (m ~ /x$/)
			print "target: " w "\t" m + 0
	}' "$1"
}

ratios "$1" | sort >"${TMPDIR:-/tmp}/bench-cmp.a.$$"
ratios "$2" | sort >"${TMPDIR:-/tmp}/bench-cmp.b.$$"
join -t "$(printf '\t')" "${TMPDIR:-/tmp}/bench-cmp.a.$$" "${TMPDIR:-/tmp}/bench-cmp.b.$$" |
awk -F '\t' -v limit="${3:-3}" '
	{
		d = ($3 > 0) ? $2 / $3 - 1 : 0
		if (d < 0) d = -d
		printf "%7.2f%%  %8.2f %8.2f  %s\n", d * 100, $2, $3, $1
		if (d > max) { max = d; what = $1 }
		n++
		if (d * 100 > limit) over++
	}
	END {
		printf "%d ratios; largest difference %.2f%% (%s); %d above %s%%\n",
			n, max * 100, what, over + 0, limit > sum
	}' sum="${TMPDIR:-/tmp}/bench-cmp.s.$$" | sort -n
cat "${TMPDIR:-/tmp}/bench-cmp.s.$$"
rm -f "${TMPDIR:-/tmp}/bench-cmp".[abs].$$
