-- SPDX-License-Identifier: GPL-2.0-or-later
-- Golden: the short end-of-run report `kmemsim run` prints for each
-- simulator when the script printed nothing itself: the headline figures
-- (the rows of `kmemsim compare`) and the zones, in creation order.
local km = require "kmemsim"

local a = km.new{ ram = "32M" }
local c = a:cache_create("my_cache", 35, { flags = "SLAB_HWCACHE_ALIGN" })
local objs = {}
for i = 1, 400 do objs[i] = c:alloc("GFP_KERNEL") end
for i = 1, 400, 2 do c:free(objs[i]) end
for i = 1, 50 do a:kmalloc(100 + i) end

-- a second machine, its policy chosen by the scenario
local b = km.new{ ram = "16M", policy = "slob" }
for i = 1, 100 do b:kmalloc(24 + i) end
