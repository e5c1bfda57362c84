#!/usr/bin/env bash
# The read side on a demo database: the home page, a typical seller (the median number of live
# reports), the largest seller, the largest brand, that brand's Atom feed and a name search,
# each over HTTP at 32 clients, next to pgbench running the bare lookup such a page must at
# least do (benches/read_side/*.sql) at 2, 4, 8 and 32 clients, keeping the best, all in the
# same run. Then which plans the service's statements got (pg_stat_statements: planned on
# every call, or a cached generic plan), each page again with generic plans forced where the
# service planned per call, and a table against the targets.
# Usage: benches/read_side.sh
#   (BENCH_DB=fakewatch_bench_1m REPORTS=1000000 DURATION=10 CLIENTS=32 DB_CONNECTIONS=4
#    QUERY=shop PG_CLIENTS="2 4 8 32" PGSS_RESTART=1 GENERIC=1)
#   BENCH_DB=fakewatch_bench_10m REPORTS=10000000 benches/read_side.sh
BENCH_DB=${BENCH_DB:-fakewatch_bench_1m}
KEEP_DB=1
source "$(dirname "$0")/common.sh"
source benches/read_side/plans.sh
DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-32}
REPORTS=${REPORTS:-1000000}
QUERY=${QUERY:-shop}
PG_CLIENTS=${PG_CLIENTS:-2 4 8 32}
GENERIC=${GENERIC:-1}
# wrk's default of 2 s would drop the slowest pages' answers from the percentiles.
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}

ensure_demo_db
pgss_enable

live="status in ('unverified', 'verified')"
# Tab-separated: seller keys may hold spaces.
sql() { psql "$BENCH_DB_URL" -AtF$'\t' -c "$1"; }
urlpart() { python3 -c "import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=''))" "$1"; }
IFS=$'\t' read -r big_m big_k big_n < <(sql "select s.marketplace, s.seller_key, count(*)
    from report r join seller s using (seller_id) where r.$live and s.merged_into is null
    group by s.seller_id order by count(*) desc, s.seller_id limit 1")
IFS=$'\t' read -r typ_m typ_k typ_n < <(sql "with n as (
        select seller_id, count(*) as c from report where $live group by seller_id
    ), m as (select percentile_disc(0.5) within group (order by c) as c from n)
    select s.marketplace, s.seller_key, n.c from n join m using (c) join seller s using (seller_id)
    where s.merged_into is null order by s.seller_id limit 1")
IFS=$'\t' read -r brand_slug brand_n < <(sql "select b.slug, count(*)
    from report r join brand b using (brand_id) where r.$live and b.merged_into is null
    group by b.brand_id order by count(*) desc, b.brand_id limit 1")
[ -n "$big_k" ] && [ -n "$typ_k" ] && [ -n "$brand_slug" ] || { echo "no live reports in $BENCH_DB"; exit 1; }
live_total=$(sql "select count(*) from report where $live")
echo "$BENCH_DB: $live_total live reports; largest seller $big_m/$big_k ($big_n), typical $typ_m/$typ_k ($typ_n), largest brand $brand_slug ($brand_n)"

# The pages: label, path, bare lookup, its pgbench variables (split at "|"). The feed shares
# the brand's.
LABELS=(home "typical seller" "largest seller" "largest brand" "brand feed" "search '$QUERY'")
PATHS=(/ "/sellers/$typ_m/$(urlpart "$typ_k")" "/sellers/$big_m/$(urlpart "$big_k")"
       "/brands/$brand_slug" "/brands/$brand_slug/feed.atom" "/sellers?q=$(urlpart "$QUERY")")
BARE=(home seller seller brand brand search)
DEFINES=("" "-D|marketplace=$typ_m|-D|seller_key=$typ_k" "-D|marketplace=$big_m|-D|seller_key=$big_k"
         "-D|slug=$brand_slug" "-D|slug=$brand_slug" "-D|q=$QUERY")

# pgbench on a bare lookup at each client count: prints "best clients runs…".
bare_best() { # index
    local file="benches/read_side/${BARE[$1]}.sql" best=0 best_c=0 runs=() out tps
    local -a defines
    IFS='|' read -ra defines <<<"${DEFINES[$1]}"
    # Warm the cache and see that the script runs at all.
    out=$(pgbench -n -M prepared -c 2 -j 2 -T 2 "${defines[@]}" -f "$file" "$BENCH_DB_URL" 2>&1) \
        || { echo "pgbench failed on $file: $out" >&2; exit 1; }
    for c in $PG_CLIENTS; do
        tps=$(pgbench -n -M prepared -c "$c" -j $((c < 2 ? c : 2)) -T "$DURATION" "${defines[@]}" \
            -f "$file" "$BENCH_DB_URL" 2>/dev/null | awk '/^tps/ {print $3; exit}')
        runs+=("$c:${tps%.*}")
        if python3 -c "import sys; sys.exit(not $tps > $best)"; then best=$tps; best_c=$c; fi
    done
    echo "$best $best_c ${runs[*]}"
}

# wrk on a page: prints "pages/s p99-ms errors requests", pages being answers with a 2xx or
# 3xx status (a 503 from a full pool comes fast and would flatter the rate).
http_run() { # path
    local out
    out=$(wrk -t2 -c"$CLIENTS" -d"${DURATION}s" --timeout "$WRK_TIMEOUT" --latency \
        -s benches/get.lua "$BASE_URL$1")
    awk '/^http_ok_per_sec/ {r = $2} /^http_p99_ms/ {p = $2} /^http_errors/ {e = $2}
        /^http_requests / {n = $2} END {print r, p, e, n}' <<<"$out"
}

# A small pool gives the lowest tail latency for reads on two cores (shared/stack-notes). The
# server's log stays quiet: answers it could not give are counted by wrk.
DB_CONNECTIONS=${DB_CONNECTIONS:-4}
start_server env FAKEWATCH_DB_CONNECTIONS="$DB_CONNECTIONS" RUST_LOG=off

declare -A BARE_DONE
RPS=() P99=() ERRS=() BEST=() BEST_C=() CUSTOM=() STATEMENTS=()
for i in "${!LABELS[@]}"; do
    label=${LABELS[$i]} path=${PATHS[$i]}
    curl -sf -o /dev/null "$BASE_URL$path" || { echo "no page at $path"; exit 1; }
    echo
    echo "== $label: $path"
    if [ -z "${BARE_DONE[${BARE[$i]}${DEFINES[$i]}]:-}" ]; then
        pgss_reset
        bare_best "$i" > "$DATA_DIR/bare"
        read -r best best_c runs < "$DATA_DIR/bare"
        BARE_DONE[${BARE[$i]}${DEFINES[$i]}]="$best $best_c"
        echo "  pgbench -M prepared, benches/read_side/${BARE[$i]}.sql: $runs tx/s (clients:tx/s)"
        # pgbench's own statement: planned once and then cached as a generic plan, or not.
        pgss_statements 100 | head -1 | awk -F'\t' '{printf "    its statement: %s calls, %s plans, plan %s ms, exec %s ms\n", $1, $2, $3, $4}'
    else
        echo "  pgbench: as above"
    fi
    read -r best best_c <<<"${BARE_DONE[${BARE[$i]}${DEFINES[$i]}]}"
    BEST[i]=$best BEST_C[i]=$best_c
    # Warm up: every pooled connection prepares its statements and settles on its plans.
    wrk -t2 -c"$CLIENTS" -d3s --timeout "$WRK_TIMEOUT" "$BASE_URL$path" >/dev/null
    pgss_reset
    http_run "$path" > "$DATA_DIR/http"
    read -r rps p99 errors requests < "$DATA_DIR/http"
    RPS[i]=$rps P99[i]=$p99 ERRS[i]=$errors
    echo "  HTTP, $CLIENTS clients: $rps pages/s, p99 $p99 ms, $errors errors/timeouts, $requests answers"
    if [ -n "$PGSS" ]; then
        echo "  the service's statements (calls, plans, mean plan ms, mean exec ms, rows/call, SQL):"
        stmts=$(pgss_statements $((requests / 10 + 1)))
        sed 's/^/    /' <<<"$stmts"
        STATEMENTS[i]=$(python3 -c "print(f'{$(pgss_calls) / max($requests, 1):.1f}')")
        echo "  statements per page: ${STATEMENTS[i]}"
        # Where it matters: a statement planned on at least half its calls (a custom plan each
        # time rather than the cached generic one) whose planning is a tenth of its time or more.
        CUSTOM[i]=$(awk -F'\t' '$1 >= 20 && $2 * 2 >= $1 && $2 * $3 * 10 >= $2 * $3 + $1 * $4 {c = 1}
            END {print c + 0}' <<<"$stmts")
    fi
done

# Where the service planned per call: the same pages with generic plans forced on its
# connections (PostgreSQL's plan_cache_mode, through sqlx's `options` URL parameter).
G_RPS=() G_P99=()
if [ -n "$PGSS" ] && [ "$GENERIC" = 1 ] && [[ " ${CUSTOM[*]} " == *" 1 "* ]]; then
    stop_server
    BENCH_DB_URL_GENERIC="$BENCH_DB_URL?options[plan_cache_mode]=force_generic_plan"
    start_server env FAKEWATCH_DB_CONNECTIONS="$DB_CONNECTIONS" RUST_LOG=off \
        DATABASE_URL="$BENCH_DB_URL_GENERIC"
    echo
    echo "== again with plan_cache_mode=force_generic_plan on the service's connections"
    for i in "${!LABELS[@]}"; do
        [ "${CUSTOM[$i]:-0}" = 1 ] || continue
        path=${PATHS[$i]}
        wrk -t2 -c"$CLIENTS" -d3s --timeout "$WRK_TIMEOUT" "$BASE_URL$path" >/dev/null
        pgss_reset
        http_run "$path" > "$DATA_DIR/http"
        read -r rps p99 errors requests < "$DATA_DIR/http"
        G_RPS[i]=$rps G_P99[i]=$p99
        echo "  ${LABELS[$i]}: $rps pages/s, p99 $p99 ms, $errors errors/timeouts"
        pgss_statements $((requests / 10 + 1)) | sed 's/^/    /'
    done
fi

echo
echo "$BENCH_DB ($live_total live reports), $CLIENTS HTTP clients, pool of $DB_CONNECTIONS, ${DURATION} s runs"
printf '%-16s %9s %9s %6s %22s %8s %6s %6s %s\n' page "pages/s" "p99 ms" errors \
    "bare best tx/s (cl.)" ratio ">=20%" "p99" "stmts/page"
for i in "${!LABELS[@]}"; do
    limit=25
    [ "${BARE[$i]}" = search ] && limit=50
    r=$(python3 -c "print(f'{${RPS[$i]} / ${BEST[$i]} * 100:.1f}%')")
    ok_ratio=$(python3 -c "print('ok' if ${RPS[$i]} >= 0.2 * ${BEST[$i]} else 'NO')")
    # No answer in the whole run leaves wrk no percentile to give (it prints 0).
    ok_p99=$(python3 -c "print('ok' if 0 < ${P99[$i]} < $limit else 'NO')")
    printf '%-16s %9s %9s %6s %22s %8s %6s %6s %s\n' "${LABELS[$i]}" "${RPS[$i]}" "${P99[$i]}" \
        "${ERRS[$i]}" "${BEST[$i]%.*} (${BEST_C[$i]})" "$r" "$ok_ratio" "$ok_p99<$limit" "${STATEMENTS[$i]:--}"
    if [ -n "${G_RPS[$i]:-}" ]; then
        printf '%-16s %9s %9s %6s %22s %8s\n' "  generic plans" "${G_RPS[$i]}" "${G_P99[$i]}" "" "" \
            "$(python3 -c "print(f'{${G_RPS[$i]} / ${BEST[$i]} * 100:.1f}%')")"
    fi
done
echo "(targets: every page >= 20% of its bare lookup's best pgbench rate; p99 < 25 ms, search < 50 ms)"
