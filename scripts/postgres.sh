#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the `postgres` dbt target: its files in state/postgres,
# listening on 127.0.0.1 only. Usage: scripts/postgres.sh up|down|status
#
# Debian's postgresql-15 binaries are installed with apt-get when missing. initdb refuses to run
# as root, so under root the cluster belongs to the `postgres` user the package creates.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PG_BIN="${NEV_PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_DIR="$ROOT/state/postgres"
DATA="$PG_DIR/data"
PORT="${NEV_PG_PORT:-54329}"
USER_NAME="${NEV_PG_USER:-nev}"
PASSWORD="${NEV_PG_PASSWORD:-nev}"
DATABASE="${NEV_PG_DATABASE:-warehouse}"

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_binaries() {
    [ -x "$PG_BIN/initdb" ] && return
    # The package's own cluster is not wanted: only the binaries are used.
    "$ROOT/scripts/debian-packages.sh" postgresql-15
    [ -x "$PG_BIN/initdb" ] || { echo "error: $PG_BIN/initdb still missing after apt-get" >&2; exit 1; }
}

running() {
    [ -f "$DATA/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

up() {
    install_binaries
    mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
    if [ ! -f "$DATA/PG_VERSION" ]; then
        echo "initdb: $DATA"
        local pwfile="$PG_DIR/.pw"
        printf '%s\n' "$PASSWORD" > "$pwfile"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$pwfile"
        as_owner "$PG_BIN/initdb" -D "$DATA" -U "$USER_NAME" --pwfile="$pwfile" -A scram-sha-256 \
            -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log"
        rm -f "$pwfile"
    fi
    if running; then
        echo "postgres already up on 127.0.0.1:$PORT"
    else
        # Sized for the demo and SF 1 on a 2-core, 24 GiB machine; fsync off: the cluster is disposable.
        as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$PG_DIR/server.log" -w -t 60 start -o \
            "-c listen_addresses=127.0.0.1 -p $PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off \
             -c full_page_writes=off -c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=512MB \
             -c max_wal_size=4GB -c jit=off" >/dev/null \
            || { echo "error: postgres did not start; see $PG_DIR/server.log" >&2; tail -20 "$PG_DIR/server.log" >&2; exit 1; }
        echo "postgres up on 127.0.0.1:$PORT (data in $DATA)"
    fi
    if ! PGPASSWORD="$PASSWORD" "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -tAc \
            "select 1 from pg_database where datname = '$DATABASE'" | grep -q 1; then
        PGPASSWORD="$PASSWORD" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" "$DATABASE"
        echo "created database $DATABASE"
    fi
}

down() {
    if running; then
        as_owner "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        echo "postgres stopped"
    else
        echo "postgres is not running"
    fi
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) if running; then echo "up on 127.0.0.1:$PORT"; else echo "down"; exit 3; fi ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
