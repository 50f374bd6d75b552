--[[
  Mark a record `removed` (any state; a dialing record keeps dialing, and its settle will not
  revive it because settle never overwrites a final record).
    KEYS[1] rec hash   KEYS[2] due zset   KEYS[3] cnt hash
    ARGV[1] record id
  Returns: 1 when marked now, 0 when missing or already removed.
]]
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return 0
end
local rec = cjson.decode(raw)
if rec.state == 'removed' then
  return 0
end
redis.call('HINCRBY', KEYS[3], 's:' .. rec.state, -1)
redis.call('HINCRBY', KEYS[3], 's:removed', 1)
rec.state = 'removed'
rec.nextAt = cjson.null
rec.finalReason = 'removed'
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(rec))
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
