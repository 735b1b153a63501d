-- kmemsim-args: --policies slab,slub,slob
-- kmemsim-cmd: compare
-- SPDX-License-Identifier: GPL-2.0-or-later
-- Golden: a run that fails under one policy.  Its column shows the error,
-- the other columns are printed as usual, and compare exits with 1 (the
-- error and its traceback go to stderr, which this transcript includes).
local km = require "kmemsim"

print("captured per policy: " .. km.policy)
if km.policy == "slob" then
  error("this scenario needs per-cache slabs; SLOB has none")
end
local sim = km.new{ ram = "32M" }
local c = sim:cache_create("my_cache", 35, { flags = "SLAB_HWCACHE_ALIGN" })
local objs = {}
for i = 1, 300 do objs[i] = assert(c:alloc("GFP_KERNEL")) end
for i = 1, 300, 3 do c:free(objs[i]) end
-- a second simulator is counted, not compared
local other = km.new{ ram = "16M", policy = "slub" }
assert(other:kmalloc(100))
