-- SPDX-License-Identifier: GPL-2.0-or-later
-- The kernel's SLUB KUnit tests (lib/tests/slub_kunit.c, torvalds/linux at
-- commit 918e2529, after v6.18; the same cases and counts as mm/slub_kunit.c
-- ... lib/slub_kunit.c of 6.1 for the first five) ported to the Lua DSL, with
-- the kernel's expected error counts.  The kernel counts an error for every
-- BUG and FIX line of a slub_debug report (slab_add_kunit_errors()):
-- check_bytes_and_report() is two (the BUG and "FIX ...: Restoring"),
-- object_err() one.  Here c:validate() is validate_slab_cache() and returns
-- that count; the memory writes are sim:poke(addr, len).
--
-- test_kfree_rcu and test_kfree_rcu_wq_destroy use sim:kfree_rcu().
-- Not ported (the DSL cannot express them): the second and third parts of
-- test_next_pointer (they write the saved pointer back into the object, and
-- kmemsim stores no bytes), the byte checks of test_krealloc_redzone_zeroing
-- (its validate_slab_cache() count is ported), and the kmalloc_nolock tests
-- (perf events and kprobes).
local km = require "kmemsim"
local expect = require "kmemsim.expect"

local function new(opts)
  opts = opts or {}
  opts.policy = "slub"
  return km.new(opts)
end

-- test_clobber_zone: a write one byte past a live object is the right red
-- zone: "Right Redzone overwritten" and its FIX, 2 errors
do
  local sim = new()
  local s = sim:cache_create("TestSlub_RZ_alloc", 64, { flags = "SLAB_RED_ZONE" })
  local p = assert(s:alloc("GFP_KERNEL"))
  expect.eq(sim:poke(p + 64, 1), "right red zone", "p[64] is the red zone")
  expect.eq(s:validate(), 2, "test_clobber_zone: 2 errors")
  expect.eq(s:free(p), true, "the red zone was restored: the free is clean")
  s:destroy()
  expect(sim):bugs(1, "redzone")
  sim:close()
end

-- test_next_pointer: the free pointer of a free object of a poisoned cache
-- (after the object: s->offset == 64) is flipped.  on_freelist() reports
-- "Freechain corrupt", then the objects behind it are missing from the
-- chain: "Wrong object count" and "Object count adjusted": 3 errors.
do
  local sim = new()
  local s = sim:cache_create("TestSlub_next_ptr_free", 64, { flags = "SLAB_POISON" })
  local p = assert(s:alloc("GFP_KERNEL"))
  s:free(p)
  local offset = s:info().offset
  expect.eq(offset, 64, "SLAB_POISON: the free pointer is after the object")
  expect.eq(sim:poke(p + offset, 1), "free pointer", "p[s->offset] is the free pointer")
  expect.eq(s:validate(), 3, "test_next_pointer: 3 errors")
  expect.match(sim:bugs()[1].message, "Freechain corrupt", "not Poison overwritten")
  s:destroy()
  sim:close()
end

-- test_first_word: the first byte of a free poisoned object: 2 errors
do
  local sim = new()
  local s = sim:cache_create("TestSlub_1th_word_free", 64, { flags = "SLAB_POISON" })
  local p = assert(s:alloc("GFP_KERNEL"))
  s:free(p)
  sim:poke(p, 1)
  expect.eq(s:validate(), 2, "test_first_word: 2 errors")
  expect.match(sim:bugs()[1].message, "Poison overwritten", "poison")
  s:destroy()
  sim:close()
end

-- test_clobber_50th_byte: byte 50 of a free poisoned object: 2 errors
do
  local sim = new()
  local s = sim:cache_create("TestSlub_50th_word_free", 64, { flags = "SLAB_POISON" })
  local p = assert(s:alloc("GFP_KERNEL"))
  s:free(p)
  sim:poke(p + 50, 1)
  expect.eq(s:validate(), 2, "test_clobber_50th_byte: 2 errors")
  s:destroy()
  sim:close()
end

-- test_clobber_redzone_free: the red zone of a free object (SLUB_RED_INACTIVE)
do
  local sim = new()
  local s = sim:cache_create("TestSlub_RZ_free", 64, { flags = "SLAB_RED_ZONE" })
  local p = assert(s:alloc("GFP_KERNEL"))
  s:free(p)
  sim:poke(p + 64, 1)
  expect.eq(s:validate(), 2, "test_clobber_redzone_free: 2 errors")
  expect.match(sim:dmesg(), "instead of 0xbb", "checked against SLUB_RED_INACTIVE")
  s:destroy()
  sim:close()
end

-- test_kmalloc_redzone_access: an 18-byte kmalloc object of a 32-byte cache
-- with red zones and user tracking; bytes 18 and 19 are its kmalloc red
-- zone: 2 errors.  The kernel's test cache has SLAB_KMALLOC; here kmalloc-32
-- itself gets Z and U from slub_debug.
do
  local sim = new{ slub_debug = "ZU,kmalloc-32" }
  local s = sim:cache("kmalloc-32")
  local p = assert(sim:kmalloc(18))
  expect.eq(sim:poke(p + 18, 2), "kmalloc red zone", "p[18], p[19]")
  expect.eq(s:validate(), 2, "test_kmalloc_redzone_access: 2 errors")
  sim:kfree(p)
  sim:close()
end

-- test_kfree_rcu: kfree_rcu() of an object, then kmem_cache_destroy() at
-- once: destroy waits for the pending RCU frees (kvfree_rcu_barrier()), so
-- no object is left behind: 0 errors
do
  local sim = new()
  local s = sim:cache_create("TestSlub_kfree_rcu", 16, { flags = "SLAB_NO_MERGE" })
  local p = assert(s:alloc("GFP_KERNEL"))
  sim:kfree_rcu(p)
  s:destroy()
  expect.eq(#sim:bugs(), 0, "test_kfree_rcu: 0 errors")
  sim:close()
end

-- test_kfree_rcu_wq_destroy: ten rounds of create, alloc, kfree_rcu, a
-- random sleep of up to 255 ms (get_random_u8()), destroy: 0 errors
do
  local sim = new()
  for _ = 1, 10 do
    local s = sim:cache_create("TestSlub_kfree_rcu_wq_destroy", 16, { flags = "SLAB_NO_MERGE" })
    local p = assert(s:alloc("GFP_KERNEL"))
    sim:kfree_rcu(p)
    sim:advance(math.random(0, 255) * 1000000)
    s:destroy()
  end
  expect.eq(#sim:bugs(), 0, "test_kfree_rcu_wq_destroy: 0 errors")
  sim:close()
end

-- test_leak_destroy: destroying a cache with a live object: the
-- "Objects remaining ... on __kmem_cache_shutdown()" slab error and the
-- "Slab cache still has objects" warning, 2 errors
do
  local sim = new()
  local s = sim:cache_create("TestSlub_leak_destroy", 64, { flags = "SLAB_NO_MERGE" })
  assert(s:alloc("GFP_KERNEL"))
  s:destroy()
  local _, remaining = sim:dmesg():gsub("Objects remaining on __kmem_cache_shutdown%(%)", "")
  expect.eq(#sim:bugs() + remaining, 2, "test_leak_destroy: 2 errors")
  sim:close()
end

-- test_krealloc_redzone_zeroing (its validate_slab_cache() part): krealloc
-- within a 64-byte kmalloc object moves the kmalloc red zone with the
-- requested size, so validation finds nothing: 0 errors
do
  local sim = new{ slub_debug = "ZU,kmalloc-64" }
  local s = sim:cache("kmalloc-64")
  local p = assert(sim:kmalloc(48))
  p = assert(sim:krealloc(p, 40))
  p = assert(sim:krealloc(p, 56))
  expect.eq(s:validate(), 0, "test_krealloc_redzone_zeroing: 0 errors")
  p = assert(sim:krealloc(p, 112))
  sim:kfree(p)
  expect(sim):no_bugs()
  sim:close()
end
