-- scenarios/default.lua: the bundled default scenario
--
-- What it shows: a simulated 2-CPU machine, its virtual clock and the
-- contexts a kernel allocation can run in.  It grows into a mixed kernel
-- workload as the allocator layers land.
local km = require "kmemsim"

local sim = km.new{ ram = "256M", cpus = 2 }
print(("kmemsim %s: %s, %d CPUs, seed %d"):format(km.version, tostring(sim),
  sim:config().cpus, sim:config().seed))

for cpu = 0, 1 do
  sim:on_cpu(cpu, function()
    sim:atomic(function()
      print(("cpu %d: in %s context"):format(sim:cpu(), sim:context()))
    end)
  end)
end
sim:advance("10ms")
print(("virtual time after 10 ms: %d ns"):format(sim:now()))
