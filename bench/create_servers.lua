-- Transfer CreateServer until this thread has had COUNT/THREADS answers; then
-- the thread stops and prints "THREAD-DONE". wrk itself runs to its -d
-- duration regardless, so the driver (bench/scale.py) sends wrk SIGINT once
-- every thread is done; wrk then prints its summary. The count may overshoot
-- by the requests in flight: the driver counts the 2xx answers.
--   wrk ... -s create_servers.lua URL -- COUNT THREADS
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  quota = math.floor(tonumber(args[1]) / tonumber(args[2]))
  answered = 0
  req = wrk.format("POST", "/", {
    ["X-Amz-Target"] = "TransferService.CreateServer",
    ["Content-Type"] = "application/x-amz-json-1.1",
    ["X-Amz-Date"] = "20260101T000000Z",
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/transfer/aws4_request, " ..
                        "SignedHeaders=host;x-amz-date, Signature=0000",
  }, '{"Tags":[{"Key":"Name","Value":"bench"}]}')
end

function request() return req end

function response(status, headers, body)
  answered = answered + 1
  if answered == quota then
    io.write("THREAD-DONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

done = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
