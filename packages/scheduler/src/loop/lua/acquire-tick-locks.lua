--[[
  Takes the scheduler lease locks of several pipelines in one step and, for each lock taken,
  reads what it guards: how far the pipeline's scheduled series got and how many of its runs are
  active. Each lock is taken or not on its own; one held elsewhere does not stop the others.

  KEYS[3i-2] lock key of pipeline i ({prefix}:sched-lock:<pipelineId>)
  KEYS[3i-1] the run store's sched hash of pipeline i ({prefix}:sched:<pipelineId>)
  KEYS[3i]   the run store's active set of pipeline i ({prefix}:active:<pipelineId>)
  ARGV[1] the holder's token
  ARGV[2] lease in milliseconds
  ARGV[3] the sched hash field holding the last scheduled interval end
  Returns, per pipeline, three values: 0, '', 0 when another holder has the lock, else
  1, the last scheduled interval end (or ''), the active run count.
]]
local out = {}
for i = 1, #KEYS, 3 do
  if redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2], 'NX') then
    out[#out + 1] = 1
    out[#out + 1] = redis.call('HGET', KEYS[i + 1], ARGV[3]) or ''
    out[#out + 1] = redis.call('SCARD', KEYS[i + 2])
  else
    out[#out + 1] = 0
    out[#out + 1] = ''
    out[#out + 1] = 0
  end
end
return out
