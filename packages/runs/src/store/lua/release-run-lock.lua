--[[
  Gives back a run's update lock, only when the caller still holds it: a lock that lapsed and was
  taken by another writer stays theirs.

  KEYS[1]  run-lock:<runId>   the lock (the holder's token, with an expiry)
  ARGV[1]  the caller's token

  Returns 1 when given back, 0 when the caller no longer held it.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
