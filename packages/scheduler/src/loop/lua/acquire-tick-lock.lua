--[[
  Takes a pipeline's scheduler lease lock and, in the same step, reads what the lock guards: how
  far the scheduled series got and how many runs are active.

  KEYS[1] lock key ({prefix}:sched-lock:<pipelineId>)
  KEYS[2] the run store's sched hash ({prefix}:sched:<pipelineId>)
  KEYS[3] the run store's active set ({prefix}:active:<pipelineId>)
  ARGV[1] the holder's token
  ARGV[2] lease in milliseconds
  ARGV[3] the sched hash field holding the last scheduled interval end
  Returns {0} when another holder has the lock, else {1, lastEnd or '', active count}.
]]
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return {0}
end
local lastEnd = redis.call('HGET', KEYS[2], ARGV[3])
return {1, lastEnd or '', redis.call('SCARD', KEYS[3])}
