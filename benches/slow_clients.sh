#!/usr/bin/env bash
# Benchmark 5: slow clients. 1,000 connections that send a request line and then one header
# byte a second (reconnecting when cut off), while an ordinary client loads the home page with
# gzip every 100 ms; the ordinary client's latency and the server's peak RSS (VmHWM), with the
# server's address space limited to 4 GiB. Scenarios: no slow clients; all 1,000 let in (caps
# raised); the default caps against one address; the default caps against 16 addresses, for an
# ordinary client on one kept-alive connection and on a new connection per request.
# Usage: benches/slow_clients.sh      (SLOW=1000 DURATION=40 REPORTS=20000 by default)
source "$(dirname "$0")/common.sh"
SLOW=${SLOW:-1000}
DURATION=${DURATION:-40}
REPORTS=${REPORTS:-20000}

DATABASE_URL="$BENCH_DB_URL" FAKEWATCH_DATA_DIR="$DATA_DIR" RUST_LOG=error \
    target/release/fakewatch demo-data --reports "$REPORTS" >/dev/null 2>&1

scenario() {
    local name=$1 slow=$2 addresses=$3
    shift 3
    local flags=()
    [ "${1:-}" = --new-connections ] && { flags=(--new-connections); shift; }
    start_server env "$@" prlimit --as=4294967296
    echo "== $name"
    python3 benches/slow_clients.py "$PORT" "$slow" "$addresses" "$DURATION" "${flags[@]}"
    echo "server: $(grep VmHWM "/proc/$SERVER_PID/status" | tr -s ' \t' ' ')"
    kill "$SERVER_PID"
    wait "$SERVER_PID" || true
    SERVER_PID=
}

scenario "no slow clients" 0 1
scenario "$SLOW slow clients, all let in" "$SLOW" 1 \
    FAKEWATCH_MAX_CONNECTIONS=$((SLOW * 2)) FAKEWATCH_MAX_CONNECTIONS_PER_IP=0
scenario "$SLOW slow clients from one address, default caps" "$SLOW" 1
scenario "$SLOW slow clients from 16 addresses, default caps" "$SLOW" 16
scenario "$SLOW slow clients from 16 addresses, default caps, a new connection per request" \
    "$SLOW" 16 --new-connections
