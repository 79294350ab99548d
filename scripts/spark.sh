#!/usr/bin/env bash
# A throwaway Apache Spark standalone cluster for the `spark` dbt target: one master and two
# workers on 127.0.0.1 only, run from the Spark runtime the pyspark package ships (no download).
# Its pid files, logs and work folders live in state/spark. Usage: scripts/spark.sh up|down|status
#
# dbt-spark connects in `session` mode: the dbt process is the Spark driver, the workers run its
# executors. The driver's settings (metastore, warehouse folder, memory) are in profiles.yml.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# pyspark lives in the Spark environment, never in .venv (Makefile: SPARK_VENV).
PYTHON="${NEV_PYTHON:-$ROOT/.venv-spark/bin/python}"
STATE="$ROOT/state/spark"
MASTER_PORT="${NEV_SPARK_MASTER_PORT:-57077}"
MASTER_UI_PORT="${NEV_SPARK_MASTER_UI_PORT:-58080}"
WORKERS="${NEV_SPARK_WORKERS:-2}"
WORKER_CORES="${NEV_SPARK_WORKER_CORES:-1}"
WORKER_MEMORY="${NEV_SPARK_WORKER_MEMORY:-6g}"
MASTER_CLASS=org.apache.spark.deploy.master.Master
WORKER_CLASS=org.apache.spark.deploy.worker.Worker

[ -x "$PYTHON" ] || { echo "error: $PYTHON missing: run \`make spark-up\` (it creates .venv-spark)" >&2; exit 1; }
SPARK_HOME="$("$PYTHON" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))' 2>/dev/null)" \
    || { echo "error: pyspark is not installed in $(dirname "$(dirname "$PYTHON")"): run \`make spark-up\`" >&2; exit 1; }
command -v java >/dev/null || { echo "error: no java on PATH (Spark 4 needs Java 17 or 21)" >&2; exit 1; }

export SPARK_HOME
export SPARK_CONF_DIR="${SPARK_CONF_DIR:-$ROOT/scripts/spark-conf}"
export SPARK_PID_DIR="$STATE/run" SPARK_LOG_DIR="$STATE/logs" SPARK_WORKER_DIR="$STATE/work"
export SPARK_LOCAL_IP=127.0.0.1 SPARK_MASTER_HOST=127.0.0.1 SPARK_IDENT_STRING=nev
MASTER_URL="spark://127.0.0.1:$MASTER_PORT"

daemon() { "$SPARK_HOME/sbin/spark-daemon.sh" "$@"; }

running() { daemon status "$MASTER_CLASS" 1 >/dev/null 2>&1; }

wait_for_workers() {
    local alive=0
    for _ in $(seq 1 60); do
        alive=$(curl -s "http://127.0.0.1:$MASTER_UI_PORT/json/" 2>/dev/null \
            | "$PYTHON" -c 'import json, sys; print(sum(w["state"] == "ALIVE" for w in json.load(sys.stdin)["workers"]))' 2>/dev/null || echo 0)
        [ "$alive" -ge "$WORKERS" ] && return 0
        sleep 1
    done
    echo "error: $alive of $WORKERS workers registered after 60 s; see $SPARK_LOG_DIR" >&2
    tail -20 "$SPARK_LOG_DIR"/*Worker*.out >&2 || true
    return 1
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

up() {
    mkdir -p "$SPARK_PID_DIR" "$SPARK_LOG_DIR" "$SPARK_WORKER_DIR"
    if running; then
        echo "spark already up: $MASTER_URL (UI http://127.0.0.1:$MASTER_UI_PORT)"
        return
    fi
    # Another cluster (another checkout's) on these ports would silently take this one's workers
    # and jobs, and Spark would move this master to the next free port: refuse instead.
    for port in "$MASTER_PORT" "$MASTER_UI_PORT"; do
        if port_taken "$port"; then
            echo "error: 127.0.0.1:$port is in use, but not by this checkout's cluster ($SPARK_PID_DIR)." >&2
            echo "Stop the other cluster (scripts/spark.sh down in its checkout) or set NEV_SPARK_MASTER_PORT and NEV_SPARK_MASTER_UI_PORT." >&2
            exit 1
        fi
    done
    daemon start "$MASTER_CLASS" 1 --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$MASTER_UI_PORT" >/dev/null
    for i in $(seq 1 "$WORKERS"); do
        daemon start "$WORKER_CLASS" "$i" --host 127.0.0.1 --webui-port "$((MASTER_UI_PORT + i))" \
            --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" "$MASTER_URL" >/dev/null
    done
    wait_for_workers
    echo "spark up: $MASTER_URL, $WORKERS workers x $WORKER_CORES core, $WORKER_MEMORY (UI http://127.0.0.1:$MASTER_UI_PORT)"
}

down() {
    if ! running; then
        echo "spark is not running"
        return
    fi
    for i in $(seq 1 "$WORKERS"); do daemon stop "$WORKER_CLASS" "$i" >/dev/null || true; done
    daemon stop "$MASTER_CLASS" 1 >/dev/null
    echo "spark stopped"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) if running; then echo "up: $MASTER_URL"; else echo "down"; exit 3; fi ;;
    url) echo "$MASTER_URL" ;;
    *) echo "usage: $0 up|down|status|url" >&2; exit 2 ;;
esac
