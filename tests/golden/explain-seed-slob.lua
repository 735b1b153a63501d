-- kmemsim-args: --policy slob --explain
-- Golden: --explain narrates both seed examples (scenarios/01-my-cache.lua,
-- then scenarios/02-kmalloc-kfree.lua) under SLOB: each operation, then
-- every step the simulated kernel takes for it, layer by layer.
require "scenarios/01-my-cache.lua"
require "scenarios/02-kmalloc-kfree.lua"
