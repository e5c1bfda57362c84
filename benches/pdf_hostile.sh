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

# Not a fixture (9 MiB): a plain, uncompressed array of 4.7 million elements as a top-level
# object. lopdf parses it before any check of ours can count it, so only the worker's address
# space limit stops it.
RAW_ARRAY="$DATA_DIR/pdf_raw_array.pdf"
python3 - "$RAW_ARRAY" <<'PY'
import sys
objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
           b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Junk 4 0 R >>",
           b"[" + b"0 " * 4_700_000 + b"]"]
body, offsets = bytearray(b"%PDF-1.7\n"), []
for number, text in enumerate(objects, 1):
    offsets.append(len(body))
    body += b"%d 0 obj\n%s\nendobj\n" % (number, text)
xref = len(body)
body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
open(sys.argv[1], "wb").write(body)
PY

# The log carries each worker's peak; plain text, so that it can be read back.
start_server env NO_COLOR=1 RUST_LOG=error,fakewatch::evidence=info prlimit --as=4294967296 >"$LOG" 2>&1
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status"; }
echo "server: pid $SERVER_PID, VmHWM after start $(hwm) KiB, address space limited to 4 GiB"
printf '%-22s %6s %9s %12s %14s  %s\n' file status "time (s)" "worker (KiB)" "server (KiB)" answer
for file in receipt.pdf receipt_active.pdf pdf_one_offset.pdf pdf_huge_array.pdf \
            pdf_bomb_streams.pdf pdf_deep_nesting.pdf "$RAW_ARRAY" receipt.pdf; do
    path=tests/fixtures/$file
    [ -f "$file" ] && path=$file
    for _ in $(seq "$ROUNDS"); do
        lines_before=$(wc -l <"$LOG")
        read -r status seconds < <(curl -s -o "$DATA_DIR/body" -w '%{http_code} %{time_total}\n' \
            -F "report=<$REPORT" -F "evidence=@$path" "$BASE_URL/api/v1/reports")
        worker=$(tail -n +"$((lines_before + 1))" "$LOG" | grep -o 'peak_rss_kib="\?[0-9?]*' | tr -d '"' | cut -d= -f2 | tail -1)
        answer=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print((b.get("errors") or [{}])[0].get("message", "stored as " + b.get("evidence", [{}])[0].get("media_type", "?"))[:90])' "$DATA_DIR/body" 2>/dev/null || echo "?")
        printf '%-22s %6s %9s %12s %14s  %s\n' "$(basename "$file")" "$status" "$seconds" "${worker:-?}" "$(hwm)" "$answer"
    done
done
curl -sf "$BASE_URL/healthz" >/dev/null && echo "server still answers /healthz"
