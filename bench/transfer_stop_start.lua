-- Transfer StopServer/StartServer round-robin over the fleet (see sweep.lua).
local function call(op, n)
  return wrk.format("POST", "/", {
    ["X-Amz-Target"] = "TransferService." .. op,
    ["Content-Type"] = "application/x-amz-json-1.1",
    ["X-Amz-Date"] = "20260101T000000Z",
    ["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/transfer/aws4_request, " ..
                        "SignedHeaders=host;x-amz-date, Signature=0000",
  }, string.format('{"ServerId":"s-%017x"}', n))
end

dofile(os.getenv("BENCH_DIR") .. "/sweep.lua").install(
  function(n) return call("StopServer", n) end,
  function(n) return call("StartServer", n) end)
