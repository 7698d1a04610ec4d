--[[
  Releases a scheduler lease lock only when the caller still holds it: a lease that expired and
  was taken by another replica must not be deleted by the replica that lost it.

  KEYS[1] lock key ({prefix}:sched-lock:<pipelineId>)
  ARGV[1] the holder's token
  Returns 1 when released, 0 when the lock was not held with this token.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
