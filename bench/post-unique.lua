-- wrk script: POST BODY_FILE with a different ticket id on every request (each request its own alert, so that the
-- outbox's per-alert order does not serialize the load). The id is "<thread><counter>" in place of 10234.
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
local template = file:read("*a")
file:close()
local counter = 0

local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
end

function request()
  counter = counter + 1
  local body = template:gsub('"id": 10234', '"id": ' .. tostring((thread_id or 0) * 100000000 + counter), 1)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
