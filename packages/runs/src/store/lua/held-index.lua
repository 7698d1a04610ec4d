--[[
  Functions on a pipeline's held index (ZSET held:<pipelineId>), included at the top of the
  scripts that use them (see LuaScript's `uses`).
]]

-- Adds runId after every run held before it: scored by `ms`, the time it started waiting, raised
-- past the last score so that runs held in the same millisecond keep their order. A run already
-- held keeps its place. Returns 1 when added, 0 when it was held already.
local function hold_run(key, runId, ms)
  if redis.call('ZSCORE', key, runId) then
    return 0
  end
  local last = redis.call('ZREVRANGE', key, 0, 0, 'WITHSCORES')[2]
  local score = tonumber(ms)
  if last and tonumber(last) >= score then
    score = tonumber(last) + 1
  end
  redis.call('ZADD', key, score, runId)
  return 1
end
