-- SPDX-License-Identifier: GPL-2.0-or-later
-- bench/bench_workload.lua: the slots workload from Lua, engine vs per-op loop
--
-- Run by bench/bench_workload (make bench) as
--   kmemsim run --unsafe bench/bench_workload.lua --set ops=N --set slots=S
-- --unsafe gives os.clock; everything else is an ordinary scenario.  Three
-- ways to run the same workload on a fresh SLUB simulator with one seed:
--   engine     one call: a wl.slots phase run by the C workload engine
--   lua loop   a plain Lua loop: sim:random, sim:kmalloc, sim:kfree per op
--   reference  wl.reference, the engine's executable specification (it also
--              samples the slab footprint after every op), on fewer ops
-- The first two must end with the same live objects; the figures are CPU
-- seconds per operation and the ratios to the engine.
local km = require "kmemsim"
local wl = require "kmemsim.workload"

local ops = tonumber(km.params.ops or "1000000")
local nslots = tonumber(km.params.slots or "4096")
local ref_ops = math.min(ops, 20000)

local function new_sim() return km.new{ ram = "1G", cpus = 1, policy = "slub", seed = km.seed } end

local function spec(n)
  return {
    streams = { { name = "kmalloc", kmalloc = wl.uniform(8, 4096) } },
    cpus = "current",
    phases = { wl.slots{ slots = nslots, ops = n } },
  }
end

local best_engine, best_loop = math.huge, math.huge
local live_engine, live_loop
for _ = 1, 3 do
  local sim = new_sim()
  local t0 = os.clock()
  local r = wl.run(sim, spec(ops))
  local t = os.clock() - t0
  if t < best_engine then best_engine = t end
  live_engine = r.live
  sim:close()

  sim = new_sim()
  local slots, live = {}, 0
  t0 = os.clock()
  for _ = 1, ops do
    local k = sim:random(0, nslots - 1)
    local a = slots[k]
    if a then
      sim:kfree(a)
      slots[k] = nil
      live = live - 1
    else
      slots[k] = sim:kmalloc(sim:random(8, 4096), "GFP_KERNEL")
      live = live + 1
    end
  end
  t = os.clock() - t0
  if t < best_loop then best_loop = t end
  live_loop = live
  sim:close()
end

local sim = new_sim()
local t0 = os.clock()
wl.reference(sim, spec(ref_ops))
local t_ref = os.clock() - t0
sim:close()

print(("Lua (slub, %d ops, best of 3):"):format(ops))
print(("  engine     %8.1f ns/op"):format(best_engine * 1e9 / ops))
print(("  lua loop   %8.1f ns/op  ratio %.1f to the engine%s"):format(best_loop * 1e9 / ops,
  best_loop / best_engine, live_engine == live_loop and "" or "  [different result!]"))
print(("  reference  %8.1f ns/op  ratio %.1f to the engine (%d ops)"):format(
  t_ref * 1e9 / ref_ops, (t_ref / ref_ops) / (best_engine / ops), ref_ops))
