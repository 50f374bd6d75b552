--[[
  Delete keys (clear(): one SCAN page of the prefix's keys), behind the fence.
    ARGV: the keys (found by SCAN, not known in advance)
  Returns: how many were deleted.
]]
local n = 0
for i = 1, #ARGV do
  n = n + redis.call('UNLINK', ARGV[i])
end
return n
