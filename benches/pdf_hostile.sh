#!/usr/bin/env bash
# Crafted PDFs (tests/fixtures/pdf_*.pdf, see its README) against the release server, run under
# an address-space limit of 4 GiB as `prlimit --as=4294967296`: the time of each request, its
# answer, the peak RSS of the PDF worker process that handled it (from the server's log), and
# the server's own peak RSS (VmHWM) after it. Legitimate PDFs go first and last, to show the
# worker is free again.
# Usage: benches/pdf_hostile.sh          (ROUNDS=3 by default: each file is posted that often)
BENCH_TOOLS="psql curl prlimit python3"
source "$(dirname "$0")/common.sh"
ROUNDS=${ROUNDS:-3}
LOG="$DATA_DIR/server.log"
REPORT="$DATA_DIR/report.json"
cat >"$REPORT" <<'JSON'
{"listing_url": "https://www.aliexpress.com/item/1005006543210987.html",
 "seller_url": "https://www.aliexpress.com/store/1102345678", "seller_name": "Luxury Outlet Store",
 "brand": "Louis Vuitton", "product_title": "Neverfull MM tote",
 "price": {"amount": "29.90", "currency": "USD"}, "order_date": "2026-10-02",
 "reasons": ["price_too_low"], "email": "buyer@example.com",
 "description": "The monogram pattern is misaligned at the seams and the price was a tenth of retail."}
JSON

# The log carries each worker's peak; plain text, so that it can be read back.
start_server env NO_COLOR=1 RUST_LOG=error,fakewatch::evidence=info prlimit --as=4294967296 >"$LOG" 2>&1
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }
echo "server: pid $SERVER_PID, VmHWM after start $(hwm) KiB, address space limited to 4 GiB"
printf '%-22s %6s %9s %12s %14s  %s\n' file status "time (s)" "worker (KiB)" "server (KiB)" answer
for file in receipt.pdf receipt_active.pdf pdf_one_offset.pdf pdf_huge_array.pdf \
            pdf_bomb_streams.pdf pdf_deep_nesting.pdf receipt.pdf; do
    for _ in $(seq "$ROUNDS"); do
        lines_before=$(wc -l <"$LOG")
        read -r status seconds < <(curl -s -o "$DATA_DIR/body" -w '%{http_code} %{time_total}\n' \
            -F "report=<$REPORT" -F "evidence=@tests/fixtures/$file" "$BASE_URL/api/v1/reports")
        worker=$(tail -n +"$((lines_before + 1))" "$LOG" | grep -o 'peak_rss_kib=[0-9?]*' | cut -d= -f2 | tail -1)
        answer=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print((b.get("errors") or [{}])[0].get("message", "stored as " + b.get("evidence", [{}])[0].get("media_type", "?"))[:90])' "$DATA_DIR/body" 2>/dev/null || echo "?")
        printf '%-22s %6s %9s %12s %14s  %s\n' "$file" "$status" "$seconds" "${worker:-?}" "$(hwm)" "$answer"
    done
done
curl -sf "$BASE_URL/healthz" >/dev/null && echo "server still answers /healthz"
