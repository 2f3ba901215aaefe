#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host checks of the ioctl ABI header (TAP): it stands alone in C and C++,
# has no implicit padding, uses only fixed-size types, and its result
# codes are unique and paired with the same errno in the driver and libsks.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
hdr=$top/include/uapi/linux/sks.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 fail=0
result() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fail=1
	fi
}

echo "TAP version 13"
echo "1..6"

echo '#include <linux/sks.h>' >"$tmp/c.c"
gcc -std=c99 -pedantic -Wall -Wextra -Werror -I"$top/include/uapi" \
	-fsyntax-only "$tmp/c.c" 2>"$tmp/err"
r=$?; [ $r -ne 0 ] && sed 's/^/# /' "$tmp/err"
result $r "uapi.compiles_alone_as_c99"

cp "$tmp/c.c" "$tmp/cc.cc"
g++ -Wall -Wextra -Werror -I"$top/include/uapi" -fsyntax-only "$tmp/cc.cc" \
	2>"$tmp/err"
r=$?; [ $r -ne 0 ] && sed 's/^/# /' "$tmp/err"
result $r "uapi.compiles_alone_as_cxx"

gcc -Wpadded -Werror -I"$top/include/uapi" -fsyntax-only "$tmp/c.c" 2>"$tmp/err"
r=$?; [ $r -ne 0 ] && sed 's/^/# /' "$tmp/err"
result $r "uapi.no_implicit_padding"

# Inside the structs: only __u8/__u16/__u32/__u64 (and arrays of them).
bad=$(awk '/^struct [a-z_]+ \{/ { s = 1; next } s && /^\};/ { s = 0 }
	   s && /;/ && !/^[[:space:]]*(__u8|__u16|__u32|__u64|struct sks_[a-z_]+) / { print }' "$hdr")
[ -n "$bad" ] && printf '# %s\n' "$bad"
result "$([ -z "$bad" ]; echo $?)" "uapi.fixed_size_fields_only"

# Result codes: unique names and values, each with the errno written next to
# it, and the same pairs in the driver's table and in libsks's.
codes=$(sed -n 's/^#define SKS_\(CKR_[A-Z_]*\)[[:space:]]*\(0x[0-9a-f]*\)U[[:space:]]*\/\* \([A-Z-]*\) \*\/.*/\1 \2 \3/p' "$hdr")
r=0
[ "$(echo "$codes" | wc -l)" -ge 10 ] || { echo "# too few result codes"; r=1; }
dup=$( { echo "$codes" | cut -d' ' -f1 | sort | uniq -d; echo "$codes" | cut -d' ' -f2 | sort | uniq -d; } )
[ -z "$dup" ] || { echo "# duplicates: $dup"; r=1; }
while read -r name value err; do
	[ "$err" = - ] && kerr=0 || kerr=-$err
	grep -q "{ SKS_$name, $kerr }," "$top/driver/ioctl.c" ||
		{ echo "# driver/ioctl.c: no { SKS_$name, $kerr }"; r=1; }
	[ "$err" = - ] && lerr=0 || lerr=$err
	grep -q "R($name, $lerr)," "$top/lib/error.c" ||
		{ echo "# lib/error.c: no R($name, $lerr)"; r=1; }
done <<<"$codes"
n_driver=$(grep -c '^	{ SKS_CKR_' "$top/driver/ioctl.c")
n_lib=$(grep -c '^	R(CKR_' "$top/lib/error.c")
n_hdr=$(echo "$codes" | wc -l)
[ "$n_driver" = "$n_hdr" ] && [ "$n_lib" = "$n_hdr" ] ||
	{ echo "# header $n_hdr codes, driver $n_driver, libsks $n_lib"; r=1; }
result $r "uapi.result_codes_unique_and_paired_everywhere"

# Every ioctl number is unique within the header.
dups=$(grep -oE '_IO(W|R|WR)?\(SKS_IOC_MAGIC, *0x[0-9a-f]+' "$hdr" |
       grep -oE '0x[0-9a-f]+$' | sort | uniq -d)
[ -n "$dups" ] && echo "# duplicate ioctl numbers: $dups"
result "$([ -z "$dups" ]; echo $?)" "uapi.ioctl_numbers_unique"
exit $fail
