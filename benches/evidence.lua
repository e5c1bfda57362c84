-- wrk script for benches/evidence.sh: POST /api/v1/reports as multipart, a "report" JSON part
-- and one 12-megapixel JPEG (path in $PHOTO) as "evidence".
local f = assert(io.open(os.getenv("PHOTO"), "rb"))
local photo = f:read("*all")
f:close()

local boundary = "fakewatch-bench-boundary"
local report = '{"listing_url":"https://www.aliexpress.com/item/1005001234567890.html",'
  .. '"seller_url":"https://www.aliexpress.com/store/912345","brand":"Brand 1",'
  .. '"reasons":["poor_quality"],"description":"Photo of the fake logo on the packaging."}'

wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
  .. 'Content-Disposition: form-data; name="report"\r\n\r\n' .. report .. "\r\n"
  .. "--" .. boundary .. "\r\n"
  .. 'Content-Disposition: form-data; name="evidence"; filename="photo.jpg"\r\n'
  .. "Content-Type: image/jpeg\r\n\r\n" .. photo .. "\r\n"
  .. "--" .. boundary .. "--\r\n"

done = function(summary, latency, requests)
  io.write(string.format("http_requests_per_sec %.2f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("http_errors %d\n", summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
