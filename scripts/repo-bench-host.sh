#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench, host part: the key repository alone (sks-repo-bench --fake:
# well-formed blob headers, no kernel) with 1,000,000 entries of one key,
# in an SQLite file and in a throwaway PostgreSQL server on 127.0.0.1
# (scripts/pg-test-server.sh).
#
# Usage: scripts/repo-bench-host.sh PATH/TO/sks-repo-bench
set -u
bench=$1
top=$(cd "$(dirname "$0")/.." && pwd)
n=${SKS_REPO_BENCH_ENTRIES:-1000000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sks-repo-bench.XXXXXX")
chmod 711 "$tmp"
trap '"$top/scripts/pg-test-server.sh" stop "$tmp/pg"; rm -rf "$tmp"' EXIT
rc=0
echo "The key repository on the host ($(nproc) CPUs), no kernel:"
"$bench" --fake --keys "$n" --group 1 --txn 1000 --sample 10000 \
	--repo "$tmp/repo.db" || rc=1
url=$(SKS_PG_FSYNC=on "$top/scripts/pg-test-server.sh" start "$tmp/pg") || exit 1
"$bench" --fake --keys "$n" --group 1 --txn 1000 --sample 10000 \
	--repo "$url/postgres" || rc=1
echo
exit $rc
