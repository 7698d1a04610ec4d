--[[
  Releases a scheduler lease lock only when the caller still holds it: a lease that expired and
  was taken by another replica must not be deleted by the replica that lost it. In the same step
  it records how far the pipeline's scheduled series got, when the holder created runs.

  KEYS[1] lock key ({prefix}:sched-lock:<pipelineId>)
  KEYS[2] the run store's sched hash ({prefix}:sched:<pipelineId>), when ARGV[2] is given
  ARGV[1] the holder's token
  ARGV[2] optional: the end (ISO, UTC, as toISOString writes it) of the last interval a run now exists for
  ARGV[3] the sched hash field that holds it
  Returns 1 when released, 0 when the lock was not held with this token.
]]
-- The series only moves forward (ISO instants in UTC compare as text): a holder whose lease
-- expired while another replica moved on must not set it back.
if ARGV[2] and ARGV[2] ~= '' then
  local current = redis.call('HGET', KEYS[2], ARGV[3])
  if not current or current < ARGV[2] then
    redis.call('HSET', KEYS[2], ARGV[3], ARGV[2])
  end
end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
