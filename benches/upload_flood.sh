#!/usr/bin/env bash
# Hostile input 1: an upload flood. CLIENTS clients at once each send a report with the most
# evidence a report may carry (10 files of 10 MiB: 100 MiB each, 4.8 GB in all by default) to
# the release server running under a 4 GiB address-space cap (`prlimit --as`), twice: with the
# default upload memory budget (FAKEWATCH_UPLOAD_MEMORY_BYTES, 256 MiB), and with the budget
# out of the way (the baseline: what the server did before it had one). Prints, per run, the
# answers by status, the time each request took (median and max), the server's peak RSS
# (VmHWM) and whether it is still alive afterwards.
# Usage: benches/upload_flood.sh      (CLIENTS=48)
source "$(dirname "$0")/common.sh"
CLIENTS=${CLIENTS:-48}
CAP=4294967296

# The files are no images (refused with 422 once read): the flood is about bytes in memory,
# and the decoding of real photos is bounded separately by FAKEWATCH_IMAGE_WORKERS.
for i in $(seq 0 9); do head -c $((10 * 1024 * 1024 - 4096)) /dev/urandom > "$DATA_DIR/f$i.jpg"; done
cat > "$DATA_DIR/report.json" <<'JSON'
{"listing_url": "https://www.aliexpress.com/item/1005006543210987.html",
 "seller_url": "https://www.aliexpress.com/store/1102345678", "brand": "Acme",
 "reasons": ["price_too_low"], "description": "Flood test: the logo is wrong on every unit."}
JSON
files=()
for i in $(seq 0 9); do files+=(-F "evidence=@$DATA_DIR/f$i.jpg;type=image/jpeg"); done

flood() { # label, then env settings for the server
    local label=$1; shift
    start_server env RUST_LOG=off "$@" prlimit --as=$CAP
    local started; started=$(date +%s.%N)
    seq 1 "$CLIENTS" | xargs -P "$CLIENTS" -I{} curl -s -o /dev/null \
        -w '%{http_code} %{time_total}\n' -F "report=<$DATA_DIR/report.json" "${files[@]}" \
        "$BASE_URL/api/v1/reports" > "$DATA_DIR/answers" || true
    local elapsed; elapsed=$(python3 -c "import time; print(f'{time.time() - $started:.1f}')")
    local hwm alive
    hwm=$(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "gone")
    alive=$(curl -sf -o /dev/null "$BASE_URL/healthz" && echo "alive" || echo "DEAD")
    echo "== $label: $CLIENTS clients × 100 MiB in ${elapsed} s; peak RSS $hwm; server $alive"
    python3 - "$DATA_DIR/answers" <<'PY'
import collections, statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
by_status = collections.Counter(code for code, _ in rows)
times = sorted(float(t) for _, t in rows)
print("   answers:", dict(sorted(by_status.items())),
      f"time per request: median {statistics.median(times):.2f} s, max {times[-1]:.2f} s" if times else "")
PY
    kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

flood "with the upload budget (256 MiB)"
flood "baseline, budget out of the way" FAKEWATCH_UPLOAD_MEMORY_BYTES=$((1 << 40))
