#!/usr/bin/env bash
# Benchmark 4: the CSV takedown export (GET /api/v1/takedowns?format=csv) of the largest brand
# on a demo database, timed next to psql's `\copy (…) to stdout with csv` of the export's own
# SQL (db::takedowns::EXPORT_SQL, printed by examples/takedown_sql.rs) and of the bare
# per-listing rows of that brand (listing_brand joined with listing: what any export must at
# least read) in the same run, with the server's peak RSS (VmHWM) before and after: for a small
# brand first, then the largest, then the largest through a slow reader (backpressure).
# The 1,000,000-report demo database is generated once (about 2 minutes) and kept as
# fakewatch_bench_1m; BENCH_DB=fakewatch_bench_10m REPORTS=10000000 runs on a larger one.
# Usage: benches/takedown.sh      (ROUNDS=3 REPORTS=1000000 SMALL_RANK=20 SLOW_SECONDS=20)
BENCH_DB=${BENCH_DB:-fakewatch_bench_1m}
KEEP_DB=1
source "$(dirname "$0")/common.sh"
ROUNDS=${ROUNDS:-3}
REPORTS=${REPORTS:-1000000}
SMALL_RANK=${SMALL_RANK:-20}
HOLDER=bench-brand-owner

ensure_demo_db
cargo build --release --quiet --example takedown_sql

# The server migrates the database on start, so it comes before the rights holder.
start_server

brand_by_rank() { # rank (1 = most reports) -> "brand_id slug"
    psql "$BENCH_DB_URL" -AtF' ' -c "select b.brand_id, b.slug from brand b join report r using (brand_id)
        group by b.brand_id order by count(*) desc, b.brand_id limit 1 offset $(($1 - 1))"
}
read -r big_id big_slug < <(brand_by_rank 1)
read -r small_id small_slug < <(brand_by_rank "$SMALL_RANK")
[ -n "$big_slug" ] && [ -n "$small_slug" ] || { echo "no brands in $BENCH_DB"; exit 1; }

fw() { DATABASE_URL="$BENCH_DB_URL" RUST_LOG=error target/release/fakewatch "$@"; }
if [ -z "$(psql "$BENCH_DB_URL" -Atc "select 1 from rights_holder where slug = '$HOLDER'")" ]; then
    out=$(fw rights-holder add --name "Bench Brand Owner" --brand "$big_slug" --brand "$small_slug" \
        --label "benches/takedown.sh")
else # a re-run: the brands may differ if the demo data was regenerated
    fw rights-holder grant --holder "$HOLDER" --brand "$big_slug" --brand "$small_slug" >/dev/null
    out=$(fw rights-holder token --holder "$HOLDER" --label "benches/takedown.sh")
fi
TOKEN=$(grep -o 'fwt_[A-Za-z0-9_-]*' <<<"$out" | head -1)
[ -n "$TOKEN" ] || { echo "no token in: $out"; exit 1; }

target/release/examples/takedown_sql "$big_id" > "$DATA_DIR/big.sql"
target/release/examples/takedown_sql "$small_id" > "$DATA_DIR/small.sql"
# The floor: one row per listing reported for the brand, with the listing's own columns, and
# nothing counted or joined from reports.
echo "select lb.listing_id, lb.outcome, lb.outcome_at, l.marketplace, l.external_id,
    l.canonical_url, l.seller_id from listing_brand lb join listing l on l.listing_id = lb.listing_id
    where lb.brand_id = $big_id" | tr '\n' ' ' > "$DATA_DIR/big-bare.sql"

# Plain curl: no Accept-Encoding, so the body is not compressed.
http_export() { # slug [curl options…]
    local slug=$1; shift
    curl -sf "$@" -H "Authorization: Bearer $TOKEN" \
        "$BASE_URL/api/v1/takedowns?brand=$slug&format=csv"
}
psql_export() { # file with the SQL
    # The export's transaction turns JIT off (db::takedowns::begin_export); so does this.
    PGOPTIONS='-c jit=off' psql "$BENCH_DB_URL" -qX -c "\\copy ($(cat "$1")) to stdout with csv"
}
records() { # CSV records on stdin (quoted line breaks are not new records)
    python3 -c "import csv, sys; print(sum(1 for _ in csv.reader(sys.stdin)))"
}
seconds() { # command… : its wall-clock seconds, output discarded
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > /dev/null || return 1
    t1=$(date +%s.%N)
    python3 -c "print(f'{$t1 - $t0:.3f}')"
}
median() { python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "$@"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status"; }
mib() { python3 -c "print(f'{$1 / 1024:.1f}')"; }
growth() { python3 -c "print(f'{($2 - $1) / 1024:+.1f} MiB')"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICKS=$(getconf CLK_TCK)

# Peak RSS before any export: after start and one tiny request.
curl -sf "$BASE_URL/healthz" >/dev/null
hwm_start=$(hwm_kib)

# The small brand first: VmHWM only grows, so a later, smaller export could hide nothing.
small_http=$(http_export "$small_slug" | records)
hwm_small=$(hwm_kib)
small_sql=$(psql_export "$DATA_DIR/small.sql" | records)

# The largest brand: a warm-up of each, kept to count its rows and bytes.
psql_export "$DATA_DIR/big.sql" > "$DATA_DIR/big-psql.csv"
http_export "$big_slug" -o "$DATA_DIR/big-http.csv"
big_bare=$(psql_export "$DATA_DIR/big-bare.sql" | records)
big_sql=$(records < "$DATA_DIR/big-psql.csv")
big_http=$(records < "$DATA_DIR/big-http.csv")
big_bytes=$(stat -c %s "$DATA_DIR/big-http.csv")
rm "$DATA_DIR/big-psql.csv" "$DATA_DIR/big-http.csv"
psql_times=() bare_times=() http_times=()
cpu0=0 cpu1=0
for _ in $(seq 1 "$ROUNDS"); do
    psql_times+=("$(seconds psql_export "$DATA_DIR/big.sql")")
    bare_times+=("$(seconds psql_export "$DATA_DIR/big-bare.sql")")
    cpu0=$((cpu0 + $(cpu_ticks)))
    http_times+=("$(seconds http_export "$big_slug" -o /dev/null)")
    cpu1=$((cpu1 + $(cpu_ticks)))
done
hwm_big=$(hwm_kib)

# One export of the largest brand to a client that reads it in about SLOW_SECONDS through a
# 64 KiB receive window: the channel fills and the server must wait, not buffer. (Not curl
# --limit-rate: on loopback the receive buffer grows up to tcp_rmem's maximum, 32 MiB on the
# development machine, and swallows the whole list, so the server never has to wait.) A
# quarter of the way in, the export's database session shows where it is: "idle in
# transaction" on a fetch, the cursor waiting for the reader between batches; or gone, when
# the rest of the list already fitted in the server's socket send buffer.
SLOW_SECONDS=${SLOW_SECONDS:-20}
SLOW_RATE=${SLOW_RATE:-$((big_bytes / SLOW_SECONDS + 1))}
slow_read() { # slug bytes/s : prints "body-bytes seconds"; fails unless a whole 200 response
    python3 - "$PORT" "/api/v1/takedowns?brand=$1&format=csv" "$TOKEN" "$2" <<'EOF'
import socket, sys, time
port, path, token, rate = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)  # before connect: caps the window
s.connect(("127.0.0.1", port))
s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
          "Connection: close\r\n\r\n".encode())
head, total, tail, start = b"", 0, b"", time.monotonic()
while chunk := s.recv(16 * 1024):
    if total == 0 and b"\r\n\r\n" not in head:
        head += chunk
    total += len(chunk)
    tail = (tail + chunk)[-5:]
    time.sleep(max(0.0, total / rate - (time.monotonic() - start)))
status = head.split(b"\r\n", 1)[0].decode()
# A chunked body that ends with its last, empty chunk was sent whole.
if " 200 " not in status + " " or tail != b"0\r\n\r\n":
    sys.exit(f"slow reader: {status!r}, {total} bytes, ends {tail!r}")
print(total - len(head.split(b"\r\n\r\n", 1)[0]) - 4, f"{time.monotonic() - start:.1f}")
EOF
}
slow_read "$big_slug" "$SLOW_RATE" > "$DATA_DIR/slow" &
slow_pid=$!
sleep "$(python3 -c "print(min($big_bytes / $SLOW_RATE / 4, 50))")"
slow_db=$(psql "$BENCH_DB_URL" -Atc "select state || coalesce(' (' || wait_event || ')', '')
    from pg_stat_activity where (query like 'fetch % from export_rows' or query like 'declare export_rows%')
    and state <> 'idle' and pid <> pg_backend_pid() limit 1")
slow_rss_mid=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
wait "$slow_pid"
read -r slow_bytes slow < "$DATA_DIR/slow"
hwm_slow=$(hwm_kib)

psql_med=$(median "${psql_times[@]}")
bare_med=$(median "${bare_times[@]}")
bare_rate=$(python3 -c "print(round($big_bare / $bare_med))")
http_med=$(median "${http_times[@]}")
psql_rate=$(python3 -c "print(round($big_sql / $psql_med))")
http_rate=$(python3 -c "print(round(($big_http - 1) / $http_med))")
echo "largest brand $big_slug: $big_sql rows from psql, $((big_http - 1)) from HTTP (+ header row), $(mib $((big_bytes / 1024))) MiB of CSV"
[ "$big_sql" = "$((big_http - 1))" ] || echo "  WARNING: the row counts differ"
echo "  psql \\copy of EXPORT_SQL:       median $psql_med s of ${psql_times[*]} = $psql_rate rows/s"
echo "  HTTP CSV export:                median $http_med s of ${http_times[*]} = $http_rate rows/s"
echo "  psql \\copy of the bare rows:     median $bare_med s of ${bare_times[*]} = $bare_rate rows/s ($big_bare rows)"
echo "  ratio HTTP / psql EXPORT_SQL:   $(ratio "$http_rate" "$psql_rate")   (target >= 90%)"
echo "  ratio HTTP / bare rows:         $(ratio "$http_rate" "$bare_rate")   (target >= 50%)"
echo "  server CPU per HTTP export:     $(python3 -c "print(f'{($cpu1 - $cpu0) / $TICKS / $ROUNDS:.2f}')") s"
echo "server peak RSS (VmHWM):          $(mib "$hwm_start") MiB after start"
echo "  after brand $small_slug (rank $SMALL_RANK, $((small_http - 1)) rows; psql $small_sql): $(mib "$hwm_small") MiB, $(growth "$hwm_start" "$hwm_small")"
echo "  after the largest brand:        $(mib "$hwm_big") MiB, $(growth "$hwm_start" "$hwm_big")"
echo "  after a reader at $(mib $((SLOW_RATE / 1024))) MiB/s ($slow s, $slow_bytes bytes incl. chunk framing): $(mib "$hwm_slow") MiB, $(growth "$hwm_start" "$hwm_slow")"
echo "    a quarter in: RSS $(mib "$slow_rss_mid") MiB; the export's PostgreSQL session: ${slow_db:-gone}"
echo "    (\"idle in transaction\" on a fetch: the cursor waits for the reader between batches)"
echo "  (target: growth < 32 MiB whatever the size)"
