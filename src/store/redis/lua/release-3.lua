--[[
  Write a record back without a dial (rescheduled, blocked, ...) and reindex it. A record that
  is missing or already final is left alone.
    KEYS[1] rec hash   KEYS[2] due zset   KEYS[3] cnt hash
    ARGV[1] record id   ARGV[2] record JSON   ARGV[3] new state
    ARGV[4] due score ('' when the new state is not due)
  Returns: 1 when written, 0 when left alone.
]]
local FINAL = { done = true, exhausted = true, invalid = true, blocked = true, cancelled = true, removed = true }
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return 0
end
local old = cjson.decode(raw).state
if FINAL[old] then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HINCRBY', KEYS[3], 's:' .. old, -1)
redis.call('HINCRBY', KEYS[3], 's:' .. ARGV[3], 1)
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[4] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
end
return 1
