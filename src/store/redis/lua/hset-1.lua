--[[
  One hash field (a campaign's runtime state, a live dial), behind the fence.
    KEYS[1] hash   ARGV[1] field   ARGV[2] value
]]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
