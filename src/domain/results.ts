/**
 * Result mapping (domain.md §3): the raw facts a PBX adapter reports about one finished dial
 * become one `Result`. The only place in dialerd that decides what a Q.850 cause, a SIP code,
 * a FreeSWITCH Hangup-Cause name or an AMD verdict means. Pure: no I/O, no clock.
 *
 * Ground truth for Asterisk: ../shared/lab/asterisk/matrix.txt (a real Asterisk 22 driven over
 * ARI), kept as test/fixtures/asterisk-matrix.ts. FreeSWITCH names and codes: switch_types.h
 * (switch_call_cause_t) and mod_sofia's sofia_glue_sip_cause_to_freeswitch().
 */
import { RESULTS } from './types.ts';
import { FREESWITCH_CAUSE_CODES, isFinalFailure, isFreeswitchInternal, SIP_TO_Q850, sipCause } from './causes.ts';
import type { CauseOverrides, MappedResult, RawFacts, Result } from './types.ts';

function table<K extends string | number>(groups: Partial<Record<Result, readonly K[]>>): Readonly<Record<K, Result>> {
  const out = {} as Record<K, Result>;
  for (const [result, keys] of Object.entries(groups) as [Result, readonly K[]][]) {
    for (const k of keys) out[k] = result;
  }
  return Object.freeze(out);
}

const has = (t: Readonly<Record<number | string, Result>>, k: number | string): boolean => Object.hasOwn(t, k);

/**
 * Results a final SIP code has of its own, beyond what its Q.850 cause (SIP_TO_Q850) says:
 * 402 → insufficient_funds and 401/403/407 → trunk_rejected (our own trunk's credit or
 * credentials, the technical class, see TECHNICAL_RESULTS: RFC 3398 gives them all 21, like a
 * subscriber's 603); 487 → no_answer (the far end ended the ringing itself; RFC 3398 gives no
 * cause); 502 → unreachable (domain.md §3, where its cause 38 would read congestion).
 */
export const SIP_RESULTS: Readonly<Record<number, Result>> = table<number>({
  no_answer: [487],
  unreachable: [502],
  insufficient_funds: [402],
  trunk_rejected: [401, 403, 407],
});

/**
 * Default result by Q.850 cause: for the cause derived from a final SIP code (causes.ts), and
 * for the PBX's cause when no SIP code exists. Any cause not listed (3, 16, 31, 63, 88, 127, ...)
 * is `failed`. Beyond domain.md §3: 102 (recovery on timer expiry: INVITE never answered) → no_answer.
 */
export const DEFAULT_Q850_MAP: Readonly<Record<number, Result>> = table<number>({
  busy: [17],
  no_answer: [18, 19, 102],
  rejected: [21],
  unreachable: [20, 27],
  invalid_number: [1, 22, 28],
  congestion: [34, 38, 41, 42, 44, 47],
});

/** The default result of a final SIP failure code (no override): SIP_RESULTS, else through its cause. */
export function sipDefault(sip: number): Result {
  if (has(SIP_RESULTS, sip)) return SIP_RESULTS[sip]!;
  const cause = sipCause(sip);
  return cause !== null && has(DEFAULT_Q850_MAP, cause) ? DEFAULT_Q850_MAP[cause]! : 'failed';
}

/**
 * The default result of every SIP code either table names (sipDefault): the README's SIP column.
 * Codes not listed follow their class's x00 (4xx as 400, 5xx as 500, 6xx as 600).
 */
export const DEFAULT_SIP_MAP: Readonly<Record<number, Result>> = Object.freeze(
  Object.fromEntries([...new Set([...Object.keys(SIP_TO_Q850), ...Object.keys(SIP_RESULTS)])].map((k) => [k, sipDefault(Number(k))])),
);

/** Results of the FreeSWITCH-internal causes (above 127) that an unanswered dial can end with. */
const FREESWITCH_INTERNAL: Readonly<Record<string, Result>> = table<string>({
  // ORIGINATOR_CANCEL when we cancelled is caught earlier (cancelledByUs → cancelled).
  no_answer: ['ORIGINATOR_CANCEL', 'ALLOTTED_TIMEOUT', 'PROGRESS_TIMEOUT', 'NO_PICKUP'],
  busy: ['BUSY_EVERYWHERE'],
  rejected: ['DECLINE', 'UNWANTED'],
  invalid_number: ['DOES_NOT_EXIST_ANYWHERE'],
  // FreeSWITCH refused locally: no INVITE left, a trunk/config problem, not the subscriber's.
  error: ['GATEWAY_DOWN', 'INVALID_GATEWAY', 'INVALID_URL', 'INVALID_PROFILE', 'USER_NOT_REGISTERED',
    'CRASH', 'SYSTEM_SHUTDOWN'],
  // Our side's fault (auth challenge we could not meet, STIR/SHAKEN, codecs, media) or not a
  // dial outcome at all (transfers, pickup, races, someone else's uuid_kill).
  failed: ['USER_CHALLENGE', 'NOT_ACCEPTABLE', 'NO_IDENTITY', 'BAD_IDENTITY_INFO', 'UNSUPPORTED_CERTIFICATE',
    'INVALID_IDENTITY', 'STALE_DATE', 'MEDIA_TIMEOUT', 'SRTP_READ_ERROR', 'SUCCESS', 'LOSE_RACE',
    'MANAGER_REQUEST', 'BLIND_TRANSFER', 'ATTENDED_TRANSFER', 'PICKED_OFF', 'BOWOUT'],
});

/**
 * Result of an unanswered dial by FreeSWITCH Hangup-Cause name alone (no SIP code, no
 * override). Names up to 127 follow DEFAULT_Q850_MAP through their code (so DESTINATION_OUT_OF_ORDER
 * is `unreachable`, NORMAL_TEMPORARY_FAILURE `congestion`, RECOVERY_ON_TIMER_EXPIRE `no_answer`);
 * names above 127 have their own row, since their q850 reads 16.
 */
export const FREESWITCH_CAUSE_MAP: Readonly<Record<string, Result>> = Object.freeze(
  Object.fromEntries(
    Object.entries(FREESWITCH_CAUSE_CODES).map(([name, code]) => [
      name,
      code > 127 ? (FREESWITCH_INTERNAL[name] ?? 'failed') : (DEFAULT_Q850_MAP[code] ?? 'failed'),
    ]),
  ),
);

/**
 * Splits an AMD cause as Asterisk's AMD() sets AMDCAUSE: 'MAXWORDS-3-2' → {kind:'MAXWORDS',
 * values:[3,2]}, 'TOOLONG-4900' → {kind:'TOOLONG', values:[4900]}, 'INITIALSILENCE' → values [].
 * Kind is upper-cased. Null for null, empty, or a malformed cause (non-numeric values).
 */
export function parseAmdCause(cause: string | null): { kind: string; values: number[] } | null {
  if (cause === null) return null;
  const [kind, ...rest] = cause.trim().split('-');
  if (kind === undefined || !/^[A-Za-z_]+$/.test(kind)) return null;
  if (!rest.every((v) => /^\d+$/.test(v))) return null;
  return { kind: kind.toUpperCase(), values: rest.map(Number) };
}

/** Options of mapResult: the campaign's `attempts.short_call` and its `causes:` overrides. */
export interface MapOptions {
  shortCallSeconds: number;
  overrides: CauseOverrides;
}

/** The Q.850 cause the PBX reported worth looking up, or null when what was reported is not one. */
function effectiveQ850(f: RawFacts): number | null {
  // A FreeSWITCH-internal cause is reported as q850 16: a stand-in, not what happened.
  if (isFreeswitchInternal(f.causeName)) return null;
  // 32 is Asterisk's soft-hangup flag leaking into a cause field, never a Q.850 cause.
  if (f.q850 === 32) return null;
  if (f.q850 !== null) return f.q850;
  return f.causeName !== null ? (FREESWITCH_CAUSE_CODES[f.causeName] ?? null) : null;
}

function mapAnswered(f: RawFacts, shortCallSeconds: number): MappedResult {
  const status = (f.amdStatus ?? '').trim().toUpperCase();
  const kind = parseAmdCause(f.amdCause)?.kind ?? null;
  const silent =
    status === 'INITIALSILENCE' ||
    status === 'NOAUDIODATA' ||
    ((status === 'MACHINE' || status === 'NOTSURE') && kind === 'INITIALSILENCE');
  if (silent) return { result: 'silence', amdNotSure: false };
  if (status === 'MACHINE') return { result: 'machine', amdNotSure: false };
  // We cut a conversation (shutdown): how long it lasted says nothing about the subscriber.
  if (f.cancelledByUs) return { result: 'answered', amdNotSure: status === 'NOTSURE', interrupted: true };
  const result: Result = f.talkSeconds < shortCallSeconds ? 'answered_short' : 'answered';
  return { result, amdNotSure: status === 'NOTSURE' };
}

/**
 * The carrier never took part: the switch made the failure up itself with no SIP message from
 * the carrier (FreeSWITCH's local 503 when nothing listens), or nothing rang within the whole
 * ring timeout (a silent carrier host). Only when the adapter says so: `progress` and
 * `farEndResponded` null (not known) never make a dead carrier.
 */
export function carrierDead(f: RawFacts): boolean {
  if (f.progress !== false) return false;
  if (f.farEndResponded === false && isFinalFailure(f.sip)) return true;
  return f.ringTimeoutHit;
}

function byCause(cause: number | null, overrides: CauseOverrides): Result {
  if (cause !== null && has(overrides.q850, cause)) return overrides.q850[cause]!;
  if (cause !== null && has(DEFAULT_Q850_MAP, cause)) return DEFAULT_Q850_MAP[cause]!;
  return 'failed';
}

/**
 * The switch itself ended an unanswered dial: no final SIP response and no cause at all (Q.850 0 or
 * none, no FreeSWITCH cause name: Asterisk's ringing channels at `core stop`), or FreeSWITCH's own
 * SYSTEM_SHUTDOWN (`fsctl shutdown`); not our ring timer, not our hang-up. Not the subscriber's
 * doing: `error`, and like a lost outcome no evidence for the campaign's error count or the
 * trunk guards (a PBX restart must not open the trunk breaker).
 */
export function endedBySwitch(f: RawFacts): boolean {
  const noCause = (f.q850 === null || f.q850 === 0) && f.causeName === null;
  return !f.answered && !f.cancelledByUs && f.originateFailed !== true && f.outcomeLost !== true && !f.ringTimeoutHit
    && f.sip === null && (noCause || f.causeName === 'SYSTEM_SHUTDOWN');
}

function mapUnanswered(f: RawFacts, overrides: CauseOverrides): Result {
  if (endedBySwitch(f)) return 'error';
  if (carrierDead(f)) return 'error';
  if (isFreeswitchInternal(f.causeName) && f.sip === null) return FREESWITCH_CAUSE_MAP[f.causeName]!;
  // Our own ring timer ended it: any SIP code is the answer to the switch's own CANCEL
  // (FreeSWITCH's 487) or made up by the switch (Asterisk's 480).
  if (f.ringTimeoutHit) return byCause(19, overrides);
  const sip = f.sip;
  if (isFinalFailure(sip)) {
    if (has(overrides.sip, sip)) return overrides.sip[sip]!;
    if (has(SIP_RESULTS, sip)) return SIP_RESULTS[sip]!;
    return byCause(sipCause(sip), overrides);
  }
  return byCause(effectiveQ850(f), overrides);
}

/**
 * Maps the raw facts of one finished dial to its result. Decision order, first match wins:
 *
 * 1. `originateFailed` → `error` (the PBX made no call of it).
 * 2. Answered (whether or not we hung it up ourselves: a real conversation we ended, e.g. at
 *    shutdown, is judged like any other; cause codes are ignored, they read 16, 0 or 32):
 *    a. AMD status INITIALSILENCE or NOAUDIODATA, or MACHINE/NOTSURE whose AMD cause kind is
 *       INITIALSILENCE → `silence` (Asterisk 22 reports silence as MACHINE, INITIALSILENCE-2500-2500);
 *    b. AMD MACHINE → `machine`;
 *    c. `cancelledByUs` (we hung it up: shutdown's grace deadline, a removed record) →
 *       `answered` with `interrupted`, whatever its length: a conversation we cut, never a short call;
 *    d. otherwise (HUMAN, NOTSURE, HANGUP, no AMD): talkSeconds < shortCallSeconds →
 *       `answered_short`, else `answered`; NOTSURE sets `amdNotSure`.
 * 3. Not answered and `cancelledByUs` → `cancelled` (this covers Asterisk's 487/127 and
 *    FreeSWITCH's ORIGINATOR_CANCEL when we sent the CANCEL); not answered and `outcomeLost`
 *    (it ended while the PBX link was down, or a previous run left it live and the PBX no longer
 *    has it) → `lost`: it may have rung or been answered, so it is counted, under its own rule
 *    (default retry after 1 h), never redialled at once.
 * 4. Not answered, first match of:
 *    0. ended by the switch itself (endedBySwitch: no SIP code, no cause) → `error`;
 *    a. a dead carrier (carrierDead: no provisional response, and a SIP failure the switch made
 *       up without hearing the carrier, or the ring timeout) → `error`;
 *    b. no SIP code and a FreeSWITCH-internal cause name (above 127, q850 reads 16):
 *       FREESWITCH_CAUSE_MAP;
 *    c. the ring timeout hit → cause 19 (the campaign's Q.850 override for 19, else `no_answer`);
 *    d. a final SIP failure code (400..699) decides alone, whatever Q.850 cause the PBX derived
 *       or a Reason header said: the campaign's SIP override; SIP_RESULTS; else its cause by
 *       RFC 3398 (causes.ts, unknown codes as their class's x00) through the campaign's Q.850
 *       override and DEFAULT_Q850_MAP;
 *    e. no SIP code: the PBX's Q.850 cause (from `causeName` when `q850` is null; 32 is never a
 *       cause) through the campaign's Q.850 override and DEFAULT_Q850_MAP;
 *    f. `failed`.
 *    Hence SIP 402 is `insufficient_funds`, 401/403/407 `trunk_rejected` and 603/607/608
 *    `rejected`, though RFC 3398 and both switches give them all cause 21; 580 is `congestion`
 *    on every PBX (as 500: cause 41).
 */
export function mapResult(facts: RawFacts, opts: MapOptions): MappedResult {
  if (facts.originateFailed === true) return { result: 'error', amdNotSure: false };
  if (facts.answered) return mapAnswered(facts, opts.shortCallSeconds);
  if (facts.cancelledByUs) return { result: 'cancelled', amdNotSure: false };
  if (facts.outcomeLost === true) return { result: 'lost', amdNotSure: false };
  return { result: mapUnanswered(facts, opts.overrides), amdNotSure: false };
}

/** One row of the README's default mapping table. */
export interface MappingRow {
  result: Result;
  q850: number[];
  sip: number[];
  /** FreeSWITCH-internal cause names (above 127) giving this result. */
  freeswitch: string[];
}

/** The default mapping grouped by result, in RESULTS order, codes ascending. */
export function describeDefaultMapping(): MappingRow[] {
  const keysOf = <K extends string | number>(t: Readonly<Record<K, Result>>, r: Result): string[] =>
    Object.entries(t).filter(([, v]) => v === r).map(([k]) => k);
  return RESULTS.map((result) => ({
    result,
    q850: keysOf(DEFAULT_Q850_MAP, result).map(Number).sort((a, b) => a - b),
    sip: keysOf(DEFAULT_SIP_MAP, result).map(Number).sort((a, b) => a - b),
    freeswitch: keysOf(FREESWITCH_INTERNAL, result).sort(),
  }));
}

/** describeDefaultMapping() as a Markdown table (the README's, kept in step by a test). */
export function defaultMappingMarkdown(): string {
  const rows = describeDefaultMapping().map(
    (r) => `| \`${r.result}\` | ${r.q850.join(', ')} | ${r.sip.join(', ')} | ${r.freeswitch.join(', ')} |`,
  );
  return ['| result | Q.850 | SIP | FreeSWITCH cause |', '|---|---|---|---|', ...rows].join('\n');
}
