-- SPDX-License-Identifier: GPL-2.0-or-later
-- What a long run keeps is bounded (issue 14): a million refused frees
-- held 840 MB of bug records and log before.  The kernel's own log is a
-- 128 KiB ring (CONFIG_LOG_BUF_SHIFT=17); sim:bugs() keeps the first 999
-- reports and the latest, and counts them all.
local km = require "kmemsim"
local expect = require "kmemsim.expect"

local s = km.new{ ram = "64M" }
local base = 0xffff888000000000
local N = 3000
for i = 1, N do
  local ok = s:kfree(base + 64 * i)	-- never allocated: each is a WARNING
  expect.eq(ok, false, "a refused free")
end
local bugs, total = s:bugs()
expect.eq(total, N, "every report counted")
expect.eq(#bugs, 1000, "the records kept are bounded")
expect.eq(bugs[1].message:find("Not a kmalloc allocation", 1, true) ~= nil, true, "the first is kept")
-- the latest is the last record: the one kfree's second result names
s:kfree(base + 64 * (N + 1))
bugs, total = s:bugs()
expect.eq(total, N + 1, "counted after the cap")
expect.eq(#bugs, 1000, "still bounded")
local log = s:dmesg()
expect.range(#log, 1, 128 * 1024, "dmesg holds at most the last 128 KiB")
expect.eq(log:sub(1, 1), "[", "dmesg starts at a whole line")
expect.match(log, ("0x%x"):format(base + 64 * (N + 1)) .. "\n$", "the latest line is there")
print("api_limits: ok")
