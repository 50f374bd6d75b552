--[[
  Keep or take the prefix's ownership: one daemon per prefix, or two would dial the same records.
    KEYS[1] owner key
    ARGV[1] our token   ARGV[2] TTL in ms
  Returns: 1 when we own it now (renewed, or taken because it was free), 0 when another holds it.
]]
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
