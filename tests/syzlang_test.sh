#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The syzkaller description include/uapi/linux/sks.txt must keep up with
# include/uapi/linux/sks.h: every ioctl command, argument struct and flag of
# the header appears in it, and it names no command the header lacks.
# (syzkaller itself is not needed: this only compares names.) TAP out.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
h=$top/include/uapi/linux/sks.h
txt=$top/include/uapi/linux/sks.txt
n=0
failed=0

check() {	# check NAME MISSING...
	name=$1
	shift
	n=$((n + 1))
	if [ $# -eq 0 ]; then
		echo "ok $n $name"
	else
		failed=1
		echo "not ok $n $name"
		for m in "$@"; do
			echo "# missing: $m"
		done
	fi
}

# 1: every command has its ioctl$NAME with cmd const[NAME].
cmds=$(sed -n 's/^#define[[:space:]]\{1,\}\(SKS_\(IOC\|CTL\)_[A-Z0-9_]*\)[[:space:]]\{1,\}_IO.*/\1/p' "$h")
missing=
for c in $cmds; do
	grep -q "^ioctl\\\$$c(fd [a-z_]*, cmd const\\[$c\\]" "$txt" ||
		missing="$missing $c"
done
# shellcheck disable=SC2086
check "every ioctl command of sks.h is described in sks.txt ($(echo $cmds | wc -w) commands)" $missing

# 2: no command in the description that the header does not define.
missing=
for c in $(sed -n 's/^ioctl\$\([A-Z0-9_]*\)(.*/\1/p' "$txt"); do
	echo "$cmds" | grep -qx "$c" || missing="$missing $c"
done
# shellcheck disable=SC2086
check "sks.txt describes no command that sks.h lacks" $missing

# 3: every struct of the header has a description.
missing=
for s in $(sed -n 's/^struct \(sks_[a-z0-9_]*\) {.*/\1/p' "$h"); do
	grep -q "^$s {" "$txt" || missing="$missing $s"
done
# shellcheck disable=SC2086
check "every struct of sks.h is described in sks.txt" $missing

# 4: every flag and value constant used in arguments appears.
missing=
for f in $(sed -n 's/^#define[[:space:]]\{1,\}\(SKS_\(OBJ\|FIND\|EXTRACT\|ROLLOVER\|BACKUP\|SLOT\|ROLE\|CKO\|CKK\|CKM\)_[A-Z0-9_]*\)[[:space:]].*/\1/p' "$h"); do
	case $f in
	SKS_OBJ_FLAGS_ALL | SKS_FIND_ALL | SKS_OBJ_LABEL_MAX | SKS_OBJ_ID_MAX | \
	SKS_SLOT_DEVICE_FMT | *_SIZE_VER0) continue ;;
	esac
	grep -q "\\<$f\\>" "$txt" || missing="$missing $f"
done
# shellcheck disable=SC2086
check "every flag and value constant of sks.h appears in sks.txt" $missing

# 5: both device names.
missing=
grep -q '"/dev/sks-control"' "$txt" || missing="$missing /dev/sks-control"
grep -q '"/dev/sks#"' "$txt" || missing="$missing /dev/sks#"
# shellcheck disable=SC2086
check "sks.txt opens /dev/sks-control and /dev/sks#" $missing

# 6: the license line.
if head -1 "$txt" | grep -q '^# SPDX-License-Identifier: GPL-2.0'; then
	check "sks.txt carries an SPDX line"
else
	check "sks.txt carries an SPDX line" "SPDX line"
fi

echo "1..$n"
exit $failed
