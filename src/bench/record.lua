-- GET /record?msg=<unique>: every request a new message (thread id + counter).
local counter = 0
local id = 0
function setup(thread)
  id = id + 1
  thread:set("id", id)
end
function request()
  counter = counter + 1
  return wrk.format("GET", "/record?msg=b" .. id .. "-" .. counter)
end
