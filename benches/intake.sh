#!/usr/bin/env bash
# Benchmark 1: JSON report intake over HTTP at 32 concurrent clients, next to pgbench running
# the same SQL transaction (benches/intake.sql) at 32 clients, in the same run.
# Usage: benches/intake.sh    (DURATION=10 s per run, ROUNDS=3, CLIENTS=32, DB_CONNECTIONS=8)
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-32}

start_server env FAKEWATCH_DB_CONNECTIONS=${DB_CONNECTIONS:-8}

# Warm both paths (tables, indexes, prepared statements), then measure each in turn.
pgbench -n -M prepared -c "$CLIENTS" -j 2 -T 3 -f benches/intake.sql "$BENCH_DB_URL" >/dev/null 2>&1
wrk -t2 -c"$CLIENTS" -d3s -s benches/intake.lua "$BASE_URL/api/v1/reports" >/dev/null

# Alternate the two, ROUNDS times, and keep the median of each: the machine is noisy.
pg_runs=(); http_runs=(); p99_runs=(); errors=0
for _ in $(seq 1 "$ROUNDS"); do
    pg_runs+=("$(pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$DURATION" -f benches/intake.sql "$BENCH_DB_URL" 2>/dev/null \
        | awk '/^tps/ {print $3; exit}')")
    out=$(wrk -t2 -c"$CLIENTS" -d"${DURATION}s" -s benches/intake.lua "$BASE_URL/api/v1/reports")
    http_runs+=("$(awk '/^http_requests_per_sec/ {print $2}' <<<"$out")")
    p99_runs+=("$(awk '/^http_p99_ms/ {print $2}' <<<"$out")")
    errors=$((errors + $(awk '/^http_errors/ {print $2}' <<<"$out")))
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pg_tps=$(median "${pg_runs[@]}")
http_rps=$(median "${http_runs[@]}")
http_p99=$(median "${p99_runs[@]}")
reports=$(psql "$BENCH_DB_URL" -Atc "select count(*) from report")

echo "pgbench, same transaction, $CLIENTS clients:  $pg_tps tx/s   (runs: ${pg_runs[*]})"
echo "HTTP JSON intake, $CLIENTS clients:           $http_rps reports/s   (runs: ${http_runs[*]}; p99 ${http_p99} ms; $errors non-2xx)"
echo "ratio HTTP / pgbench:                   $(ratio "$http_rps" "$pg_tps")   (target >= 85%)"
echo "reports in the database:                $reports"
