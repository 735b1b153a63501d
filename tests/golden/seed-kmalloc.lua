-- kmemsim-args: --policy slub
-- SPDX-License-Identifier: GPL-2.0-or-later
-- Golden: the second seed example, scenarios/02-kmalloc-kfree.lua (the copy
-- embedded in the binary), under SLUB: kmalloc(100, GFP_KERNEL), the cache
-- that served it and the bytes wasted, then kfree.
require "scenarios/02-kmalloc-kfree.lua"
