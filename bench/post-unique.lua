-- wrk script: POST BODY_FILE with a different ticket id on every request (each request its own alert, so that the
-- outbox's per-alert order does not serialize the load). The id is "<thread><counter>" in place of 10234.
-- KEYS=N: the request's path gets a suffix 0..N-1 in turn (il1hps-store-bench -> il1hps-store-bench3), so that N
-- integration keys share the load (each under its own pacing window). At the end it prints the 2xx answers per
-- second ("2xx/sec") and how many answers were not 2xx: what a durable route stored, not what it refused.
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
local template = file:read("*a")
file:close()
local keys = tonumber(os.getenv("KEYS") or "0")
local counter = 0
ok = 0
other = 0

local next_thread = 0
local threads = {}

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_id", next_thread)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local body = template:gsub('"id": 10234', '"id": ' .. tostring((thread_id or 0) * 100000000 + counter), 1)
  local path = nil
  if keys > 0 then
    path = wrk.path .. tostring(counter % keys)
  end
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_other = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + (thread:get("ok") or 0)
    total_other = total_other + (thread:get("other") or 0)
  end
  io.write(string.format("2xx/sec: %.2f\nnon-2xx: %d\n", total_ok / (summary.duration / 1000000), total_other))
end
