--[[
  Compare-and-set of a run record on its `version` field: the write happens only when nobody
  wrote since the caller read version ARGV[1]. Keeps the active set and the state counts in
  step with the state, and appends the write's events to the event stream in the same step, so
  an event exists exactly when its change does.

  KEYS[1]  run:<runId>            the run record (JSON string, `version` its last member)
  KEYS[2]  active:<pipelineId>    SET of the pipeline's admitted non-terminal run ids
  KEYS[3]  events                 STREAM of run events (field `e`: the event as JSON)
  KEYS[4]  stats                  HASH of run counts by `<pipelineId>:<state>`
  KEYS[5]  held:<pipelineId>      ZSET of the pipeline's held run ids
  ARGV[1]  the version the caller read
  ARGV[2]  the new record as JSON (its version is ARGV[1] + 1)
  ARGV[3]  runId
  ARGV[4]  "1" when the run is now active (admitted, non-terminal), "0" when not (terminal, or held)
  ARGV[5]  approximate length the event stream is trimmed to
  ARGV[6]  stats field of the state before, or "" when the state does not change
  ARGV[7]  stats field of the state after, or ""
  ARGV[8…] events as JSON

  Returns 1 when written, 0 on a version conflict (re-read and retry), -1 when the run is gone,
  and 2 when written, the run left the active set (it ended), and the pipeline has held runs
  waiting for the run slot it freed.
]]
local current = redis.call('GET', KEYS[1])
if not current then
  return -1
end
-- The store writes `version` last, so it is read off the record's last 40 bytes: decoding the
-- record on every phase change holds Redis up for every other client, ~0.3 ms for a run of 30
-- loads, where this takes a microsecond. A record that does not end that way is decoded.
local version = tonumber(string.match(string.sub(current, -40), ',"version":(%d+)}$')) or cjson.decode(current).version
if version ~= tonumber(ARGV[1]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
local freed = 0
if ARGV[4] == '1' then
  redis.call('SADD', KEYS[2], ARGV[3])
else
  freed = redis.call('SREM', KEYS[2], ARGV[3])
end
if ARGV[6] ~= '' then
  redis.call('HINCRBY', KEYS[4], ARGV[6], -1)
  redis.call('HINCRBY', KEYS[4], ARGV[7], 1)
end
for i = 8, #ARGV do
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[5], '*', 'e', ARGV[i])
end
if freed == 1 and redis.call('ZCARD', KEYS[5]) > 0 then
  return 2
end
return 1
