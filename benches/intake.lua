-- wrk script for benches/intake.sh: POST /api/v1/reports with a JSON report; the seller, brand
-- and listing are drawn from the same ranges as benches/intake.sql; each report gives its own
-- email address, so each queues a confirmation mail.
math.randomseed(os.time())
-- How many sellers the reports spread over: 10,000, or 1 for a burst on one seller
-- (benches/intake.sh sets SELLERS for each variant).
local sellers = tonumber(os.getenv("SELLERS") or "10000")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  -- Real AliExpress item ids have 16 digits.
  local n = math.random(1, 1000000000)
  local item = "100500" .. string.format("%010d", n)
  -- Store ids have ten digits. A listing belongs to one seller: intake refuses a report
  -- naming another store than the listing's.
  local seller = 1100000001 + n % sellers
  local brand = math.random(1, 500)
  local body = string.format(
    '{"listing_url":"https://www.aliexpress.com/item/%s.html?spm=a2g0o.home",'
    .. '"seller_url":"https://www.aliexpress.com/store/%d","seller_name":"Store %d",'
    .. '"brand":"Brand %d","product_title":"Product %s",'
    .. '"price":{"amount":"19.99","currency":"USD"},"order_date":"2026-10-01",'
    .. '"reasons":["price_too_low","poor_quality"],'
    .. '"description":"The logo is off-centre and the stitching is loose; the price was a tenth of retail.",'
    .. '"email":"b%d@example.com"}',
    item, seller, seller, brand, item, n)
  return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
  io.write(string.format("http_requests_per_sec %.1f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("http_p99_ms %.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("http_errors %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
