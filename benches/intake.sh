#!/usr/bin/env bash
# Benchmark 1: JSON report intake over HTTP at 32 concurrent clients, next to pgbench running
# the same SQL transaction (benches/intake.sql) at 32 clients, in the same run.
# Usage: benches/intake.sh            (DURATION=20 CLIENTS=32 by default)
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-20}
CLIENTS=${CLIENTS:-32}

start_server env FAKEWATCH_DB_CONNECTIONS=${DB_CONNECTIONS:-8}

# Warm both paths (tables, indexes, prepared statements), then measure each in turn.
pgbench -n -M prepared -c "$CLIENTS" -j 2 -T 3 -f benches/intake.sql "$BENCH_DB_URL" >/dev/null 2>&1
wrk -t2 -c"$CLIENTS" -d3s -s benches/intake.lua "$BASE_URL/api/v1/reports" >/dev/null

pg_tps=$(pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$DURATION" -f benches/intake.sql "$BENCH_DB_URL" 2>/dev/null \
    | awk '/^tps/ {print $3; exit}')
http_out=$(wrk -t2 -c"$CLIENTS" -d"${DURATION}s" --latency -s benches/intake.lua "$BASE_URL/api/v1/reports")
http_rps=$(awk '/^http_requests_per_sec/ {print $2}' <<<"$http_out")
http_p99=$(awk '/^http_p99_ms/ {print $2}' <<<"$http_out")
http_errors=$(awk '/^http_errors/ {print $2}' <<<"$http_out")
reports=$(psql "$BENCH_DB_URL" -Atc "select count(*) from report")

echo "pgbench, same transaction, $CLIENTS clients:  $pg_tps tx/s"
echo "HTTP JSON intake, $CLIENTS clients:           $http_rps reports/s (p99 ${http_p99} ms, $http_errors errors)"
echo "ratio HTTP / pgbench:                   $(ratio "$http_rps" "$pg_tps")   (target >= 85%)"
echo "reports in the database:                $reports"
