--[[
  Recover one HSCAN batch of records left `dialing` with no live dial: each goes back to
  `pending` (never dialed) or `waiting` and into the due index at its nextAt (0 when none).
  The caller repeats from the returned cursor until it is '0'.
    KEYS[1] rec hash   KEYS[2] due zset   KEYS[3] cnt hash
    ARGV[1] HSCAN cursor   ARGV[2] batch size   ARGV[3..] ids of records with a live dial
  Returns: { next cursor, moved }.
]]
local live = {}
for i = 3, #ARGV do
  live[ARGV[i]] = true
end
-- First batch: when every `dialing` record (the exact count in cnt) is one of the live ones,
-- nothing is left behind; skip the scan, which costs seconds at a million records.
if ARGV[1] == '0' then
  local dialing = tonumber(redis.call('HGET', KEYS[3], 's:dialing') or '0')
  local liveDialing = 0
  for id in pairs(live) do
    local raw = redis.call('HGET', KEYS[1], id)
    if raw and cjson.decode(raw).state == 'dialing' then
      liveDialing = liveDialing + 1
    end
  end
  if dialing <= liveDialing then
    return { '0', 0 }
  end
end
local scan = redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', tonumber(ARGV[2]))
local kv = scan[2]
local moved = 0
for i = 1, #kv, 2 do
  local id, raw = kv[i], kv[i + 1]
  -- Cheap pre-check: most records are not dialing (JSON has no spaces after ':').
  if not live[id] and string.find(raw, '"state":"dialing"', 1, true) then
    local rec = cjson.decode(raw)
    if rec.state == 'dialing' then
      local st = 'waiting'
      if tonumber(rec.dials) == 0 then
        st = 'pending'
      end
      rec.state = st
      local at = rec.nextAt
      if at == nil or at == cjson.null then
        at = 0
      end
      redis.call('HSET', KEYS[1], id, cjson.encode(rec))
      redis.call('HINCRBY', KEYS[3], 's:dialing', -1)
      redis.call('HINCRBY', KEYS[3], 's:' .. st, 1)
      redis.call('ZADD', KEYS[2], string.format('%.17g', at), id)
      moved = moved + 1
    end
  end
end
return { scan[1], moved }
