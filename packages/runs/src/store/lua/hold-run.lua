--[[
  Puts a run on its pipeline's held index, after every run held before it (`hold_run`, from
  held-index.lua). A run already held keeps its place.

  KEYS[1]  held:<pipelineId>   ZSET of the pipeline's held run ids, in the order they were held
  ARGV[1]  runId
  ARGV[2]  the time it started waiting, in ms

  Returns 1 when added, 0 when it was held already.
]]
return hold_run(KEYS[1], ARGV[1], ARGV[2])
