#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A throwaway PostgreSQL server for the tests: Debian's server binaries, a
# cluster in DIR owned by an unprivileged user (nobody when run as root),
# listening on 127.0.0.1 only (and a socket in DIR), trust authentication
# for its one role "sks". Nothing of the machine's own clusters is touched.
#
# Usage: scripts/pg-test-server.sh start DIR   prints the connection URI
#                                              postgresql://sks@127.0.0.1:PORT
#        scripts/pg-test-server.sh stop DIR    stops it and removes DIR
# (DIR's parent must be searchable by that user: mode 0711 will do)
set -eu
cmd=${1:-} dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '4,14s/^# \{0,1\}//p' "$0" >&2; exit 2; }

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/postgres" ] || { echo "pg-test-server: no PostgreSQL server installed (scripts/deps.sh)" >&2; exit 1; }

as_user() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

case $cmd in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown nobody "$dir"
	as_user "$bin/initdb" -D "$dir/data" -U sks -A trust -E UTF8 --no-sync \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	# A free port: try a few, from one that depends on this process.
	tries=0
	while :; do
		port=$((20000 + ($$ * 7 + tries * 7919) % 30000))
		if as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=${SKS_PG_FSYNC:-off} -c max_connections=20 -c shared_buffers=32MB" \
			start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ $tries -ge 8 ]; then
			tail -20 "$dir/server.log" >&2
			exit 1
		fi
	done
	echo "postgresql://sks@127.0.0.1:$port"
	;;
stop)
	[ -d "$dir/data" ] && as_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	;;
*)
	echo "pg-test-server: unknown command $cmd" >&2
	exit 2
	;;
esac
