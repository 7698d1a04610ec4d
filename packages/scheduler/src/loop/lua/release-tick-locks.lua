--[[
  Gives back scheduler lease locks taken together, each only when the caller still holds it: a
  lease that expired and was taken by another replica must not be deleted by the replica that
  lost it. In the same step it records how far each pipeline's scheduled series got, for the
  pipelines whose holder created scheduled runs.

  KEYS[2i-1] lock key of pipeline i ({prefix}:sched-lock:<pipelineId>)
  KEYS[2i]   the run store's sched hash of pipeline i ({prefix}:sched:<pipelineId>)
  ARGV[1] the holder's token
  ARGV[2] the sched hash field holding the last scheduled interval end
  ARGV[2+i] the end (ISO, UTC, as toISOString writes it) of the last interval a run now exists
            for, or '' when pipeline i's series did not move
  Returns how many locks were released.
]]
local released = 0
for i = 1, #KEYS / 2 do
  local lock, sched, advance = KEYS[2 * i - 1], KEYS[2 * i], ARGV[2 + i]
  -- The series only moves forward (ISO instants in UTC compare as text): a holder whose lease
  -- expired while another replica moved on must not set it back.
  if advance ~= '' then
    local current = redis.call('HGET', sched, ARGV[2])
    if not current or current < advance then
      redis.call('HSET', sched, ARGV[2], advance)
    end
  end
  if redis.call('GET', lock) == ARGV[1] then
    released = released + redis.call('DEL', lock)
  end
end
return released
