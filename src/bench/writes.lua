-- wrk requests: every Nth records a unique message (GET /record?msg=<thread>-<count>), the others
-- list (GET /). N is the script's argument: 1 for /record alone, 10 for the 90/10 mix.
local every = 1
local counter = 0
local id = 0

function setup(thread)
  id = id + 1
  thread:set("id", id)
end

function init(args)
  every = tonumber(args[1] or "1")
end

function request()
  counter = counter + 1
  if counter % every == 0 then
    return wrk.format("GET", "/record?msg=b" .. id .. "-" .. counter)
  end
  return wrk.format("GET", "/")
end
