--[[
  Stores new runs and indexes them, each only if no run with its id exists: two scheduler
  replicas creating the same scheduled run end up with one record. Each run's events go to the
  event stream and its state is counted in the stats hash in the same step as the run itself.
  Runs are created one by one within the call: one that existed does not stop the others.

  KEYS[1]     events                 STREAM of run events (field `e`: the event as JSON)
  KEYS[2]     stats                  HASH of run counts by `<pipelineId>:<state>`
  then six keys per BullMQ queue the call adds jobs to (see add-jobs.lua)
  then per run, four keys:
              run:<runId>            the record of the run (JSON string)
              runs:<pipelineId>      ZSET of the run's pipeline's run ids
              active:<pipelineId>    SET of the run's pipeline's admitted non-terminal run ids
              held:<pipelineId>      ZSET of the run's pipeline's held run ids, in the order they were held
  ARGV[1]     approximate length the event stream is trimmed to
  ARGV[2]     q, the number of queues
  then q job key prefixes, one per queue (see add-jobs.lua)
  then, per run in the order of its keys:
              the record as JSON
              score in runs:<pipelineId> (interval start ms, or created ms for a full refresh)
              runId
              "1" when the run is active, "h" when it is held, "0" when it is terminal
              created ms: when a held run started waiting (see `hold_run`, held-index.lua)
              stats field of the run's state
              n, the number of events that follow
              n events as JSON
              the jobs of the run's first phases (see add-jobs.lua), added only with the run

  Returns, per run, 1 when stored, 0 when a run with its id already existed (nothing changed).
]]
local queueCount = tonumber(ARGV[2])
local queues = read_queues(3, 3, queueCount)
local out = {}
local a = 3 + queueCount
for k = 3 + 6 * queueCount, #KEYS, 4 do
  local events = tonumber(ARGV[a + 6])
  local jobs, after = read_jobs(a + 7 + events)
  if redis.call('SET', KEYS[k], ARGV[a], 'NX') then
    redis.call('ZADD', KEYS[k + 1], ARGV[a + 1], ARGV[a + 2])
    if ARGV[a + 3] == '1' then
      redis.call('SADD', KEYS[k + 2], ARGV[a + 2])
    elseif ARGV[a + 3] == 'h' then
      hold_run(KEYS[k + 3], ARGV[a + 2], ARGV[a + 4])
    end
    redis.call('HINCRBY', KEYS[2], ARGV[a + 5], 1)
    for i = a + 7, a + 6 + events do
      redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i])
    end
    add_jobs(queues, jobs)
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
  a = after
end
return out
