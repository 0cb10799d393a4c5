-- wrk script for GET /health: the ceiling of the HTTP stack on this machine.
--   wrk -t1 -c32 -d30s --latency -s bench/health.lua http://127.0.0.1:8000/health
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_report.lua")

function init(args)
  statuses = {}
end
