#!/usr/bin/env bash
# Benchmark 1: JSON report intake over HTTP at 32 concurrent clients, next to pgbench running
# the same SQL transaction (benches/intake.sql) at 32 clients, in the same run: first with the
# reports spread over 10,000 sellers, then as a burst on one seller, where every filing
# updates the same rows. During each run, pg_stat_activity is sampled every 100 ms for
# sessions waiting on a lock, so that what a burst on one seller costs shows as lock waits.
# Usage: benches/intake.sh    (DURATION=10 s per run, ROUNDS=3, CLIENTS=32, DB_CONNECTIONS=8,
#                              VARIANTS="spread hot")
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-32}
VARIANTS=${VARIANTS:-spread hot}

start_server env FAKEWATCH_DB_CONNECTIONS=${DB_CONNECTIONS:-8}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Every 100 ms for DURATION seconds, the sessions of this database (but its own) that are
# active and that wait for a lock; prints the mean of each.
lock_waits() {
    python3 -c "
import sys
for _ in range(int(sys.argv[1]) * 10):
    print('''select count(*) filter (where wait_event_type = 'Lock'),
                    count(*) filter (where state = 'active')
             from pg_stat_activity
             where datname = current_database() and pid <> pg_backend_pid();''')
    print('select pg_sleep(0.1);')
" "$DURATION" | psql "$BENCH_DB_URL" -qAtF' ' \
        | awk 'NF == 2 {w += $1; a += $2; n++} END {printf "%.1f %.1f\n", w / n, a / n}'
}

# One variant: the reports spread over SELLERS sellers. Prints its lines and sets HTTP_RPS.
variant() { # label sellers
    local label=$1 sellers=$2
    export SELLERS=$sellers # read by benches/intake.lua
    local pgb=(pgbench -n -M prepared -c "$CLIENTS" -j 2 -D sellers="$sellers" -f benches/intake.sql)
    # Warm both paths (tables, indexes, prepared statements), then measure each in turn.
    "${pgb[@]}" -T 3 "$BENCH_DB_URL" >/dev/null 2>&1
    wrk -t2 -c"$CLIENTS" -d3s -s benches/intake.lua "$BASE_URL/api/v1/reports" >/dev/null

    # Alternate the two, ROUNDS times, and keep the median of each: the machine is noisy.
    local pg_runs=() http_runs=() p99_runs=() errors=0 out
    local pg_wait=() pg_active=() http_wait=() http_active=() w a
    for _ in $(seq 1 "$ROUNDS"); do
        lock_waits > "$DATA_DIR/waits" &
        pg_runs+=("$("${pgb[@]}" -T "$DURATION" "$BENCH_DB_URL" 2>/dev/null | awk '/^tps/ {print $3; exit}')")
        wait $!
        read -r w a < "$DATA_DIR/waits"
        pg_wait+=("$w") pg_active+=("$a")
        lock_waits > "$DATA_DIR/waits" &
        out=$(wrk -t2 -c"$CLIENTS" -d"${DURATION}s" -s benches/intake.lua "$BASE_URL/api/v1/reports")
        wait $!
        read -r w a < "$DATA_DIR/waits"
        http_wait+=("$w") http_active+=("$a")
        http_runs+=("$(awk '/^http_requests_per_sec/ {print $2}' <<<"$out")")
        p99_runs+=("$(awk '/^http_p99_ms/ {print $2}' <<<"$out")")
        errors=$((errors + $(awk '/^http_errors/ {print $2}' <<<"$out")))
    done
    local pg_tps http_p99
    pg_tps=$(median "${pg_runs[@]}")
    HTTP_RPS=$(median "${http_runs[@]}")
    http_p99=$(median "${p99_runs[@]}")
    echo "$label ($sellers seller(s)):"
    echo "  pgbench, same transaction, $CLIENTS clients:  $pg_tps tx/s   (runs: ${pg_runs[*]})"
    echo "    sessions waiting on a lock: $(median "${pg_wait[@]}") of $(median "${pg_active[@]}") active (medians of the runs' means)"
    echo "  HTTP JSON intake, $CLIENTS clients:           $HTTP_RPS reports/s   (runs: ${http_runs[*]}; p99 ${http_p99} ms; $errors non-2xx)"
    echo "    sessions waiting on a lock: $(median "${http_wait[@]}") of $(median "${http_active[@]}") active"
    echo "  ratio HTTP / pgbench:                   $(ratio "$HTTP_RPS" "$pg_tps")   (target >= 85%)"
}

spread_rps=
for v in $VARIANTS; do
    case $v in
        spread) variant "spread over sellers" 10000; spread_rps=$HTTP_RPS ;;
        hot)
            variant "burst on one seller" 1
            [ -n "$spread_rps" ] && echo "  HTTP burst / HTTP spread:               $(ratio "$HTTP_RPS" "$spread_rps")"
            ;;
        *) echo "unknown variant $v (spread, hot)"; exit 1 ;;
    esac
done
echo "reports in the database:                $(psql "$BENCH_DB_URL" -Atc "select count(*) from report")"
