-- wrk: GET /approve/TOKEN over the plain tokens in LOAD_TOKENS_FILE (the
-- seeded requested linkages), round robin from a random start per thread.
local tokens = {}
for line in io.lines(os.getenv("LOAD_TOKENS_FILE")) do
  if #line > 0 then table.insert(tokens, line) end
end
math.randomseed(os.time())
local i = math.random(1, #tokens)
request = function()
  i = i % #tokens + 1
  return wrk.format("GET", "/approve/" .. tokens[i])
end
