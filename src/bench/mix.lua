-- 90% GET /, 10% GET /record?msg=<unique>.
local counter = 0
local id = 0
function setup(thread)
  id = id + 1
  thread:set("id", id)
end
function request()
  counter = counter + 1
  if counter % 10 == 0 then
    return wrk.format("GET", "/record?msg=m" .. id .. "-" .. counter)
  end
  return wrk.format("GET", "/")
end
