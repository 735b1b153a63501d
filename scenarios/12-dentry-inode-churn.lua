-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/12-dentry-inode-churn.lua: files opened, used, closed, forgotten
--
-- What it teaches: a file system's caches churn at different rates.  Every
-- open() of a new file allocates a dentry (192 bytes) and, for an inode
-- not yet cached, an inode (~600 bytes); every open file a struct file
-- (filp, 192 bytes) that lives only while the file is open.  Dentries and
-- inodes outlive the file (they are caches); filps die young.  Mixed in
-- the same slabs, long-lived objects would pin pages (see
-- 04-partial-slabs.lua): that is why each has its own cache.  This
-- scenario runs a build-like churn, then evicts half of the dentry and
-- inode caches at random (memory pressure), and shows /proc/slabinfo-style
-- lines: the evicted caches are left with many partial slabs -- objects
-- gone, pages not.
--
-- Look at: after the eviction, "active" halves but "slabs" and "pages" do not
-- move, while "partial" jumps: objects gone, pages pinned.
local km = require "kmemsim"
local wl = require "kmemsim.workload"

local sim = km.new{ ram = "512M", cpus = 2 }
local policy = sim:config().policy
print(("policy %s"):format(policy))
local dentry = sim:cache_create("dentry", 192, { flags = "SLAB_HWCACHE_ALIGN|SLAB_RECLAIM_ACCOUNT" })
local inode = sim:cache_create("inode_cache", 616, { flags = "SLAB_RECLAIM_ACCOUNT" })
local filp = sim:cache_create("filp", 192, { flags = "SLAB_HWCACHE_ALIGN" })

local function show(what)
  print(what)
  for _, c in ipairs{ dentry, inode, filp } do
    local st, info = c:stats(), c:info()
    if info.objects_per_slab > 0 then
      print(("  %-12s %7d active of %7d objects in %5d slabs (%5d pages), %5d partial"):format(
        info.name, st.active_objs, st.num_objs, st.num_slabs, st.pages, st.partial_slabs))
    else
      print(("  %-12s %7d live objects (SLOB: pages shared by all caches)"):format(info.name, st.live))
    end
  end
  local s = sim:slab_summary()
  print(("  all slabs: %d pages"):format(s.nr_slab_reclaimable + s.nr_slab_unreclaimable))
end

local w = wl.new(sim, {
  name = "build",
  streams = {
    -- most dentries and inodes outlive the run (heavy tails: a few die young)
    { name = "dentry", cache = dentry, lifetime = wl.pareto("100ms", 1.5), weight = 4 },
    { name = "inode", cache = inode, lifetime = wl.pareto("150ms", 1.5), weight = 2 },
    { name = "filp", cache = filp, lifetime = wl.exponential("50us"), weight = 6 },
  },
  rate = 2e5,      -- slow enough for every policy to keep up: the same run under each
  phases = { wl.ramp{ ops = 40000 }, wl.steady{ ops = 80000 } },
})
w:run()
show("after the build:")
w:run_phase(wl.drain{ fraction = 0.5, streams = { "dentry", "inode" } })
show("after evicting half of the dentries and inodes at random:")
