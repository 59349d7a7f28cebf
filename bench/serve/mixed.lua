-- wrk script for bench/serve/load.sh: a mix of searches by indexed path (GET) and searches by
-- uploaded image (POST, the image file as the body), in a fixed deterministic order per thread.
-- Arguments after --: PATHS_FILE UPLOADS_FILE UPLOAD_PERCENT
local paths, bodies, uploadPercent = {}, {}, 30
local counter, id = 0, 0
local threads = {}

setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function encode(s)
  return (s:gsub("[^%w%-%._~/]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = encode(line) end
  for line in io.lines(args[2]) do
    local f = assert(io.open(line, "rb"))
    bodies[#bodies + 1] = f:read("*a")
    f:close()
  end
  uploadPercent = tonumber(args[3] or "30")
  counter = id * 7919
end

uploads, searches, bad = 0, 0, 0

request = function()
  counter = counter + 1
  if (counter * 37) % 100 < uploadPercent then
    return wrk.format("POST", "/api/search?k=10", { ["Content-Type"] = "application/octet-stream" },
      bodies[counter % #bodies + 1])
  end
  return wrk.format("GET", "/api/search?k=10&path=" .. paths[(counter * 104729) % #paths + 1])
end

-- Counts answers by kind: an upload's answer describes the decoded query image (its "width").
response = function(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  elseif body:find('"width":', 1, true) then
    uploads = uploads + 1
  else
    searches = searches + 1
  end
end

done = function(summary, latency, requests)
  local u, s, b = 0, 0, 0
  for _, t in ipairs(threads) do
    u = u + t:get("uploads")
    s = s + t:get("searches")
    b = b + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
    .. "uploads=%d path_searches=%d non200=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    u, s, b, e.connect, e.read, e.write, e.timeout))
end
