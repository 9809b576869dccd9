#!/usr/bin/env bash
# Crash durability of `onboard serve` (issue 6): many writing clients, SIGKILL of the server
# at random moments, restart, and a check that every acknowledged change survived, that the
# event log folds to the stored state and that the database is intact. See hardening/README.md.
#
#   hardening/crash.sh [sqlite|postgres|all] [--rounds N] [--threads N] [--seed S]
#
# Environment:
#   ONBOARD_BIN          the binary (default: target/release/onboard, built if missing)
#   ONBOARD_CRASH_PG_URL a PostgreSQL server URL with the right to create databases
#                        (default: $ONBOARD_TEST_POSTGRES_URL, else
#                        postgres://postgres@127.0.0.1:5432/postgres). A fresh database
#                        onboard_crash_<random> is created there and dropped afterwards;
#                        only the onboard server is killed, never PostgreSQL.
#   NICE                 niceness of the load (default 10)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
which=${1:-all}
shift || true
extra=("$@")
nice_level=${NICE:-10}

bin=${ONBOARD_BIN:-$root/target/release/onboard}
if [[ ! -x $bin ]]; then
    nice -n "$nice_level" cargo build --release -p onboard-cli
fi
# A private copy: a rebuild of target/release during the run must not swap the binary.
work=$(mktemp -d "${TMPDIR:-/tmp}/onboard-crash.XXXXXX")
cp "$bin" "$work/onboard"
bin=$work/onboard

pg_db=
pg_admin_url=${ONBOARD_CRASH_PG_URL:-${ONBOARD_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}}
cleanup() {
    if [[ -n $pg_db ]]; then
        psql -X -q "$pg_admin_url" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null || true
    fi
    if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

status=0

if [[ $which == sqlite || $which == all ]]; then
    echo "== SQLite (synchronous=FULL, the default)"
    mkdir -p "$work/sqlite"
    nice -n "$nice_level" python3 hardening/crash.py --binary "$bin" --backend sqlite \
        --data-dir "$work/sqlite" --log "$work/sqlite-server.log" "${extra[@]}" \
        | tee "$work/sqlite-summary.txt" || status=1
fi

if [[ $which == postgres || $which == all ]]; then
    echo "== PostgreSQL"
    pg_db=onboard_crash_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
    psql -X -q "$pg_admin_url" -c "CREATE DATABASE $pg_db" >/dev/null
    # The same server, the fresh database.
    pg_url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$pg_admin_url" "$pg_db")
    nice -n "$nice_level" python3 hardening/crash.py --binary "$bin" --backend postgres \
        --database-url "$pg_url" --log "$work/postgres-server.log" "${extra[@]}" \
        | tee "$work/postgres-summary.txt" || status=1
fi

exit $status
