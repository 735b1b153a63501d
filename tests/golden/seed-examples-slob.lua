-- kmemsim-args: --policy slob
-- Golden: both seed examples (scenarios/01-my-cache.lua, then
-- scenarios/02-kmalloc-kfree.lua) under SLOB.
require "scenarios/01-my-cache.lua"
require "scenarios/02-kmalloc-kfree.lua"
