-- Cycles through pre-signed webhook deliveries, one distinct event per request.
-- BENCH_EVENTS names a file of lines "<signature header>\t<body>".
local events = {}
local path = os.getenv("BENCH_EVENTS")
local header = os.getenv("BENCH_HEADER") or "Stripe-Signature"
local counter = 0
local threads = 0

-- Each thread gets its own block of events (args: round offset, block size),
-- so no event is sent twice: every request is a first delivery.
setup = function(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

init = function(args)
  for line in io.lines(path) do
    local signature, body = line:match("^([^\t]*)\t(.*)$")
    table.insert(events, { signature = signature, body = body })
  end
  counter = tonumber(args[1] or "0") + thread_index * tonumber(args[2] or "10000")
end

request = function()
  counter = counter + 1
  local event = events[(counter % #events) + 1]
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    [header] = event.signature,
  }, event.body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"socket_errors":%d,"non2xx":%d,' ..
    '"p50_us":%d,"p95_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
