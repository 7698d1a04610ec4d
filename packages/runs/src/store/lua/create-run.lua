--[[
  Stores a new run and indexes it, only if no run with this id exists, in one step: two
  scheduler replicas creating the same scheduled run end up with one record. The run's events
  go to the event stream and its state is counted in the stats hash in the same step.

  KEYS[1]  run:<runId>            the run record (JSON string)
  KEYS[2]  runs:<pipelineId>      ZSET of the pipeline's run ids
  KEYS[3]  active:<pipelineId>    SET of the pipeline's non-terminal run ids
  KEYS[4]  events                 STREAM of run events (field `e`: the event as JSON)
  KEYS[5]  stats                  HASH of run counts by `<pipelineId>:<state>`
  ARGV[1]  the record as JSON
  ARGV[2]  score in runs:<pipelineId> (interval start ms, or created ms for a full refresh)
  ARGV[3]  runId
  ARGV[4]  "1" when the run is non-terminal, "0" otherwise
  ARGV[5]  approximate length the event stream is trimmed to
  ARGV[6]  stats field of the run's state
  ARGV[7…] events as JSON

  Returns 1 when stored, 0 when a run with this id already existed (nothing changed).
]]
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  return 0
end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if ARGV[4] == '1' then
  redis.call('SADD', KEYS[3], ARGV[3])
end
redis.call('HINCRBY', KEYS[5], ARGV[6], 1)
for i = 7, #ARGV do
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', 'e', ARGV[i])
end
return 1
