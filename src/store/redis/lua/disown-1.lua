--[[
  Give the prefix's ownership up, if it is still ours.
    KEYS[1] owner key
    ARGV[1] our token
  Returns: 1 when released, 0 when it was not ours.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
