/**
 * Lua scripts that make every Redis state change one atomic step. Key names are built from the
 * prefix (ARGV[1]) inside the scripts because a session's user is only known once its key is read;
 * this suits a single Redis or a replicated pair, not Redis Cluster.
 */
const touch = `
local function touch(P, t, ttl, now)
  local u = redis.call('GET', P .. 'sess:' .. t)
  if not u then return nil end
  redis.call('PEXPIRE', P .. 'sess:' .. t, ttl)
  redis.call('ZADD', P .. 'sessions', now + ttl, t)
  return u
end
local function open(P, u, t, ttl, now)
  local old = redis.call('GET', P .. 'usess:' .. u)
  local left = -2
  if old then
    left = redis.call('PTTL', P .. 'sess:' .. old)
    redis.call('DEL', P .. 'sess:' .. old)
    redis.call('ZREM', P .. 'sessions', old)
  end
  redis.call('SET', P .. 'sess:' .. t, u, 'PX', ttl)
  redis.call('SET', P .. 'usess:' .. u, t)
  redis.call('ZADD', P .. 'sessions', now + ttl, t)
  if left > 0 then return {old, left} end
  return {}
end
`;

export const redisScripts = {
  /** ARGV: prefix, username, password hash, token hash, ttl ms, now ms. Returns 1, or 0 when taken. */
  gpCreateUser: `${touch}
local P, u = ARGV[1], ARGV[2]
if redis.call('EXISTS', P .. 'user:' .. u) == 1 then return 0 end
redis.call('HSET', P .. 'user:' .. u, 'pw', ARGV[3])
redis.call('SADD', P .. 'users', u)
open(P, u, ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]))
return 1`,
  /** ARGV: prefix, username, a fresh key id, a fresh key (base64). Returns {key id, key} (the existing one if any), or {} without an account. */
  gpPlayerKey: `
local P, u = ARGV[1], ARGV[2]
if redis.call('EXISTS', P .. 'user:' .. u) == 0 then return {} end
local kid = redis.call('HGET', P .. 'user:' .. u, 'kid')
if kid then return {kid, redis.call('GET', P .. 'pkey:' .. kid)} end
redis.call('HSET', P .. 'user:' .. u, 'kid', ARGV[3])
redis.call('SET', P .. 'pkey:' .. ARGV[3], ARGV[4])
return {ARGV[3], ARGV[4]}`,
  /** ARGV: prefix, username. */
  gpDeleteUser: `
local P, u = ARGV[1], ARGV[2]
local t = redis.call('GET', P .. 'usess:' .. u)
if t then
  redis.call('DEL', P .. 'sess:' .. t)
  redis.call('ZREM', P .. 'sessions', t)
end
local kid = redis.call('HGET', P .. 'user:' .. u, 'kid')
if kid then redis.call('DEL', P .. 'pkey:' .. kid) end
redis.call('DEL', P .. 'user:' .. u, P .. 'usess:' .. u, P .. 'inv:' .. u, P .. 'invsum:' .. u, P .. 'guild:' .. u)
redis.call('SREM', P .. 'users', u)
return 1`,
  /** ARGV: prefix, username, token hash, ttl ms, now ms. Returns {replaced token hash, its ms left} or {}. */
  gpOpenSession: `${touch}
local P, u = ARGV[1], ARGV[2]
if redis.call('EXISTS', P .. 'user:' .. u) == 0 then return {} end
return open(P, u, ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]))`,
  /** ARGV: prefix, token hash. */
  gpCloseSession: `
local P, t = ARGV[1], ARGV[2]
local u = redis.call('GET', P .. 'sess:' .. t)
redis.call('DEL', P .. 'sess:' .. t)
redis.call('ZREM', P .. 'sessions', t)
if u and redis.call('GET', P .. 'usess:' .. u) == t then redis.call('DEL', P .. 'usess:' .. u) end
return 1`,
  /** ARGV: prefix, token hash, ttl ms, now ms. Returns the username or nil. */
  gpTouchSession: `${touch}
return touch(ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))`,
  /** ARGV: prefix, token hash, ttl ms, now ms, item type, quality, quantity. Returns {user, type count, total} or nil. */
  gpAddItems: `${touch}
local P = ARGV[1]
local u = touch(P, ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
if not u then return nil end
local q = tonumber(ARGV[7])
redis.call('HINCRBY', P .. 'inv:' .. u, ARGV[5] .. '|' .. ARGV[6], q)
local c = redis.call('HINCRBY', P .. 'invsum:' .. u, ARGV[5], q)
local total = redis.call('HINCRBY', P .. 'invsum:' .. u, '*', q)
return {u, c, total}`,
  /** ARGV: prefix, username, item type, quality, quantity. */
  gpRemoveItems: `
local P, u, q = ARGV[1], ARGV[2], tonumber(ARGV[5])
redis.call('HINCRBY', P .. 'inv:' .. u, ARGV[3] .. '|' .. ARGV[4], -q)
redis.call('HINCRBY', P .. 'invsum:' .. u, ARGV[3], -q)
redis.call('HINCRBY', P .. 'invsum:' .. u, '*', -q)
return 1`,
  /** ARGV: prefix, token hash, ttl ms, now ms, guild. Returns {user, had previous (0/1), previous} or nil. */
  gpJoinGuild: `${touch}
local P = ARGV[1]
local u = touch(P, ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
if not u then return nil end
local previous = redis.call('GET', P .. 'guild:' .. u)
redis.call('SET', P .. 'guild:' .. u, ARGV[5])
if previous then return {u, 1, previous} end
return {u, 0, ''}`,
  /** ARGV: prefix, username, joined guild, had previous (0/1), previous guild. */
  gpRestoreGuild: `
local P, u = ARGV[1], ARGV[2]
if redis.call('GET', P .. 'guild:' .. u) ~= ARGV[3] then return 0 end
if ARGV[4] == '1' then redis.call('SET', P .. 'guild:' .. u, ARGV[5]) else redis.call('DEL', P .. 'guild:' .. u) end
return 1`,
} as const;

export type RedisScriptName = keyof typeof redisScripts;
