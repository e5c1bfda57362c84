-- wrk script: plain GETs, printing rate, p99, request count and failures (non-2xx/3xx answers,
-- timeouts, socket errors) in a form the scripts parse.
done = function(summary, latency, requests)
  io.write(string.format("http_requests_per_sec %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("http_p99_ms %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("http_requests %d\n", summary.requests))
  io.write(string.format("http_ok_per_sec %.1f\n",
    (summary.requests - summary.errors.status) / (summary.duration / 1e6)))
  io.write(string.format("http_errors %d\n", summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
