--[[
  Claim due records: up to ARGV[2] records with nextAt <= ARGV[1], earliest first (ties by id,
  the zset's member order), leave the due index and become `dialing`.
    KEYS[1] rec hash    KEYS[2] due zset    KEYS[3] cnt hash
    ARGV[1] now (epoch ms)    ARGV[2] limit (> 0)
  Returns: the claimed records' JSON, in claim order.
]]
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[2], id)
  local raw = redis.call('HGET', KEYS[1], id)
  if raw then
    local rec = cjson.decode(raw)
    redis.call('HINCRBY', KEYS[3], 's:' .. rec.state, -1)
    redis.call('HINCRBY', KEYS[3], 's:dialing', 1)
    rec.state = 'dialing'
    local enc = cjson.encode(rec)
    redis.call('HSET', KEYS[1], id, enc)
    out[#out + 1] = enc
  end
end
return out
