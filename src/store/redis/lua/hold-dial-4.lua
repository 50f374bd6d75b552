--[[
  Undo a settled dial (the storm guard): when the record is still exactly the JSON its settle
  wrote, write the record as it was before the dial back (a final one too), move the counts and
  the due index, and mark the dial's history row held. Otherwise change nothing.
    KEYS[1] rec hash   KEYS[2] due zset   KEYS[3] cnt hash   KEYS[4] hist zset
    ARGV[1] record id   ARGV[2] settled record JSON (as settle wrote it)
    ARGV[3] record JSON before the dial   ARGV[4] its state
    ARGV[5] its due score ('' when not due)   ARGV[6] dialId   ARGV[7] the row's startedAt
  Returns: 1 when restored, 0 when left alone.
]]
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw ~= ARGV[2] then
  return 0
end
local old = cjson.decode(raw).state
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HINCRBY', KEYS[3], 's:' .. old, -1)
redis.call('HINCRBY', KEYS[3], 's:' .. ARGV[4], 1)
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
end
-- The row is the member scored startedAt whose dialId matches; it keeps its text (dialId first,
-- which orders rows of one millisecond) with `"held":true` set in place or added at the end.
-- (Inside a JSON string a quote is escaped, so `"held":false` matches only the field itself.)
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], ARGV[7], ARGV[7])) do
  local row = cjson.decode(m)
  if row.dialId == ARGV[6] then
    if row.held ~= true then
      local text, n = string.gsub(m, '"held":false', '"held":true', 1)
      if n == 0 then
        text = string.sub(m, 1, -2) .. ',"held":true}'
      end
      redis.call('ZREM', KEYS[4], m)
      redis.call('ZADD', KEYS[4], ARGV[7], text)
    end
    break
  end
end
return 1
