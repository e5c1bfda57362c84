-- wrk script: GET a page and print its latency percentiles in milliseconds.
-- A visitor, not a flood: one request every 20 ms, so the probe itself barely loads the CPU.
delay = function()
  return 20
end

done = function(summary, latency, requests)
  io.write(string.format("page_requests_per_sec %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("page_p50_ms %.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("page_p99_ms %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("page_max_ms %.2f\n", latency.max / 1000))
end
