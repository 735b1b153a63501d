-- SPDX-License-Identifier: GPL-2.0-or-later
-- Tests of the fixes from issue 12's source review of mm/slub.c, mm/slab.c
-- and mm/slab_common.c (6.1 and 6.18): each case states the kernel rule it
-- checks, and every expected number follows from that rule, not from a run.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

-- The machine of tests/unit/check_slowpath.c: Normal 4096 pages, 1 CPU, no
-- pcp, min_free_kbytes 1024 -> min 256, low 320, high 384.
local function machine(policy)
  return km.new{ zones = { Normal = 4096 }, cpus = 1, pcp = false, policy = policy,
                 min_free_kbytes = 1024, watermark_boost_factor = 0 }
end

-- bring free memory down to n without waking kswapd (no reclaim bits)
local function fill_to(sim, n)
  local held = {}
  while sim:zones()[3].free > n do held[#held + 1] = assert(sim:alloc_pages(0, "__GFP_MEMALLOC")) end
  return held
end

-- ---- fix 2: allocate_slab() always retries at s->min with the caller's flags ----
-- mm/slub.c allocate_slab(): the first try adds __GFP_NORETRY | __GFP_NOWARN;
-- when it fails, "oo = s->min; alloc_gfp = flags;" and a second try follows,
-- even when s->min is the same order.  A 192-byte cache has order 0 = min
-- order.  With free memory below min and nothing to reclaim, the NORETRY try
-- fails without the OOM killer; the second, plain GFP_KERNEL, try invokes it:
-- the biggest task dies and the slab is made (ORDER_FALLBACK counted).
do
  local sim = machine("slub")
  local big = sim:task{ name = "big", anon = 1000 }
  fill_to(sim, 200)
  local c = sim:cache_create("order0", 192, { flags = "SLAB_NO_MERGE" })
  expect.eq(c:info().order, 0, "192-byte objects: order 0")
  expect.eq(c:info().min_order, 0, "min order 0 too")
  local obj, why = c:alloc("GFP_KERNEL")
  expect.truthy(obj, "the second try (caller's flags) may OOM-kill: " .. tostring(why))
  expect.eq(big:info().state, "killed", "the OOM killer ran for the second try")
  expect(sim):vmstat("oom_kill", 1)
  expect.eq(c:stats().order_fallback, 1, "ORDER_FALLBACK: the second try succeeded")
  sim:close()
end

-- ---- fix 4: the sheaf counters of 6.18 mm/slub.c ----
-- barn_get_empty_sheaf() counts nothing; __pcs_replace_empty_main() counts
-- BARN_GET when barn_replace_empty_sheaf() gives a full sheaf, else
-- BARN_GET_FAIL; __pcs_replace_full_main() counts BARN_PUT when
-- barn_replace_full_sheaf() takes the full main sheaf, BARN_PUT_FAIL at once
-- only for too many full sheaves (-E2BIG); with no empty sheaf in the barn it
-- allocates one and __pcs_install_empty_sheaf() puts the full main sheaf in
-- the barn and counts BARN_PUT.  Capacity 4, one CPU, 9 allocations, 9 frees,
-- 9 allocations, worked out by hand:
--   alloc 1: main empty, no spare, barn has no full sheaf: BARN_GET_FAIL;
--            no empty sheaf either: a new sheaf is filled; the empty main
--            goes to the barn (1 empty)
--   alloc 5, 9: the same, but the refill reuses the barn's empty sheaf:
--            BARN_GET_FAIL (3 in all); the old main goes back (1 empty)
--   free 2:  main full, no spare: the barn's empty sheaf becomes main (0 empty)
--   free 6:  main and spare full, the barn has no empty sheaf: a new one is
--            allocated, the full main goes to the barn: BARN_PUT (1 full)
--   allocs 1..4 from main, 5 swaps in the full spare, 9: main and spare
--            empty, the barn's full sheaf: BARN_GET
do
  local sim = km.new{ cpus = 1, policy = "slub" }
  local c = sim:cache_create("sheaved", 64, { flags = "SLAB_NO_MERGE", sheaf_capacity = 4 })
  local objs = {}
  for i = 1, 9 do objs[i] = assert(c:alloc("GFP_KERNEL")) end
  local st = c:stats()
  expect.eq(st.barn_get, 0, "no full sheaf ever came from the barn")
  expect.eq(st.barn_get_fail, 3, "allocs 1, 5 and 9 found no full sheaf")
  for i = 1, 9 do c:free(objs[i]) end
  st = c:stats()
  expect.eq(st.barn_put, 1, "free 6: the full main sheaf went to the barn")
  expect.eq(st.barn_put_fail, 0, "an empty sheaf could be allocated")
  for i = 1, 9 do objs[i] = assert(c:alloc("GFP_KERNEL")) end
  st = c:stats()
  expect.eq(st.barn_get, 1, "alloc 9 took the barn's full sheaf")
  expect.eq(st.barn_get_fail, 3, "no more failures")
  for i = 1, 9 do c:free(objs[i]) end
  sim:close()
end

-- ---- fix 6: with F, the red zones of a free object are checked at allocation ----
-- alloc_debug_processing() -> alloc_consistency_checks() -> check_object(...,
-- SLUB_RED_INACTIVE) with SLAB_CONSISTENCY_CHECKS; without it,
-- init_object(SLUB_RED_ACTIVE) rewrites the red zones unchecked.  A debug
-- cache allocates from the slab freelist, last freed first, so the second
-- allocation is the damaged object.
for _, flags in ipairs{ "SLAB_CONSISTENCY_CHECKS|SLAB_RED_ZONE", "SLAB_RED_ZONE" } do
  local sim = km.new{ cpus = 1, policy = "slub" }
  local c = sim:cache_create("rz_free", 64, { flags = flags })
  local p = assert(c:alloc("GFP_KERNEL"))
  c:free(p)
  expect.eq(sim:poke(p + 64, 1), "right red zone (free object)", "byte 64: the right red zone")
  expect.eq(c:alloc("GFP_KERNEL"), p, "the same object again")
  if flags:find("CONSISTENCY") then
    expect(sim):bugs(1, "redzone")
    expect.match(sim:bugs()[1].message, "Right Redzone overwritten", "reported at allocation")
    expect.match(sim:dmesg(), "First byte 0x0 instead of 0xbb", "SLUB_RED_INACTIVE expected")
  else
    expect(sim):no_bugs()
  end
  sim:close()
end

-- ---- fix 5: a corrupted free pointer is a free pointer error, not poison ----
-- check_object() with SLUB_RED_INACTIVE checks the free pointer of a free
-- object ("Freepointer corrupt", object_err: one error); a poisoned cache
-- keeps its free pointer after the object (s->offset == object_size).
do
  local sim = km.new{ cpus = 1, policy = "slub" }
  local c = sim:cache_create("fp", 64, { flags = "SLAB_CONSISTENCY_CHECKS|SLAB_POISON" })
  local p = assert(c:alloc("GFP_KERNEL"))
  c:free(p)
  expect.eq(sim:poke(p + c:info().offset, 1), "free pointer", "the free pointer word")
  expect.eq(c:alloc("GFP_KERNEL"), p, "the same object again")
  expect(sim):bugs(1, "poison")
  expect.match(sim:bugs()[1].message, "Freepointer corrupt", "not Poison overwritten")
  sim:close()
end

-- ---- fix 8: CONFIG_SLAB_FREELIST_RANDOM (option freelist_random) ----
-- SLUB shuffle_freelist() / SLAB shuffle_freelist(): a new slab hands out
-- its objects in the order of the cache's random permutation
-- (freelist_randomize(), Fisher-Yates) from a random start: every object
-- of the slab exactly once, in an order that is not the address order;
-- the draws come from the simulator's PRNG, so a seed gives one order.
-- Off (the Kconfig default), SLUB hands them out in address order.
local function first_slab_order(policy, seed, random)
  local sim = km.new{ cpus = 1, policy = policy, seed = seed, freelist_random = random }
  local c = sim:cache_create("shuffled", 256, { flags = "SLAB_NO_MERGE" })
  local n = c:info().objects_per_slab
  local base, order, seen = nil, {}, {}
  for i = 1, n do
    local a = assert(c:alloc("GFP_KERNEL"))
    base = base and math.min(base, a) or a
    order[i] = a
  end
  for i = 1, n do
    order[i] = (order[i] - base) // 256
    seen[order[i]] = true
  end
  expect.eq(c:stats().slabs_created, 1, policy .. ": one slab")
  sim:close()
  return order, seen, n
end
for _, policy in ipairs{ "slub", "slab" } do
  local order, seen, n = first_slab_order(policy, 1, true)
  expect.eq(n, 16, policy .. ": 16 objects of 256 bytes per page")
  for i = 0, n - 1 do expect.truthy(seen[i], policy .. ": object " .. i .. " handed out") end
  local ascending = true
  for i = 2, n do ascending = ascending and order[i] == order[i - 1] + 1 end
  expect.falsy(ascending, policy .. ": not the address order")
  expect.same(first_slab_order(policy, 1, true), order, policy .. ": the seed fixes the order")
  expect.falsy(table.concat(first_slab_order(policy, 2, true), ",") == table.concat(order, ","),
               policy .. ": another seed, another order")
end
do
  local order = first_slab_order("slub", 1, false)
  for i = 1, #order do expect.eq(order[i], i - 1, "off: SLUB's address order") end
end

-- ---- fix 9: RCU frees wait for a grace period in virtual time ----
-- kvfree_rcu() (kernel/rcu/tree.c in 6.1, mm/slab_common.c in 6.18): the
-- object joins its CPU's batch; kfree_rcu_monitor() takes the batch
-- KFREE_DRAIN_JIFFIES = 5 * HZ after the first object, or one jiffy after
-- the batch holds KVFREE_BULK_MAX_ENTR = (4096 - 16) / 8 = 510 pointers,
-- and the objects are freed after a grace period (12 ms here, docs/model.md);
-- the work runs on a one-jiffy (4 ms at HZ=250) tick.
local GP, JIFFY = 12000000, 4000000
do
  local sim = km.new{ cpus = 1, policy = "slub" }
  local k64 = sim:cache("kmalloc-64")
  local p = assert(sim:kmalloc(64))
  expect.eq(sim:kfree_rcu(p), true, "kfree_rcu")
  expect.eq(k64:stats().live, 1, "still allocated")
  sim:advance(5000000000 - JIFFY)
  expect.eq(k64:stats().live, 1, "the batch waits 5 s")
  sim:advance(JIFFY + GP + 2 * JIFFY)
  expect.eq(k64:stats().live, 0, "freed a grace period after the monitor")
  expect.eq(sim:rcu().freed, 1, "one RCU free")
  -- a full bulk page: the monitor runs a jiffy later
  local objs = {}
  for i = 1, 510 do objs[i] = assert(sim:kmalloc(64)) end
  for i = 1, 509 do sim:kfree_rcu(objs[i]) end
  sim:advance(100000000)
  expect.eq(k64:stats().live, 510, "509 pointers: still the 5 s batch")
  sim:kfree_rcu(objs[510])
  sim:advance(JIFFY + GP + 2 * JIFFY)
  expect.eq(k64:stats().live, 0, "510 pointers: drained after a jiffy and a grace period")
  sim:close()
end
-- call_rcu() (c:free_rcu()): one grace period, no batching
do
  local sim = km.new{ cpus = 1, policy = "slub" }
  local c = sim:cache_create("rcu_objs", 128, { flags = "SLAB_NO_MERGE" })
  local o = assert(c:alloc("GFP_KERNEL"))
  expect.eq(c:free_rcu(o), true, "call_rcu")
  sim:advance(GP - JIFFY)
  expect.eq(c:stats().live, 1, "before the grace period ends")
  sim:advance(2 * JIFFY)
  expect.eq(c:stats().live, 0, "freed after it")
  sim:close()
end
-- SLAB_TYPESAFE_BY_RCU: objects are reused at once, the pages of a freed
-- slab go back a grace period later (free_slab() -> call_rcu(rcu_free_slab))
for _, policy in ipairs{ "slub", "slab" } do
  local sim = km.new{ cpus = 1, policy = policy }
  local c = sim:cache_create("typesafe", 256, { flags = "SLAB_TYPESAFE_BY_RCU" })
  local objs = {}
  local n = c:info().objects_per_slab
  for i = 1, n * 20 do objs[i] = assert(c:alloc("GFP_KERNEL")) end
  local pages = sim:slab_summary().nr_slab_unreclaimable
  for i = 1, n * 20 do c:free(objs[i]) end
  c:shrink()
  local gone = 20 - c:stats().num_slabs
  expect.range(gone, 1, 20, policy .. ": the frees and shrink let slabs go")
  expect.eq(sim:slab_summary().nr_slab_unreclaimable, pages, policy .. ": their pages wait for RCU")
  expect.eq(sim:rcu().waiting_slabs, gone, policy .. ": one call_rcu per slab")
  sim:advance(GP + JIFFY)
  expect.eq(sim:slab_summary().nr_slab_unreclaimable, pages - gone * c:info().pages_per_slab,
            policy .. ": back after a grace period")
  expect(sim):no_bugs()
  sim:close()
end

-- ---- fix 3: memcg's per-slab vector (option memcg, CONFIG_MEMCG) ----
-- account_slab(): a new slab of a SLAB_ACCOUNT cache (every kmalloc-cg-*)
-- gets kcalloc(objects, sizeof(struct slabobj_ext) = 8) (6.18
-- alloc_slab_obj_exts(); 6.1 memcg_alloc_slab_cgroups(), the same size),
-- from a plain kmalloc cache (OBJCGS_CLEAR_MASK drops __GFP_ACCOUNT); it
-- is kfree()d with the slab (unaccount_slab()).  Without CONFIG_MEMCG there
-- are no kmalloc-cg caches (KMALLOC_CGROUP == KMALLOC_NORMAL) and no vectors.
for _, policy in ipairs{ "slub", "slab" } do
  local sim = km.new{ cpus = 1, policy = policy }
  local cg = sim:cache("kmalloc-cg-64")
  local per = cg:info().objects_per_slab
  local vec = sim:cache(("kmalloc-%d"):format(per * 8))	-- 64 (SLUB) or 64 (SLAB) * 8 = 512
  expect.truthy(vec, policy .. ": a kmalloc class of objects * 8 bytes")
  local before = vec:stats().live
  local p = assert(sim:kmalloc(64, "GFP_KERNEL_ACCOUNT"))
  expect.eq(cg:stats().slabs_created, 1, policy .. ": one new kmalloc-cg-64 slab")
  expect.eq(vec:stats().live, before + 1, policy .. ": its slabobj_ext vector")
  local plain = sim:cache_create("plain", 256, { flags = "SLAB_NO_MERGE" })
  local q = assert(plain:alloc("GFP_KERNEL"))
  expect.eq(vec:stats().live, before + 1, policy .. ": no vector without SLAB_ACCOUNT")
  plain:free(q)
  sim:kfree(p)
  cg:shrink()
  sim:rcu_barrier()
  if cg:stats().num_slabs == 0 then
    expect.eq(vec:stats().live, before, policy .. ": the vector goes with the slab")
  end
  sim:close()
end
do
  local sim = km.new{ cpus = 1, policy = "slub", memcg = false }
  expect.eq(sim:cache("kmalloc-cg-64"), nil, "no memcg: no kmalloc-cg caches")
  local p = assert(sim:kmalloc(64, "GFP_KERNEL_ACCOUNT"))
  expect.eq(sim:cache("kmalloc-64"):stats().live, 1, "__GFP_ACCOUNT: the normal cache")
  expect.eq(sim:cache("kmalloc-512"):stats().live, 0, "no vector")
  sim:kfree(p)
  sim:close()
end
