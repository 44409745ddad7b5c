-- wrk: POST /api/v1/linkage-requests, each request for a client no earlier
-- request named (up to 4 threads take disjoint quarters of the seeded
-- subscriptions), so they are created (201), not refused as duplicates (409).
-- wrk counts any other status as "Non-2xx or 3xx responses".
local token = os.getenv("LOAD_API_TOKEN")
local n = tonumber(os.getenv("LOAD_CLIENTS") or "100000")
local counter = 0
-- LOAD_QUARTER_OFFSET=2: the threads take the third and fourth quarters
-- (load.sh's second round, so it names no client the first round did).
local offset = tonumber(os.getenv("LOAD_QUARTER_OFFSET") or "0")

setup = function(thread)
  thread:set("tid", counter + offset)
  counter = counter + 1
end

local next_i = 0
request = function()
  local i = tid * math.floor(n / 4) + next_i
  next_i = next_i + 1
  local body = '{"client": "' .. tostring(5000000 + i) .. '"}'
  return wrk.format("POST", "/api/v1/linkage-requests",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
