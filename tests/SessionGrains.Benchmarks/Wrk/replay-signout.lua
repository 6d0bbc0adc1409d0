-- wrk script: as replay.lua, and each admitted session (a 201 answer) is signed out by the thread's next request, so
-- a site that admits stays as full as it was: the admission mix. Reading answers costs wrk time, so only this
-- scenario does it.

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "replay.lua")

local signouts = {}

request = function()
  local pending = table.remove(signouts)
  if pending ~= nil then
    return pending
  end
  return next_request()
end

response = function(status, headers, body)
  if status == 201 then
    local location = headers["Location"] or headers["location"]
    local site = location:match("/api/sites/([^/]+)/")
    signouts[#signouts + 1] = wrk.format("DELETE", location, { ["Authorization"] = "Bearer " .. site_keys[site] })
  end
end
