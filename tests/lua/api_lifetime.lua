-- SPDX-License-Identifier: GPL-2.0-or-later
-- Lifetime safety: a simulator cannot be freed while one of its callbacks,
-- iterators or handles is using it (issue 14).  Each case below was a
-- use-after-free (ASan-confirmed; SIGSEGV in a release build for task:run);
-- the suite also runs under the sanitizer build, where a regression shows
-- as a crash rather than a wrong answer.
local km = require "kmemsim"
local expect = require "kmemsim.expect"
local wl = require "kmemsim.workload"

local REFUSED = "cannot be closed inside its own"

-- sim:close() inside each scoped callback is refused; the scope is still
-- undone and the simulator still works afterwards
local s = km.new{ ram = "64M", cpus = 2 }
local scoped = {
  { "atomic", function(f) return s:atomic(f) end },
  { "softirq", function(f) return s:softirq(f) end },
  { "irq", function(f) return s:irq(f) end },
  { "memalloc", function(f) return s:memalloc(f) end },
  { "noio", function(f) return s:noio(f) end },
  { "nofs", function(f) return s:nofs(f) end },
  { "on_cpu", function(f) return s:on_cpu(1, f) end },
}
for _, c in ipairs(scoped) do
  local name, call = c[1], c[2]
  expect.errors(function() call(function() s:close() end) end,
    "sim:" .. name .. "%(%) %(close it after", name .. ": close refused")
  expect.eq(s:context(), "process", name .. ": context undone")
  expect.eq(s:cpu(), 0, name .. ": back on CPU 0")
  expect.eq(type(s:kmalloc(64)), "number", name .. ": simulator still usable")
end

-- a <close> variable of the simulator inside its own callback: refused too
expect.errors(function()
  s:atomic(function() local _ <close> = s end)
end, REFUSED, "<close> inside sim:atomic")

-- nested: the innermost callback is named
expect.errors(function()
  s:atomic(function() s:on_cpu(1, function() s:close() end) end)
end, "sim:on_cpu%(%)", "nested: innermost named")
expect.eq(s:context(), "process", "nested: contexts undone")

-- task:run(fn)
local t = s:task{ name = "worker", anon = 4 }
expect.errors(function() t:run(function() s:close() end) end,
  "task:run%(%)", "task:run: close refused")
expect.eq(t:info().name, "worker", "task still there")

-- a workload's on_phase callback
local w = wl.new(s, {
  streams = { { name = "a", kmalloc = 64, lifetime = wl.forever() } },
  phases = { wl.burst{ ops = 10 } },
  on_phase = function() s:close() end,
})
expect.errors(function() w:run() end, "on_phase callback", "on_phase: close refused")

-- closing after the callbacks returned is fine, and then every handle of
-- the simulator raises "simulator is closed"
local c = s:cache_create("lifetime_cache", 128)
local pool = s:mempool_create(2, { cache = c })
s:close()
for what, f in pairs {
  now = function() return s:now() end,
  cache_alloc = function() return c:alloc() end,
  cache_name = function() return c:name() end,
  task_info = function() return t:info() end,
  task_run = function() return t:run(function() end) end,
  pool_alloc = function() return pool:alloc() end,
  workload = function() return w:stats() end,
} do
  expect.errors(f, "simulator is closed", what .. " of a closed simulator")
end
do	-- leaving a <close> scope of a pool of a closed simulator is quiet
  local s2 = km.new{ ram = "64M" }
  local ok = pcall(function()
    local p <close> = s2:mempool_create(1, { kmalloc = 64 })
    local c2 <close> = s2:cache_create("c2", 64)
    s2:close()
  end)
  expect.eq(ok, true, "<close> of handles after sim:close()")
end

-- metatables are protected: a script cannot reach or replace the methods
local s3 = km.new{ ram = "64M" }
local kc = s3:cache("kmalloc-64")
expect.eq(getmetatable(s3), "kmemsim.sim", "simulator metatable protected")
expect.eq(getmetatable(kc), "kmemsim.cache", "cache metatable protected")
expect.eq(getmetatable(s3:task{}), "kmemsim.task", "task metatable protected")
expect.errors(function() getmetatable(kc).__index.name = nil end, "index", "no way to the methods")
-- a cache argument is read from the handle, never through its methods
local pool3 = s3:mempool_create(1, { cache = kc })
expect.eq(pool3:info().backing, "slab", "mempool over a cache handle")
expect.errors(function() s3:mempool_create(1, { cache = s3:task{} }) end,
  "cache expected", "a task is not a cache")
local other = km.new{ ram = "64M" }
expect.errors(function() s3:mempool_create(1, { cache = other:cache("kmalloc-64") }) end,
  "another simulator", "another simulator's cache")
other:close()

-- option tables are read raw: an __index that would close the simulator
-- (or anything else) is never called by a binding
local called = false
local trap = setmetatable({}, { __index = function() called = true; s3:close() end })
expect.errors(function() s3:mempool_create(1, trap) end, "exactly one of", "no backing found")
s3:cache_create("x", 64, setmetatable({}, { __index = trap }))
expect.eq(s3:cache("x") ~= nil, true, "cache_create with an __index options table")
expect.eq(called, false, "no __index metamethod ran")
expect.eq(type(s3:now()), "number", "simulator still open")

-- no __gc finalizers in the sandbox: the collector runs them at moments
-- that depend on the host, in the middle of a binding (sim:caches())
expect.errors(function() setmetatable({}, { __gc = function() s3:close() end }) end,
  "__gc finalizers are not available", "__gc refused")
local mt = {}
setmetatable({}, mt)
mt.__gc = function() s3:close() end	-- too late: Lua never finalizes it
for _ = 1, 50 do
  collectgarbage()
  expect.eq(#s3:caches() > 0, true, "caches() with a collection meanwhile")
end
expect.eq(type(s3:now()), "number", "simulator survived the collections")

-- scopes end on the CPU they began on, even if the function switched CPU
-- for good or raised
local s4 = km.new{ ram = "64M", cpus = 2 }
s4:atomic(function() s4:on_cpu(1) end)
expect.eq(s4:cpu(), 0, "atomic: back on CPU 0")
expect.eq(s4:context(), "process", "atomic: CPU 0 left atomic context")
s4:on_cpu(1)
expect.eq(s4:context(), "process", "CPU 1 untouched")
s4:on_cpu(0)
expect.errors(function() s4:irq(function() s4:on_cpu(1); error("boom") end) end, "boom", "raise")
expect.eq(s4:cpu(), 0, "irq + raise: back on CPU 0")
expect.eq(s4:context(), "process", "irq + raise: context undone")
s4:nofs(function() s4:on_cpu(1) end)
expect.eq(s4:cpu(), 0, "nofs: back on CPU 0")
s4:on_cpu(1, function() s4:on_cpu(0) end)
expect.eq(s4:cpu(), 0, "on_cpu(1, fn) restores the CPU it began on")
s4:atomic(function()
  local p = s4:kmalloc(32, "GFP_ATOMIC")
  expect.eq(type(p), "number", "atomic allocation inside the scope")
end)
expect(s4):no_bugs()
print("api_lifetime: ok")
