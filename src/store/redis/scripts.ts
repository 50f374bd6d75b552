/**
 * Loads lua/<name>-<numkeys>.lua at startup and registers each as an ioredis command
 * (EVALSHA with a per-connection EVAL fallback, so a restarted Redis gets them again).
 *
 * Every script that writes is fenced (as BullMQ checks its lock token in each script): it is
 * registered with lua/fence.lua in front, which takes one more key and argument first (the
 * prefix's owner key and the caller's token) and refuses the write when the token is not the
 * owner's. A daemon that stalled past its lease cannot write after another one took over.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { ChainableCommander, Redis } from 'ioredis';

/** The scripts that write a record, a counter, a row or a campaign: each runs behind the fence. */
const FENCED = ['claim-due', 'settle', 'release', 'add-records', 'finalize-all', 'remove-record', 'recover-dialing', 'hold-dial', 'hset', 'unlink'] as const;
export const SCRIPT_NAMES = [...FENCED, 'own', 'disown'] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];
export type FencedScript = (typeof FENCED)[number];

/** Who may write: the owner key and our token; '' (a non-exclusive store: a tool, a test) is never refused. */
export interface Fence {
  key: string;
  token: string;
}

const LUA_DIR = new URL('./lua/', import.meta.url);

function commandName(name: string): string {
  return `dialerd_${name.replace(/-/g, '_')}`;
}

/** Reads every script file once; the number of keys comes from the file name. */
function readScripts(): Map<ScriptName, { lua: string; numberOfKeys: number }> {
  const found = new Map<ScriptName, { lua: string; numberOfKeys: number }>();
  for (const file of readdirSync(LUA_DIR)) {
    const m = /^([a-z-]+)-(\d+)\.lua$/.exec(file);
    if (!m || !(SCRIPT_NAMES as readonly string[]).includes(m[1]!)) continue;
    found.set(m[1] as ScriptName, { lua: readFileSync(new URL(file, LUA_DIR), 'utf8'), numberOfKeys: Number(m[2]) });
  }
  for (const n of SCRIPT_NAMES) if (!found.has(n)) throw new Error(`store: missing lua script ${n}-N.lua in ${LUA_DIR.pathname}`);
  const fence = readFileSync(new URL('fence.lua', LUA_DIR), 'utf8');
  for (const n of FENCED) {
    const s = found.get(n)!;
    found.set(n, { lua: `${fence}\n${s.lua}`, numberOfKeys: s.numberOfKeys + 1 });
  }
  return found;
}

let cache: ReturnType<typeof readScripts> | null = null;

/** Registers the scripts on a client; returns how many keys each takes. */
export function defineScripts(client: Redis): Map<ScriptName, number> {
  cache ??= readScripts();
  const keys = new Map<ScriptName, number>();
  for (const [name, s] of cache) {
    client.defineCommand(commandName(name), { lua: s.lua, numberOfKeys: s.numberOfKeys });
    keys.set(name, s.numberOfKeys);
  }
  return keys;
}

type Callable = Record<string, (...args: (string | number)[]) => unknown>;

/** Runs a script on a client (returns its reply) or queues it on a pipeline. */
export function callScript(target: Redis, name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown>;
export function callScript(target: ChainableCommander, name: ScriptName, keys: string[], args: (string | number)[]): void;
export function callScript(target: Redis | ChainableCommander, name: ScriptName, keys: string[], args: (string | number)[]): unknown {
  const fn = (target as unknown as Callable)[commandName(name)];
  if (!fn) throw new Error(`store: script ${name} is not defined on this client`);
  return fn.call(target, ...keys, ...args);
}

/** Runs (or queues) a fenced script: the fence's key and token go first. */
export function callFenced(target: Redis, name: FencedScript, fence: Fence, keys: string[], args: (string | number)[]): Promise<unknown>;
export function callFenced(target: ChainableCommander, name: FencedScript, fence: Fence, keys: string[], args: (string | number)[]): void;
export function callFenced(target: Redis | ChainableCommander, name: FencedScript, fence: Fence, keys: string[], args: (string | number)[]): unknown {
  return callScript(target as Redis, name, [fence.key, ...keys], [fence.token, ...args]);
}
