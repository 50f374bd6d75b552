--[[
  Insert records whose id is new; existing ids are left untouched.
    KEYS[1] rec hash   KEYS[2] due zset   KEYS[3] cnt hash
    ARGV: groups of 4 per record: id, record JSON, state, due score ('' when not due)
  Returns: how many were added.
]]
local added = 0
local perState = {}
local due = {}
for i = 1, #ARGV, 4 do
  local id = ARGV[i]
  if redis.call('HSETNX', KEYS[1], id, ARGV[i + 1]) == 1 then
    added = added + 1
    local st = ARGV[i + 2]
    perState[st] = (perState[st] or 0) + 1
    if ARGV[i + 3] ~= '' then
      due[#due + 1] = ARGV[i + 3]
      due[#due + 1] = id
    end
  end
end
for st, n in pairs(perState) do
  redis.call('HINCRBY', KEYS[3], 's:' .. st, n)
end
-- ZADD in slices: Lua's unpack has a bounded stack.
for i = 1, #due, 1000 do
  redis.call('ZADD', KEYS[2], unpack(due, i, math.min(i + 999, #due)))
end
return added
