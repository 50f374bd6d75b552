--[[
  Move one batch of due (pending/waiting) records to a final state; dialing records are not in
  the due index, so they are never touched. The caller repeats until a batch comes back short.
    KEYS[1] rec hash   KEYS[2] due zset   KEYS[3] cnt hash
    ARGV[1] final state   ARGV[2] finalReason   ARGV[3] batch size
  Returns: { moved, scanned } for this batch.
]]
local ids = redis.call('ZRANGE', KEYS[2], 0, tonumber(ARGV[3]) - 1)
local moved = 0
local fromState = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[2], id)
  local raw = redis.call('HGET', KEYS[1], id)
  if raw then
    local rec = cjson.decode(raw)
    fromState[rec.state] = (fromState[rec.state] or 0) + 1
    rec.state = ARGV[1]
    rec.nextAt = cjson.null
    rec.finalReason = ARGV[2]
    redis.call('HSET', KEYS[1], id, cjson.encode(rec))
    moved = moved + 1
  end
end
for st, n in pairs(fromState) do
  redis.call('HINCRBY', KEYS[3], 's:' .. st, -n)
end
if moved > 0 then
  redis.call('HINCRBY', KEYS[3], 's:' .. ARGV[1], moved)
end
return { moved, #ids }
