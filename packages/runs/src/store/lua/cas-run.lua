--[[
  Compare-and-set of a run record on its `version` field: the write happens only when nobody
  wrote since the caller read version ARGV[1]. Keeps the active set in step with the state.

  KEYS[1]  run:<runId>            the run record (JSON string)
  KEYS[2]  active:<pipelineId>    SET of the pipeline's non-terminal run ids
  ARGV[1]  the version the caller read
  ARGV[2]  the new record as JSON (its version is ARGV[1] + 1)
  ARGV[3]  runId
  ARGV[4]  "1" when the new state is non-terminal, "0" when terminal

  Returns 1 when written, 0 on a version conflict (re-read and retry), -1 when the run is gone.
]]
local current = redis.call('GET', KEYS[1])
if not current then
  return -1
end
if cjson.decode(current).version ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[4] == '1' then
  redis.call('SADD', KEYS[2], ARGV[3])
else
  redis.call('SREM', KEYS[2], ARGV[3])
end
return 1
