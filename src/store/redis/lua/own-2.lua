--[[
  Keep or take the prefix's ownership: one daemon per prefix, or two would dial the same records.
    KEYS[1] owner key (our token, with the lease as TTL)   KEYS[2] the last owner's token (no TTL)
    ARGV[1] our token   ARGV[2] lease (TTL) in ms
    ARGV[3] 'claim' (take a free prefix) or 'renew' (retake a lapsed lease only if nobody held it since)
  Returns: 1 when we own it now, 0 when another holds it, -1 (renew) when another held it since
  our lease lapsed: what we know of the live calls is stale, so we must not take it back.
]]
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if cur then
  return 0
end
local last = redis.call('GET', KEYS[2])
if ARGV[3] == 'renew' and last and last ~= ARGV[1] then
  return -1
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
return 1
