-- wrk script: POST BODY_FILE with a different ticket id on every request (each request its own alert, so that the
-- outbox's per-alert order does not serialize the load). The id is "<thread><counter>" in place of 10234.
-- With KEYS set (bench/backlog.sh), the requests go to KEYS integration keys in turn: the HaloPSA route's path with
-- KEY_PREFIX followed by 0 .. KEYS-1; without it, to the URL wrk was given.
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
local template = file:read("*a")
file:close()
local keys = tonumber(os.getenv("KEYS") or "")
local prefix = os.getenv("KEY_PREFIX") or "il1hps-"
local counter = 0

local next_thread = 0

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
end

function request()
  counter = counter + 1
  local id = (thread_id or 0) * 100000000 + counter
  local body = template:gsub('"id": 10234', '"id": ' .. tostring(id), 1)
  local path = keys and ("/api/v1/events/halopsa/" .. prefix .. tostring(id % keys)) or nil
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end
