#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the blob, Backup HSM image and state record parsers
# (driver/blob_codec.c, driver/image_codec.c, driver/state_codec.c, built for
# user space from the module's own sources) with libFuzzer, for a bounded
# time, after a plain regression run over the seed corpus. TAP out; exits
# non-zero if anything failed.
#
#   FUZZ_TIME     seconds per fuzz target (default 20)
#   FUZZ_RSS_MB   libFuzzer's -rss_limit_mb (default 2048)
#   FUZZ_CC       the compiler (default clang-14, else clang)
#
# The seed corpus in tests/fuzz/corpus/ is never written: each run fuzzes a
# fresh copy in build/fuzz/corpus/. Crash inputs land in build/fuzz/artifacts/.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/fuzz
time=${FUZZ_TIME:-20}
rss=${FUZZ_RSS_MB:-2048}
cc=${FUZZ_CC:-$(command -v clang-14 || command -v clang || echo clang-14)}
targets='blob image state'
n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n $1"
}

not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n $1"
}

# Print a log's tail as TAP comments.
comment() {
	tail -n "${2:-30}" "$1" | sed 's/^/# /'
}

rm -rf "$out/corpus" "$out/artifacts"
mkdir -p "$out/corpus" "$out/artifacts" "$out/seeds"

cflags="-g -O1 -Wall -Wextra -Werror -I$top/driver -I$top/include/uapi"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
srcs="$top/driver/blob_codec.c $top/driver/image_codec.c $top/driver/state_codec.c"

# 1: build. The fuzzers, a plain (libFuzzer-free) sanitized runner per target
# and the seed generator, all from the module's source files.
build_ok=1
: >"$out/build.log"
for t in $targets; do
	# shellcheck disable=SC2086
	"$cc" $cflags $san -fsanitize=fuzzer -o "$out/fuzz_$t" \
		"$top/tests/fuzz/fuzz_$t.c" $srcs >>"$out/build.log" 2>&1 &&
	"$cc" $cflags $san -o "$out/run_$t" "$top/tests/fuzz/fuzz_$t.c" \
		"$top/tests/fuzz/run_corpus.c" $srcs >>"$out/build.log" 2>&1 ||
		build_ok=0
done
# shellcheck disable=SC2086
"$cc" $cflags $san -o "$out/mkseeds" "$top/tests/fuzz/mkseeds.c" $srcs \
	>>"$out/build.log" 2>&1 || build_ok=0
if [ $build_ok = 1 ]; then
	ok "fuzz targets build from driver/blob_codec.c, image_codec.c and state_codec.c ($cc)"
else
	not_ok "fuzz targets build from driver/blob_codec.c, image_codec.c and state_codec.c ($cc)"
	comment "$out/build.log"
	echo "1..$n"
	exit 1
fi

# 2: the seed generator (the module's encoders) runs clean.
rm -rf "$out/seeds/blob" "$out/seeds/image" "$out/seeds/state"
mkdir -p "$out/seeds/blob" "$out/seeds/image" "$out/seeds/state"
if "$out/mkseeds" "$out/seeds/blob" "$out/seeds/image" "$out/seeds/state" \
	>"$out/mkseeds.log" 2>&1
then
	ok "seed generator encodes blobs, images and state records without sanitizer errors"
else
	not_ok "seed generator encodes blobs, images and state records without sanitizer errors"
	comment "$out/mkseeds.log"
fi

for t in $targets; do
	# 3..5: every corpus file (checked-in and freshly generated) parses
	# without a crash, a sanitizer report or a broken property.
	log=$out/regress_$t.log
	if "$out/run_$t" "$top/tests/fuzz/corpus/$t"/* "$out/seeds/$t"/* \
		>"$log" 2>&1; then
		ok "$t: every corpus file parses without sanitizer errors ($(tail -1 "$log"))"
	else
		not_ok "$t: every corpus file parses without sanitizer errors"
		comment "$log"
	fi
done

for t in $targets; do
	# 6..8: bounded libFuzzer run over a copy of the corpus.
	corpus=$out/corpus/$t
	log=$out/fuzz_$t.log
	mkdir -p "$corpus"
	cp "$top/tests/fuzz/corpus/$t"/* "$corpus/"
	seeds=$(ls "$corpus" | wc -l)
	"$out/fuzz_$t" -max_total_time="$time" -rss_limit_mb="$rss" \
		-timeout=10 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t-" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -E '^#[0-9]+' "$log" | tail -1 |
		sed -n 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*/\1 \2/p')
	echo "# $t: ${execs:-?} executions in ${time} s (${rate:-?}/s), corpus $seeds -> $(ls "$corpus" | wc -l) inputs, ${cov:-no coverage line}"
	arts=$(ls "$out/artifacts" | grep "^$t-" || true)
	if [ $rc -eq 0 ] && [ -z "$arts" ]; then
		ok "$t: libFuzzer ${time} s, no crash, leak or undefined behaviour"
	else
		not_ok "$t: libFuzzer ${time} s, no crash, leak or undefined behaviour (status $rc)"
		for a in $arts; do
			echo "# crash input: $out/artifacts/$a"
		done
		grep -E -A25 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|property failed' \
			"$log" | head -60 | sed 's/^/# /'
	fi
done

echo "1..$n"
exit $failed
