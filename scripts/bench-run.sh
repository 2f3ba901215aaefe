#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, the VM part: boot the test VM with the clock BENCH_CLOCK
# asks for, run scripts/bench.sh in it, keep its output and plot it.
#
#   BENCH_CLOCK=icount (default): QEMU counts instructions (-icount
#       shift=BENCH_SHIFT,align=off,sleep=off, BENCH_SHIFT default 0: a
#       guest nanosecond per instruction), so the guest's clock advances
#       with the instructions it executes and not with the host's time:
#       a figure depends on the code, not on what else the host runs.
#       The guest has one vCPU then (QEMU 7.2 stops bringing up a second
#       one under -icount, and one host thread would run both in turn
#       anyway), so 2 threads cannot beat 1: a second, short boot with the
#       host's clock and 2 vCPUs measures the 2-thread scaling of sks's
#       cases (BENCH_SCALING=0 skips it).
#   BENCH_CLOCK=host: the guest's clock is the host's (the VM's TCG
#       threads, one per vCPU, preempted by whatever else runs).
#
# Output: the table on stdout and in BUILD/bench/bench.txt (the scaling
# run in bench-scaling.txt), p50 per case in BUILD/bench/bench.svg
# (BENCH_OUT: another folder than BUILD/bench).
#
# Usage: scripts/bench-run.sh BUILD_DIR
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build=$1
out=${BENCH_OUT:-$build/bench}
mkdir -p "$out"
clock=${BENCH_CLOCK:-icount}
shift_n=${BENCH_SHIFT:-0}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sks-bench-run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

case $clock in
icount)
	label="icount shift=$shift_n, 1 vCPU (guest time = 2^$shift_n ns per instruction, host time not used)"
	export VM_ICOUNT=$shift_n
	# (QEMU 7.2 hangs bringing up a second vCPU with -icount)
	export VM_SMP=1
	;;
host)
	label="host (the guest's clock is the host's)"
	unset VM_ICOUNT
	;;
*)
	echo "bench: BENCH_CLOCK is icount or host, not '$clock'" >&2
	exit 2
	;;
esac

# the guest's script: scripts/bench.sh with the clock's name
{
	echo '#!/bin/sh'
	printf 'BENCH_CLOCK=%q\n' "$label"
	printf 'BENCH_ARGS=%q\n' "${BENCH_ARGS:-}"
	printf 'SKS_REPO_BENCH_KEYS=%q\n' "${SKS_REPO_BENCH_KEYS:-1000000}"
	sed 1d "$top/scripts/bench.sh"
} >"$tmp/bench.sh"
start=$(date +%s)
{
	echo "make bench, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'), host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	VM_TIMEOUT=${VM_TIMEOUT:-5400} "$top/scripts/vm.sh" run "$tmp/bench.sh"
} | tee "$out/bench.txt"
rc=${PIPESTATUS[0]}
echo "(the VM took $(( ($(date +%s) - start) / 60 )) minutes of host time)" | tee -a "$out/bench.txt"
"$top/scripts/bench-plot.sh" "$out/bench.txt" "$out/bench.svg" || rc=1

if [ "$clock" = icount ] && [ "${BENCH_SCALING:-1}" != 0 ]; then
	unset VM_ICOUNT VM_SMP
	cat >"$tmp/scaling.sh" <<'GUEST'
#!/bin/sh
echo "2-thread scaling of sks with the host's clock (BENCH_CLOCK=host), 2 vCPUs, 1 live object;"
echo "OpenSSL in-process as the control: what two threads of plain user-space code get"
sks-bench --clock "host (the guest's clock is the host's), 2 vCPUs" --only sks,openssl \
	--objects 1 --threads 1,2 --time 1 --rounds 5 2>/tmp/sks-bench.log |
	awk '/^target/ { t = 1 } !t || /^target/ || /^2 threads/'
GUEST
	echo
	VM_TIMEOUT=900 "$top/scripts/vm.sh" run "$tmp/scaling.sh" |
		tee "$out/bench-scaling.txt"
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
fi
exit "$rc"
