--[[
  Settle one dial, once per dialId: write the record (unless it became final meanwhile) and
  reindex it, append the history row, count the result and the lifetime usage of the campaign
  and of the trunk (dials, talk ms), count the dial (and an answer) in the campaign's minute
  and hour buckets, drop the live dial.
    KEYS[1] settled zset  KEYS[2] rec hash   KEYS[3] due zset   KEYS[4] cnt hash
    KEYS[5] live hash     KEYS[6] hist zset  KEYS[7] histc set
    KEYS[8] use hash of the campaign   KEYS[9] use hash of the trunk   KEYS[10] rate hash
    ARGV[1] dialId   ARGV[2] record id   ARGV[3] record JSON   ARGV[4] record's new state
    ARGV[5] due score ('' when the new state is not due)   ARGV[6] history JSON
    ARGV[7] history startedAt   ARGV[8] result   ARGV[9] history campaign
    ARGV[10] talk milliseconds (an integer)
    ARGV[11] startedAt's epoch minute   ARGV[12] its epoch hour   ARGV[13] '1' for an answer, else '0'
    ARGV[14] minutes kept   ARGV[15] hours kept
  Returns: 1 when settled now, 0 when this dialId was settled before (nothing changed).
  The settled ids are kept 30 days (by startedAt): a daemon running for months does not grow
  this set without bound, and no end event arrives a month after its dial.
]]
-- One granularity of the rate hash: at most `keep` indexes up to the newest written; advancing
-- the newest deletes the ones that fell out (at most `keep` fields, whatever the gap).
local function bucket(key, kind, index, keep, answer)
  local newest = tonumber(redis.call('HGET', key, kind .. ':last'))
  if newest and index <= newest - keep then
    return
  end
  if not newest or index > newest then
    if newest then
      for i = newest - keep + 1, math.min(newest, index - keep) do
        redis.call('HDEL', key, kind .. ':' .. i .. ':d', kind .. ':' .. i .. ':a')
      end
    end
    redis.call('HSET', key, kind .. ':last', index)
  end
  redis.call('HINCRBY', key, kind .. ':' .. index .. ':d', 1)
  if answer then
    redis.call('HINCRBY', key, kind .. ':' .. index .. ':a', 1)
  end
end

local FINAL = { done = true, exhausted = true, invalid = true, blocked = true, cancelled = true, removed = true }
if redis.call('ZADD', KEYS[1], 'NX', ARGV[7], ARGV[1]) == 0 then
  return 0
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[7]) - 2592000000)
local raw = redis.call('HGET', KEYS[2], ARGV[2])
if raw then
  local old = cjson.decode(raw).state
  if not FINAL[old] then
    redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
    redis.call('HINCRBY', KEYS[4], 's:' .. old, -1)
    redis.call('HINCRBY', KEYS[4], 's:' .. ARGV[4], 1)
    redis.call('ZREM', KEYS[3], ARGV[2])
    if ARGV[5] ~= '' then
      redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
    end
  end
end
redis.call('ZADD', KEYS[6], ARGV[7], ARGV[6])
redis.call('SADD', KEYS[7], ARGV[9])
redis.call('HINCRBY', KEYS[4], 'r:' .. ARGV[8], 1)
redis.call('HINCRBY', KEYS[4], 'dials', 1)
for i = 8, 9 do
  redis.call('HINCRBY', KEYS[i], 'dials', 1)
  redis.call('HINCRBY', KEYS[i], 'talk_ms', ARGV[10])
end
bucket(KEYS[10], 'm', tonumber(ARGV[11]), tonumber(ARGV[14]), ARGV[13] == '1')
bucket(KEYS[10], 'h', tonumber(ARGV[12]), tonumber(ARGV[15]), ARGV[13] == '1')
redis.call('HDEL', KEYS[5], ARGV[1])
return 1
