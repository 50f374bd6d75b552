--[[
  The fence, run in front of every script that writes (scripts.ts prepends it).
    KEYS[1] the prefix's owner key   ARGV[1] the caller's token ('' = not fenced: a tool, a test)
  Both are removed, so the script below reads its own keys and arguments from 1.
  A token that is not the owner's (another daemon took over, or the lease lapsed) writes nothing.
]]
local fenceKey = table.remove(KEYS, 1)
local fenceToken = table.remove(ARGV, 1)
if fenceToken ~= '' and redis.call('GET', fenceKey) ~= fenceToken then
  return redis.error_reply('DIALERD_FENCED this dialerd does not own the key prefix (another one took it over)')
end
