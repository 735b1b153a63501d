-- SPDX-License-Identifier: GPL-2.0-or-later
-- scenarios/01-my-cache.lua: the classic first slab cache, step by step
--
-- What it teaches: the life of an object cache as a kernel module sees it.
-- kmem_cache_create() of a 35-byte object with SLAB_HWCACHE_ALIGN -- each
-- object is rounded up to a cache line (64 bytes), so two objects never
-- share one and false sharing cannot happen; kmem_cache_alloc() with
-- GFP_KERNEL (may sleep: process context); kmem_cache_free(); and
-- kmem_cache_destroy(), which must find the cache empty.  The module it
-- simulates:
--
--   static struct kmem_cache *my_cachep;
--   static int __init my_init(void)
--   {
--           void *object;
--           my_cachep = kmem_cache_create("my_cache", 35, 0,
--                                         SLAB_HWCACHE_ALIGN, NULL);
--           object = kmem_cache_alloc(my_cachep, GFP_KERNEL);
--           printk("allocate object is 0x%lx\n", (unsigned long)object);
--           kmem_cache_free(my_cachep, object);
--           kmem_cache_destroy(my_cachep);
--           return 0;
--   }
--
-- Try it under each policy (--policy slab|slub|slob): the address is a
-- simulated direct-map address (0xffff888...), the same on every run; the
-- geometry differs (SLOB has no slots at all: it carves 35 bytes from a
-- page's free blocks and ignores the alignment flag for its size).
--
-- Look at: the slot size (35 bytes become a 64-byte slot: the cache line)
-- and the objects per slab; run it again with --policy slab and --policy slob
-- and compare the geometry lines.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

local sim = km.new{ ram = "256M", cpus = 2 }
print(("kmemsim %s, policy %s"):format(km.version, sim:config().policy))

local my_cachep = sim:cache_create("my_cache", 35, { flags = "SLAB_HWCACHE_ALIGN" })
local info = my_cachep:info()
print(("kmem_cache_create(\"my_cache\", 35, 0, SLAB_HWCACHE_ALIGN, NULL) = %s"):format(
  tostring(my_cachep)))
print(("  object_size %d, slot size %d, align %d"):format(info.object_size, info.size, info.align))
if info.objects_per_slab > 0 then
  print(("  %d objects per slab of %d page(s), %d bytes left over per slab"):format(
    info.objects_per_slab, info.pages_per_slab,
    info.pages_per_slab * 4096 - info.objects_per_slab * info.size))
else
  print("  no slabs of fixed slots: objects are carved from SLOB's shared pages")
end

local object = assert(my_cachep:alloc("GFP_KERNEL"))
print(("allocate object is 0x%x"):format(object))
local st = my_cachep:stats()
if info.objects_per_slab > 0 then
  print(("  the cache now has %d live object(s) in %d page(s)"):format(st.live, st.pages))
else
  print(("  the cache now has %d live object(s), in a page SLOB shares with every cache")
    :format(st.live))
end

assert(my_cachep:free(object))
print("kmem_cache_free(my_cachep, object)")
assert(my_cachep:destroy())
print("kmem_cache_destroy(my_cachep)")

expect(sim):no_bugs()
