#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the plot: p50 per case (1 thread; sks with one live object)
# for sks and each baseline, from sks-bench's table, as an SVG drawn by
# gnuplot (a PNG if OUT ends in .png). Cases an implementation cannot do
# are left empty.
#
# Usage: scripts/bench-plot.sh TABLE.txt OUT.svg [THREADS]
set -eu

table=$1
out=$2
thr=${3:-1}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sks-bench-plot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

command -v gnuplot >/dev/null || {
	echo "bench-plot: gnuplot missing (scripts/deps.sh installs it)" >&2
	exit 1
}

# The table's rows: case (18 columns wide), impl, threads, objects, ops/s,
# p50 us, ... For sks only the first object level (the lowest count).
awk -v thr="$thr" -v dat="$tmp/p50.dat" '
	/^case +impl +thr/ { intable = 1; next }
	intable && /^$/ { intable = 0 }
	!intable { next }
	{
		c = substr($0, 1, 18); sub(/ +$/, "", c)
		n = split(substr($0, 19), f, " ")
		if (n < 5 || f[2] != thr || f[5] == "n/a" || f[5] == "-")
			next
		impl = f[1]
		if (impl == "sks") {
			if ((c in first) && first[c] != f[3])
				next
			first[c] = f[3]
		}
		if (!(c in seen)) { seen[c] = 1; cases[++nc] = c }
		if (!(impl in iseen)) { iseen[impl] = 1; impls[++ni] = impl }
		p50[c, impl] = f[5]
	}
	END {
		printf "case" > dat
		for (j = 1; j <= ni; j++) printf "\t%s", impls[j] > dat
		printf "\n" > dat
		for (i = 1; i <= nc; i++) {
			printf "\"%s\"", cases[i] > dat
			for (j = 1; j <= ni; j++) {
				v = "NaN"
				if ((cases[i], impls[j]) in p50)
					v = p50[cases[i], impls[j]]
				printf "\t%s", v > dat
			}
			printf "\n" > dat
		}
		print ni
	}' "$table" >"$tmp/n"
nimpl=$(cat "$tmp/n")
[ "$nimpl" -gt 0 ] || { echo "bench-plot: no table in $table" >&2; exit 1; }

clock=$(sed -n 's/^clock: //p' "$table" | head -n 1)
title="sks-bench: p50 per operation, $thr thread(s)${clock:+, clock: $clock}"
term='svg size 1100,560 dynamic font "sans,11" background "white"'
case $out in *.png) term='pngcairo size 1100,560 font "sans,10"' ;; esac
gnuplot <<GP
set terminal $term noenhanced
set output "$out"
set title "$title"
set ylabel "p50, microseconds (log scale)"
set logscale y
set format y "%g"
set grid ytics
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -30 nomirror
set key top left
set datafile missing "NaN"
set datafile separator "\t"
plot for [i=2:$((nimpl + 1))] "$tmp/p50.dat" using i:xtic(1) title columnheader(i)
GP
echo "bench: plot $out" >&2
