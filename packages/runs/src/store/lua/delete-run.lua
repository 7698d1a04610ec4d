--[[
  Deletes a run and its index entries, only if it is still at the version the caller checked
  (so a run retried meanwhile is kept), and stops counting it in the stats hash.

  KEYS[1]  run:<runId>            the run record (JSON string)
  KEYS[2]  runs:<pipelineId>      ZSET of the pipeline's run ids
  KEYS[3]  active:<pipelineId>    SET of the pipeline's non-terminal run ids
  KEYS[4]  stats                  HASH of run counts by `<pipelineId>:<state>`
  ARGV[1]  the version the caller read
  ARGV[2]  runId
  ARGV[3]  stats field of the run's state

  Returns 1 when deleted, 0 when the run changed or is gone.
]]
local current = redis.call('GET', KEYS[1])
if not current or cjson.decode(current).version ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[2])
if redis.call('HINCRBY', KEYS[4], ARGV[3], -1) <= 0 then
  redis.call('HDEL', KEYS[4], ARGV[3])
end
return 1
