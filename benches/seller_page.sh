#!/usr/bin/env bash
# Benchmark 3: the seller page on a 1,000,000-report demo database, for the largest seller and
# a typical one, at 32 concurrent clients, next to pgbench running the page's own SQL
# (db::seller_page::PAGE_SQL, printed by examples/seller_page_sql.rs) in the same run.
# The demo database is generated once (about 2 minutes) and kept as fakewatch_bench_1m.
# Usage: benches/seller_page.sh      (DURATION=10 CLIENTS=32 REPORTS=1000000 DB_CONNECTIONS=4)
BENCH_DB=${BENCH_DB:-fakewatch_bench_1m}
KEEP_DB=1
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-32}
REPORTS=${REPORTS:-1000000}

ensure_demo_db
cargo build --release --quiet --example seller_page_sql
target/release/examples/seller_page_sql > "$DATA_DIR/page.sql"

# A small pool gives the lowest tail latency for reads on two cores (shared/stack-notes).
start_server env FAKEWATCH_DB_CONNECTIONS=${DB_CONNECTIONS:-4}

read -r big_m big_k < <(psql "$BENCH_DB_URL" -AtF' ' -c "select s.marketplace, s.seller_key
    from seller s join report r using (seller_id) group by s.seller_id order by count(*) desc limit 1")
read -r typ_m typ_k < <(psql "$BENCH_DB_URL" -AtF' ' -c "select s.marketplace, s.seller_key
    from seller s join report r using (seller_id) where s.seller_key !~ '[ /%?#]'
    group by s.seller_id having count(*) = 3 order by s.seller_id limit 1")

xacts() { psql "$BENCH_DB_URL" -Atc "select pg_stat_force_next_flush(); select xact_commit from pg_stat_database where datname = current_database()" | tail -1; }

measure() { # marketplace key label
    local m=$1 k=$2 label=$3 path="/sellers/$1/$2"
    curl -sf "$BASE_URL$path" >/dev/null || { echo "no page at $path"; exit 1; }
    local reports
    reports=$(psql "$BENCH_DB_URL" -Atc "select count(*) from report r join seller s using (seller_id)
        where s.marketplace = '$m' and s.seller_key = '$k' and r.status in ('unverified','verified')")
    pgbench -n -M prepared -c "$CLIENTS" -j 2 -T 3 -D marketplace="$m" -D seller_key="$k" -f "$DATA_DIR/page.sql" "$BENCH_DB_URL" >/dev/null 2>&1
    local pg
    pg=$(pgbench -n -M prepared -c "$CLIENTS" -j 2 -T "$DURATION" -D marketplace="$m" -D seller_key="$k" \
        -f "$DATA_DIR/page.sql" "$BENCH_DB_URL" 2>/dev/null | awk '/^tps/ {print $3; exit}')
    wrk -t2 -c"$CLIENTS" -d3s "$BASE_URL$path" >/dev/null
    local before after out rps p99 requests
    before=$(xacts)
    out=$(wrk -t2 -c"$CLIENTS" -d"${DURATION}s" --latency -s benches/get.lua "$BASE_URL$path")
    after=$(xacts)
    rps=$(awk '/^http_requests_per_sec/ {print $2}' <<<"$out")
    p99=$(awk '/^http_p99_ms/ {print $2}' <<<"$out")
    requests=$(awk '/^http_requests / {print $2}' <<<"$out")
    echo "$label seller ($reports live reports):"
    echo "  pgbench, page SQL, $CLIENTS clients:   $pg tx/s"
    echo "  HTTP page, $CLIENTS clients:           $rps pages/s, p99 $p99 ms"
    echo "  ratio HTTP / pgbench:            $(ratio "$rps" "$pg")   (target >= 60%)"
    echo "  SQL statements per page:         $(python3 -c "print(f'{($after - $before) / $requests:.2f}')")   (target <= 3)"
}

measure "$big_m" "$big_k" "largest"
measure "$typ_m" "$typ_k" "typical"
echo "(p99 target for the typical seller: < 25 ms)"
