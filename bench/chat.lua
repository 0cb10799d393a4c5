-- wrk script for POST /chat: rotates realistic messages, groups them into short
-- conversations (about 8 turns each, continued with the session id the server issued:
-- ids are never made up, as a client may not), and reports through
-- bench/wrk_report.lua (status counts, a JSON summary line).
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
local current = nil   -- the conversation being continued: an id the server issued
local turns = 0       -- requests sent in it

function init(args)
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local msg = messages[(counter % #messages) + 1]
  local body
  if current ~= nil and turns < 7 then
    turns = turns + 1
    body = string.format('{"message": "%s", "session_id": "%s"}', msg, current)
  else  -- start a conversation; the first answer with a new id continues it
    turns = 8
    body = string.format('{"message": "%s"}', msg)
  end
  return wrk.format(nil, nil, nil, body)
end

local count = response  -- wrk_report.lua's status counter
function response(status, headers, body)
  count(status, headers, body)
  if status == 200 and turns >= 7 then
    local sid = string.match(body, '"session_id":"([%w_%-]+)"')
    if sid ~= nil and sid ~= current then
      current, turns = sid, 0
    end
  end
end
