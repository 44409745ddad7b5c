-- wrk: GET /api/v1/clients/search for random seeded clients, identified by
-- both numbers (issue 16: ?q=ORGNR&subscription=NNN, the only search that
-- names the client), with the bureau user's API token from the environment.
-- The seeded client i (bench/seed_store.py) has subscription 5000000+i and
-- organisation number 557iiiiii-C, C its Luhn digit.
local token = os.getenv("LOAD_API_TOKEN")
local n = tonumber(os.getenv("LOAD_CLIENTS") or "100000")
math.randomseed(os.time())

local function luhn_digit(nine)
  local total = 0
  for k = 1, 9 do
    local d = tonumber(nine:sub(k, k)) * ((k % 2 == 1) and 2 or 1)
    if d > 9 then d = d - 9 end
    total = total + d
  end
  return tostring((10 - total % 10) % 10)
end

request = function()
  local i = math.random(0, n - 1)
  local nine = string.format("557%06d", i)
  local orgnr = nine:sub(1, 6) .. "-" .. nine:sub(7, 9) .. luhn_digit(nine)
  local q = "/api/v1/clients/search?q=" .. orgnr .. "&subscription=" .. tostring(5000000 + i)
  return wrk.format("GET", q, { ["Authorization"] = "Bearer " .. token })
end
