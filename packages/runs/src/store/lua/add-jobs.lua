--[[
  Adds BullMQ jobs in the same step as the record write that makes them due, as BullMQ's own
  addStandardJob adds one, with BullMQ's functions (storeJob, addJobInTargetList,
  isQueuePausedOrMaxed, getOrSetMaxEvents: included from the installed BullMQ ahead of this file,
  see LuaScript's `bullmq`). A job whose id exists is left as it is. Included at the top of the
  scripts that use it (see LuaScript's `uses`).

  The queues of a call: KEYS from `k`, six per queue (wait, meta, id, active, events, marker),
  and from ARGV[`a`], one per queue: its job key prefix (`<prefix>:<queue>:`).

  The jobs of one record, from ARGV[`a`]: their number, then per job its queue (1-based, in the
  order of the call's queues), job id, name, data as JSON, options as JSON (BullMQ's stored
  form), and timestamp in ms.
]]

local function read_queues(k, a, n)
  local queues = {}
  for i = 0, n - 1 do
    local q = k + 6 * i
    queues[i + 1] = { wait = KEYS[q], meta = KEYS[q + 1], id = KEYS[q + 2], active = KEYS[q + 3], events = KEYS[q + 4], marker = KEYS[q + 5], prefix = ARGV[a + i] }
  end
  return queues
end

-- The jobs from ARGV[a], and the index of the argument after them. Decodes every job's options,
-- which is what can fail: a caller reads the jobs before it writes anything.
local function read_jobs(a)
  local jobs = {}
  local n = tonumber(ARGV[a])
  for i = a + 1, a + 6 * n, 6 do
    jobs[#jobs + 1] = { queue = tonumber(ARGV[i]), id = ARGV[i + 1], name = ARGV[i + 2], data = ARGV[i + 3], opts = cjson.decode(ARGV[i + 4]), timestamp = ARGV[i + 5] }
  end
  return jobs, a + 1 + 6 * n
end

local function add_jobs(queues, jobs)
  for _, job in ipairs(jobs) do
    local q = queues[job.queue]
    local jobKey = q.prefix .. job.id
    if rcall('EXISTS', jobKey) == 0 then
      rcall('INCR', q.id)
      local maxEvents = getOrSetMaxEvents(q.meta)
      storeJob(q.events, jobKey, job.id, job.name, job.data, job.opts, job.timestamp, nil, nil, nil)
      addJobInTargetList(q.wait, q.marker, job.opts['lifo'] and 'RPUSH' or 'LPUSH', isQueuePausedOrMaxed(q.meta, q.active), job.id)
      rcall('XADD', q.events, 'MAXLEN', '~', maxEvents, '*', 'event', 'waiting', 'jobId', job.id)
    end
  end
end
