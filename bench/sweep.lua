-- Shared by the stop/start scripts: each wrk thread owns a contiguous slice
-- of the fleet (servers 1..FLEET, numbered as bench/run writes the fleet file)
-- and sweeps stop over all of its slice, then start over all of it, and so
-- on. One server's stop and start are never in flight together: between
-- them the thread sends (slice - 1) other requests, far more than its
-- connections hold in flight. Requests are built once, in init, so wrk's Lua
-- costs the same per request for the gateway and the bare responder.
--
--   wrk ... -s SCRIPT URL -- FLEET THREADS
local M = {}

function M.install(make_stop, make_start)
  local next_id = 0
  function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
  end

  function init(args)
    local fleet = tonumber(args[1] or "1000")
    local threads = tonumber(args[2] or "2")
    local slice = math.floor(fleet / threads)
    local first = id * slice + 1
    reqs = {}
    for k = 0, slice - 1 do reqs[#reqs + 1] = make_stop(first + k) end
    for k = 0, slice - 1 do reqs[#reqs + 1] = make_start(first + k) end
    n = 0
  end

  function request()
    -- wrk calls request() once on its first thread before any connection, to
    -- check the script, and drops the answer: give it the first request
    -- without moving on, or that thread would skip one stop (and later send
    -- a Nova os-start to a running server: a 409).
    if id == 0 and not checked then
      checked = true
      return reqs[1]
    end
    n = n + 1
    if n > #reqs then n = 1 end
    return reqs[n]
  end

  done = dofile(os.getenv("BENCH_DIR") .. "/report.lua")
end

return M
