--[[
  Reads, for several pipelines in one step, what tells whether a tick has anything to do for
  them: whether the pipeline is paused, how far its scheduled series got, how many backfill
  entries wait and how many runs are held for a run slot. Its one write: each pipeline's
  `schedule.maxActiveRuns` as its definition now says, into its sched hash when it differs, for
  the processes that admit held runs as a run ends and read no definition files.

  KEYS[1]     the run store's SET of paused pipeline ids ({prefix}:paused)
  KEYS[3i-1]  the run store's sched hash of pipeline i ({prefix}:sched:<pipelineId>)
  KEYS[3i]    the backfill ZSET of pipeline i ({prefix}:backfill:<pipelineId>)
  KEYS[3i+1]  the run store's held ZSET of pipeline i ({prefix}:held:<pipelineId>)
  ARGV[1]     the sched hash field holding the last scheduled interval end
  ARGV[2]     the sched hash field holding the limit in force
  ARGV[2i+1]  the id of pipeline i
  ARGV[2i+2]  the schedule.maxActiveRuns of pipeline i's definition
  Returns, per pipeline, four values: 1 when paused else 0, the last scheduled interval end
  (or ''), the number of waiting backfill entries, the number of held runs.
]]
local out = {}
for i = 2, #KEYS, 3 do
  local n = (i + 1) / 3
  out[#out + 1] = redis.call('SISMEMBER', KEYS[1], ARGV[2 * n + 1])
  if redis.call('HGET', KEYS[i], ARGV[2]) ~= ARGV[2 * n + 2] then
    redis.call('HSET', KEYS[i], ARGV[2], ARGV[2 * n + 2])
  end
  out[#out + 1] = redis.call('HGET', KEYS[i], ARGV[1]) or ''
  out[#out + 1] = redis.call('ZCARD', KEYS[i + 1])
  out[#out + 1] = redis.call('ZCARD', KEYS[i + 2])
end
return out
