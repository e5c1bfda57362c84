# Shared by the benchmark scripts: a release build, a fresh database, the server in the
# background, and clean-up on exit. Source it; it sets BASE_URL and BENCH_DB_URL.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT=${BENCH_PORT:-18080}
BENCH_DB=${BENCH_DB:-fakewatch_bench}
BENCH_DB_URL=${BENCH_DATABASE_URL:-postgres://localhost/$BENCH_DB}
BASE_URL="http://127.0.0.1:$PORT"
DATA_DIR=$(mktemp -d /tmp/fakewatch-bench.XXXXXX)
SERVER_PID=

# A script that needs fewer tools sets BENCH_TOOLS before sourcing this.
for tool in ${BENCH_TOOLS:-wrk pgbench psql curl python3}; do
    command -v "$tool" >/dev/null || { echo "install $tool first (apt-get install wrk postgresql-contrib curl python3)"; exit 1; }
done

cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$DATA_DIR"
}
trap cleanup EXIT

cargo build --release --quiet --bin fakewatch

# A fresh database each run (unless the script keeps one), created and migrated by the server.
if [ -z "${KEEP_DB:-}" ]; then
    psql "${BENCH_DB_URL%/*}/postgres" -qc "drop database if exists $BENCH_DB with (force)" >/dev/null
fi

start_server() {
    # Another benchmark's server on the port would answer the health check below.
    if curl -s -o /dev/null "$BASE_URL/healthz"; then
        echo "port $PORT is in use (another benchmark running?); set BENCH_PORT"; exit 1
    fi
    # Every request comes from 127.0.0.1: the limits per client are raised out of reach, but
    # still counted (0 would skip the counter's statement).
    DATABASE_URL="$BENCH_DB_URL" FAKEWATCH_LISTEN="127.0.0.1:$PORT" FAKEWATCH_DATA_DIR="$DATA_DIR" \
        FAKEWATCH_RATE_LIMIT_REPORTS=1000000000 FAKEWATCH_RATE_LIMIT_SEARCH=1000000000 \
        RUST_LOG=error "$@" target/release/fakewatch serve &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -sf "$BASE_URL/healthz" >/dev/null && return 0
        sleep 0.1
    done
    echo "server did not start"; exit 1
}

stop_server() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

# A demo database of REPORTS reports (`fakewatch demo-data`), generated when missing. One of
# another size is left alone: a 10,000,000-report one takes 20 minutes or more to remake.
ensure_demo_db() {
    local have
    if ! have=$(psql "$BENCH_DB_URL" -Atc "select count(*) from report" 2>/dev/null); then
        psql "${BENCH_DB_URL%/*}/postgres" -qc "drop database if exists $BENCH_DB with (force)" >/dev/null
        DATABASE_URL="$BENCH_DB_URL" RUST_LOG=warn target/release/fakewatch demo-data --reports "$REPORTS"
    elif [ "$have" != "$REPORTS" ]; then
        echo "$BENCH_DB holds $have reports, not $REPORTS: set REPORTS=$have, or drop it to remake it"
        exit 1
    else
        # Made before the newest migrations: brought up to date before the server starts, as a
        # migration that fills a table may take longer than the server's start-up wait.
        DATABASE_URL="$BENCH_DB_URL" RUST_LOG=warn target/release/fakewatch migrate
    fi
}

ratio() { python3 -c "print(f'{$1 / $2 * 100:.1f}%')"; }
