-- wrk script: replays the requests of a file, round robin, each thread from its own offset.
-- The file (the script's first argument) has one request per line, tab-separated: method, path, bearer key, and an
-- optional JSON body. Every request is formatted once, at start, so the load costs wrk as little as it can.
-- An optional second argument is a pause in milliseconds (fractions allowed) each connection makes after an answer
-- before its next request: the load at a chosen fraction of the maximum rate. wrk starts a request's time when it
-- sends it, so the pause is not part of any latency.

local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

requests = {}
site_keys = {}
local position = 1

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local method, path, key, body = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t?(.*)$")
    local headers = { ["Authorization"] = "Bearer " .. key }
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
    local site = path:match("^/api/sites/([^/]+)/")
    if site ~= nil then
      site_keys[site] = key
    end
  end
  file:close()
  -- Threads start half the file apart, so two threads do not send the same requests in step.
  position = (thread_index * math.floor(#requests / 2)) % #requests + 1

  -- wrk's timers count whole milliseconds: a fraction is kept on average by rounding up that often.
  local pause = tonumber(args[2])
  if pause ~= nil and pause > 0 then
    local whole = math.floor(pause)
    local fraction = pause - whole
    delay = function()
      if math.random() < fraction then
        return whole + 1
      end
      return whole
    end
  end
end

function next_request()
  local formatted = requests[position]
  position = position % #requests + 1
  return formatted
end

request = next_request
