-- wrk: GET /api/v1/clients/search for random seeded clients (by subscription
-- number), with the bureau user's API token from the environment.
local token = os.getenv("LOAD_API_TOKEN")
local n = tonumber(os.getenv("LOAD_CLIENTS") or "100000")
math.randomseed(os.time())
request = function()
  local q = tostring(5000000 + math.random(0, n - 1))
  return wrk.format("GET", "/api/v1/clients/search?q=" .. q, { ["Authorization"] = "Bearer " .. token })
end
