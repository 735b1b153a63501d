-- kmemsim-args: --policy slub
-- SPDX-License-Identifier: GPL-2.0-or-later
-- Golden: the first seed example, scenarios/01-my-cache.lua (the copy
-- embedded in the binary), under SLUB: a 35-byte my_cache with
-- SLAB_HWCACHE_ALIGN, one GFP_KERNEL object and its address, free, destroy.
require "scenarios/01-my-cache.lua"
