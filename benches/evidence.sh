#!/usr/bin/env bash
# Benchmark 2: reports carrying one 12-megapixel, ~2 MB JPEG each, over HTTP, next to the
# evidence pipeline alone on all cores (examples/evidence_pipeline.rs), in the same run; and,
# while photos are being processed, the p99 latency of the form page.
# Usage: benches/evidence.sh          (DURATION=20 CLIENTS=8 by default)
source "$(dirname "$0")/common.sh"
DURATION=${DURATION:-20}
CLIENTS=${CLIENTS:-8}
PHOTO=${PHOTO:-target/bench/photo-12mp.jpg}

cargo build --release --quiet --example evidence_pipeline
pipeline_out=$(target/release/examples/evidence_pipeline "$PHOTO" "$DURATION")
echo "$pipeline_out" | head -1
pipeline_rate=$(awk '/^pipeline_photos_per_sec/ {print $2}' <<<"$pipeline_out")

start_server
export PHOTO
wrk -t1 -c2 -d3s -s benches/evidence.lua "$BASE_URL/api/v1/reports" >/dev/null   # warm-up

# Uploads and a page visitor at the same time.
wrk -t1 -c1 -d"$((DURATION - 2))s" --latency -s benches/page.lua "$BASE_URL/reports/new" >/tmp/fakewatch-page.out &
page_pid=$!
upload_out=$(wrk -t1 -c"$CLIENTS" -d"${DURATION}s" --timeout 30s -s benches/evidence.lua "$BASE_URL/api/v1/reports")
wait "$page_pid"
page_out=$(cat /tmp/fakewatch-page.out)

http_rate=$(awk '/^http_requests_per_sec/ {print $2}' <<<"$upload_out")
http_errors=$(awk '/^http_errors/ {print $2}' <<<"$upload_out")
echo "evidence pipeline alone, all cores:  $pipeline_rate photos/s"
echo "HTTP reports with one photo each:    $http_rate reports/s ($CLIENTS clients, $http_errors errors)"
echo "ratio HTTP / pipeline:               $(ratio "$http_rate" "$pipeline_rate")   (target >= 80%)"
echo "form page while uploading:           p50 $(awk '/^page_p50_ms/ {print $2}' <<<"$page_out") ms, p99 $(awk '/^page_p99_ms/ {print $2}' <<<"$page_out") ms   (target p99 < 50 ms)"
