--[[
  Compare-and-set of run records on their `version` field, one or more per call, each on its
  own: a record is written only when nobody wrote it since the caller read version `version`.
  Keeps the active set and the state counts in step with the state, and appends the write's
  events to the event stream in the same step, so an event exists exactly when its change does.
  The writes a process makes in one turn of its event loop come in one call (see
  `RunStore.write`): one command and one reply for all, where each would be a round trip.

  KEYS[1]          events                 STREAM of run events (field `e`: the event as JSON)
  KEYS[2]          stats                  HASH of run counts by `<pipelineId>:<state>`
  then six keys per BullMQ queue the call adds jobs to (see add-jobs.lua)
  then per record, three keys:
    run:<runId>            the run record (JSON string, `version` its last member)
    active:<pipelineId>    SET of the pipeline's admitted non-terminal run ids
    held:<pipelineId>      ZSET of the pipeline's held run ids
  ARGV[1]          approximate length the event stream is trimmed to
  ARGV[2]          q, the number of queues
  then q job key prefixes, one per queue (see add-jobs.lua)
  then per record, in the order of its keys:
    the version the caller read
    the new record as JSON (its version is the one read + 1)
    runId
    "1" when the run is now active (admitted, non-terminal), "0" when not (terminal, or held)
    stats field of the state before, or "" when the state does not change
    stats field of the state after, or ""
    the number of events that follow, then the events as JSON
    the jobs the write adds (see add-jobs.lua): the jobs of the phases it makes due, added in
    the same step, so that a phase is never marked queued without its job, nor a job added for
    a write that was refused

  Returns a reply per record, in order: 1 when written, 0 on a version conflict (re-read and
  retry), -1 when the run is gone, 2 when written, the run left the active set (it ended), and
  the pipeline has held runs waiting for the run slot it freed, or an error of that record's own.
]]
local maxlen = ARGV[1]
local queueCount = tonumber(ARGV[2])
local queues = read_queues(3, 3, queueCount)

local function write(run, active, held, a)
  local current = redis.call('GET', run)
  if not current then
    return -1
  end
  -- The store writes `version` last, so it is read off the record's last 40 bytes: decoding the
  -- record on every phase change holds Redis up for every other client, ~0.3 ms for a run of 30
  -- loads, where this takes a microsecond. A record that does not end that way is decoded.
  local version = tonumber(string.match(string.sub(current, -40), ',"version":(%d+)}$')) or cjson.decode(current).version
  if version ~= tonumber(ARGV[a]) then
    return 0
  end
  local jobs = read_jobs(a + 7 + tonumber(ARGV[a + 6]))
  redis.call('SET', run, ARGV[a + 1])
  local freed = 0
  if ARGV[a + 3] == '1' then
    redis.call('SADD', active, ARGV[a + 2])
  else
    freed = redis.call('SREM', active, ARGV[a + 2])
  end
  if ARGV[a + 4] ~= '' then
    redis.call('HINCRBY', KEYS[2], ARGV[a + 4], -1)
    redis.call('HINCRBY', KEYS[2], ARGV[a + 5], 1)
  end
  for i = a + 7, a + 6 + tonumber(ARGV[a + 6]) do
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', 'e', ARGV[i])
  end
  add_jobs(queues, jobs)
  if freed == 1 and redis.call('ZCARD', held) > 0 then
    return 2
  end
  return 1
end

local replies = {}
local a = 3 + queueCount
for k = 3 + 6 * queueCount, #KEYS, 3 do
  -- A record that fails (one that is not JSON, say) fails its own write, not the others'.
  local ok, reply = pcall(write, KEYS[k], KEYS[k + 1], KEYS[k + 2], a)
  if ok then
    replies[#replies + 1] = reply
  else
    replies[#replies + 1] = redis.error_reply(type(reply) == 'table' and reply.err or tostring(reply))
  end
  a = a + 7 + tonumber(ARGV[a + 6])
  a = a + 1 + 6 * tonumber(ARGV[a])
end
return replies
