-- The soak's request mix (bench/soak.py): both APIs and the control plane
-- against one fleet, sixteen requests in a cycle:
--
--   even slots: a lifecycle write, one server at a time, each thread over its
--     own slice of the fleet: StopServer (Transfer), os-start (Nova), os-stop
--     (Nova), StartServer (Transfer), so every server goes round both APIs.
--     Between two writes to one server the thread sends 2 x slice - 1 other
--     requests, far more than its connections hold in flight.
--   odd slots: DescribeServer, Nova GET /servers/{id}, a ListServers page, a
--     Nova GET /servers?limit=20 page, GET /_gateway/health and a journal
--     page filtered by server.
--
-- wrk runs in segments (one latency distribution each); each thread resumes
-- where the last segment left it, from the positions done() prints.
--
--   wrk ... -s soak.lua URL -- FLEET THREADS POS0 POS1 ...
local token = os.getenv("TOKEN")
local aws_auth = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/transfer/aws4_request, " ..
                 "SignedHeaders=host;x-amz-date, Signature=0000"

local function transfer(op, body)
  return wrk.format("POST", "/", {
    ["X-Amz-Target"] = "TransferService." .. op,
    ["Content-Type"] = "application/x-amz-json-1.1",
    ["X-Amz-Date"] = "20260101T000000Z",
    ["Authorization"] = aws_auth,
  }, body)
end

local function uuid(n) return string.format("00000000-0000-4000-8000-%012x", n) end
local function server_id(n) return string.format('{"ServerId":"s-%017x"}', n) end

local function nova(method, path, body)
  local headers = {["X-Auth-Token"] = token}
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(method, "/compute/v2.1" .. path, headers, body)
end

local function write(n, phase)
  if phase == 0 then return transfer("StopServer", server_id(n)) end
  if phase == 1 then return nova("POST", "/servers/" .. uuid(n) .. "/action", '{"os-start": null}') end
  if phase == 2 then return nova("POST", "/servers/" .. uuid(n) .. "/action", '{"os-stop": null}') end
  return transfer("StartServer", server_id(n))
end

local function read(n, slot)
  if slot == 1 or slot == 9 then return transfer("DescribeServer", server_id(n)) end
  if slot == 3 or slot == 11 then return nova("GET", "/servers/" .. uuid(n)) end
  if slot == 5 then return transfer("ListServers", '{"MaxResults":20}') end
  if slot == 7 then return nova("GET", "/servers?limit=20") end
  if slot == 13 then return wrk.format("GET", "/_gateway/health") end
  return wrk.format("GET", "/_gateway/journal?server=" .. uuid(n) .. "&limit=5")
end

local threads = {}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

function init(args)
  local fleet = tonumber(args[1])
  local nthreads = tonumber(args[2])
  slice = math.floor(fleet / nthreads)
  first = id * slice + 1
  pos = tonumber(args[3 + id] or "0")
end

function request()
  -- wrk calls request() once on the first thread to check the script and
  -- drops the answer: a read, without moving on.
  if id == 0 and not checked then
    checked = true
    return wrk.format("GET", "/_gateway/health")
  end
  local slot = pos % 16
  local w = math.floor(pos / 16) * 8 + math.floor(slot / 2)
  pos = pos + 1
  local n = first + w % slice
  if slot % 2 == 0 then return write(n, math.floor(w / slice) % 4) end
  return read(n, slot)
end

local report = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
function done(summary, latency, requests)
  local positions = {}
  for _, t in ipairs(threads) do positions[#positions + 1] = tostring(t:get("pos")) end
  io.write("SOAKPOS " .. table.concat(positions, " ") .. "\n")
  report(summary, latency, requests)
end
