-- Nova os-stop/os-start round-robin over the fleet (see sweep.lua), with the
-- Keystone token in TOKEN.
local token = os.getenv("TOKEN")
local function call(action, n)
  return wrk.format("POST", string.format("/compute/v2.1/servers/00000000-0000-4000-8000-%012x/action", n),
    {["Content-Type"] = "application/json", ["X-Auth-Token"] = token},
    '{"' .. action .. '": null}')
end

dofile(os.getenv("BENCH_DIR") .. "/sweep.lua").install(
  function(n) return call("os-stop", n) end,
  function(n) return call("os-start", n) end)
