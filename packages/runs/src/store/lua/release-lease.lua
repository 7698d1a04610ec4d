--[[
  Gives back a lease lock (a run's update lock, a pipeline's admission lock), only when the
  caller still holds it: a lease that lapsed and was taken by someone else stays theirs.

  KEYS[1]  the lock (the holder's token, with an expiry)
  ARGV[1]  the caller's token

  Returns 1 when given back, 0 when the caller no longer held it.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
