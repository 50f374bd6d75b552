/**
 * Asterisk's memory of how our dials ended (the port's recallEnds/forgetEnds). The hangup handler
 * [dialerd-end] of dialplan/asterisk/dialerd-originate.conf, pushed on every channel we originate,
 * writes the global variable DIALERD_END_<dialId> and its AstDB copy dialerd_end/<dialId>; here it
 * is read back, parsed strictly (it is PBX input), and deleted.
 *
 * ARI's `GET /asterisk/variable` reads plain variables only (no dialplan functions such as DB()),
 * hence the global first; only ids whose global is missing (Asterisk restarted since) are restored
 * from AstDB (end-memory-db.ts). Asterisk's instants are used only as differences
 * from its own now, read in the same recall (`GET /asterisk/ping`'s timestamp: EPOCH's clock, to
 * the millisecond), set back from our clock's now.
 */
import { DialerdError } from '../../lib/errors.ts';
import { emptyEndFacts, type EndFacts, type RecalledEnd } from '../port.ts';
import { createEndMemoryDb } from './end-memory-db.ts';
import type { AriRest } from './rest.ts';

/** The hangup handler (context,extension,priority) set at originate. */
export const END_HANDLER = 'dialerd-end,s,1';
/** Only ids of this shape become part of a variable name; anything else is never remembered. */
const SAFE_ID = /^[A-Za-z0-9._-]{1,128}$/;
export const isSafeDialId = (id: string): boolean => SAFE_ID.test(id);
export const memoryVar = (dialId: string): string => `DIALERD_END_${dialId}`;

/** What the hangup handler wrote, instants on Asterisk's clock (ms). */
export interface RememberedEnd {
  q850: number;
  /** The carrier's last SIP response code (1xx–6xx), null if none came. */
  lastSip: number | null;
  state: string;
  answerMs: number | null;
  endMs: number;
  /** AMD()'s AMDSTATUS / AMDCAUSE when it ran (version 2), else null. */
  amd: { status: string; cause: string | null } | null;
}

const FACTS = String.raw`\|(\d{1,3})\|([1-6]\d\d)?\|([A-Za-z -]{1,24})\|(\d{10,16})?\|(\d{10,16})`;
/** Version 2 adds `|AMDSTATUS|AMDCAUSE`; version 1 (an older dialplan's, still in AstDB) has no AMD fields. */
const V2 = new RegExp(String.raw`^2${FACTS}\|([A-Z]{0,16})\|([A-Z0-9-]{0,64})$`);
const V1 = new RegExp(String.raw`^1${FACTS}$`);

/** `2|17|486|Ringing||1764480000123||` → fields; anything else (or an answer after the end) → null. */
export function parseRemembered(value: string): RememberedEnd | null {
  const m = V2.exec(value) ?? V1.exec(value);
  if (!m) return null;
  const answerMs = m[4] ? Number(m[4]) : null;
  const endMs = Number(m[5]);
  if (answerMs !== null && answerMs > endMs) return null;
  const amd = m[6] ? { status: m[6], cause: m[7] || null } : null;
  return { q850: Number(m[1]), lastSip: m[2] ? Number(m[2]) : null, state: m[3]!, answerMs, endMs, amd };
}

const PROGRESS_STATES = new Set(['Ring', 'Ringing', 'Up']);
/** Asterisk's own ring timeout: cause 19 with no final answer from the carrier (lab matrix: ring-forever). */
const NO_ANSWER = 19;

/** `GET /asterisk/ping`'s timestamp (AST_ISO8601_FORMAT, e.g. `2026-11-30T06:22:00.123+0000`) → ms; null if not that. */
export function parsePingTimestamp(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})([+-]\d\d)(\d\d)$/.exec(v);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[2]}:${m[3]}`);
  return Number.isFinite(ms) ? ms : null;
}

/** The end facts of a remembered end, its instants set back from `now` by Asterisk's own differences. */
export function recalled(r: RememberedEnd, asteriskNowMs: number, now: number): RecalledEnd {
  const at = now - Math.max(0, asteriskNowMs - r.endMs);
  const finalSip = r.lastSip !== null && r.lastSip >= 300 ? r.lastSip : null;
  // Up at hangup, or the carrier's 200 OK, is an answer even when the dialplan never ran to stamp
  // it (cut at once, e.g. by `core stop`): answered at its end, 0 s of talk. Never a dial to place again.
  const answered = r.answerMs !== null || r.state === 'Up' || r.lastSip === 200;
  const facts: EndFacts = {
    ...emptyEndFacts(),
    q850: r.q850,
    sip: finalSip,
    causeText: 'recalled from the PBX memory of ends',
    ringTimeoutHit: !answered && finalSip === null && r.q850 === NO_ANSWER,
    answeredAt: r.answerMs !== null ? at - (r.endMs - r.answerMs) : answered ? at : null,
    progress: PROGRESS_STATES.has(r.state) || (r.lastSip !== null && r.lastSip > 100 && r.lastSip < 300),
    farEndResponded: r.lastSip !== null ? true : null,
  };
  return { at, facts, amd: r.amd };
}

export interface EndMemory {
  recall(dialIds: readonly string[]): Promise<Map<string, RecalledEnd>>;
  forget(dialIds: readonly string[]): Promise<void>;
}

export function createEndMemory(rest: AriRest, now: () => number, onBadValue: (dialId: string) => void): EndMemory {
  async function get(variable: string): Promise<string> {
    const r = await rest.call('GET', '/asterisk/variable', { query: { variable } });
    if (r.status !== 200) throw new DialerdError('DIALERD_ERR_PBX_DOWN', `GET /asterisk/variable ${r.status}`);
    const v = (r.body as { value?: unknown } | null)?.value;
    return typeof v === 'string' ? v.slice(0, 256) : '';
  }
  const db = createEndMemoryDb(rest);
  return {
    async recall(dialIds) {
      const ids = [...new Set(dialIds)].filter(isSafeDialId);
      const values = await Promise.all(ids.map((id) => get(memoryVar(id))));
      const missing = ids.flatMap((id, i) => (values[i] === '' && !db.waiting(id) ? [i] : []));
      if (missing.length) {
        await db.restore(missing.map((i) => ids[i]!));
        await Promise.all(missing.map(async (i) => void (values[i] = await get(memoryVar(ids[i]!)))));
      }
      const ping = await rest.call('GET', '/asterisk/ping');
      const ourNow = now();
      const asteriskNowMs = ping.status === 200 ? parsePingTimestamp((ping.body as { timestamp?: unknown } | null)?.timestamp) : null;
      if (asteriskNowMs === null) throw new DialerdError('DIALERD_ERR_PBX_DOWN', `GET /asterisk/ping ${ping.status}: no timestamp`);
      const out = new Map<string, RecalledEnd>();
      ids.forEach((id, i) => {
        const v = values[i]!;
        if (v === '') return;
        const r = parseRemembered(v);
        if (r) out.set(id, recalled(r, asteriskNowMs, ourNow));
        else onBadValue(id);
      });
      return out;
    },
    async forget(dialIds) {
      const ids = [...new Set(dialIds)].filter(isSafeDialId);
      // A global set without a value is deleted (pbx_builtin_setvar_helper).
      await Promise.all(
        ids.map(async (id) => {
          const r = await rest.call('POST', '/asterisk/variable', { query: { variable: memoryVar(id) } });
          if (r.status >= 300) throw new DialerdError('DIALERD_ERR_PBX_DOWN', `POST /asterisk/variable ${r.status}`);
        }),
      );
      // the AstDB copies: a failed batch stays waiting for the next one
      await db.forget(ids).catch(() => undefined);
    },
  };
}
