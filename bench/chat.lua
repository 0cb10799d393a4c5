-- wrk script for POST /chat: rotates realistic messages, groups them into short
-- conversations (a new session id every 8 requests per wrk thread), and reports
-- through bench/wrk_report.lua (status counts, a JSON summary line).
--   wrk -t1 -c32 -d30s --latency -s bench/chat.lua http://127.0.0.1:8000/chat

local messages = {
  "movies like star wars",
  "top 10 comedies",
  "something scary",
  "show me more",
  "recommend a thriller",
  "I loved Fargo",
  "movies like the godfather",
  "what's popular",
  "hi",
  "3 movies like toy story",
  "best sci fi films",
  "movies like star wors",
  "a few romantic comedies",
  "more",
  "I didn't like Titanic",
  "what should I watch tonight",
}

-- load the shared setup/response/done from this script's directory
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_report.lua")

local counter = 0

function init(args)
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local msg = messages[(counter % #messages) + 1]
  -- every 8 requests a new conversation: sessions stay short, like real ones
  local session = string.format("bench-%d-%d-%d", tid or 0, os.time() % 100000,
                                math.floor(counter / 8))
  local body = string.format('{"message": "%s", "session_id": "%s"}', msg, session)
  return wrk.format(nil, nil, nil, body)
end

