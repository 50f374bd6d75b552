--[[
  Insert records whose id is new; existing ids are left untouched.
    KEYS[1] rec hash   KEYS[2] due zset   KEYS[3] cnt hash
    ARGV: groups of 4 per record: id, record JSON, state, due score ('' when not due)
  Returns: how many were added.
]]
local added = 0
for i = 1, #ARGV, 4 do
  local id = ARGV[i]
  if redis.call('HSETNX', KEYS[1], id, ARGV[i + 1]) == 1 then
    added = added + 1
    redis.call('HINCRBY', KEYS[3], 's:' .. ARGV[i + 2], 1)
    if ARGV[i + 3] ~= '' then
      redis.call('ZADD', KEYS[2], ARGV[i + 3], id)
    end
  end
end
return added
