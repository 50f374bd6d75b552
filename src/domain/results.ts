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
import type { CauseOverrides, MappedResult, RawFacts, Result } from './types.ts';

function table<K extends string | number>(groups: Partial<Record<Result, readonly K[]>>): Readonly<Record<K, Result>> {
  const out = {} as Record<K, Result>;
  for (const [result, keys] of Object.entries(groups) as [Result, readonly K[]][]) {
    for (const k of keys) out[k] = result;
  }
  return Object.freeze(out);
}

/**
 * Default result by final SIP response code. Consulted before the Q.850 table because the SIP
 * code is what the far end said; Asterisk ignores Reason headers on 4xx–6xx and FreeSWITCH
 * honours them, so the derived Q.850 cause of the same answer differs between the two.
 * Beyond domain.md §3: 485 (with cause 3) → invalid_number, 402 → insufficient_funds and
 * 401/403/407 → trunk_rejected (our own trunk's credit or credentials: the technical class, see
 * TECHNICAL_RESULTS), 487 → no_answer (when we did not cancel it), 504 → no_answer (Asterisk and
 * FreeSWITCH both derive 102, recovery on timer expiry).
 *
 * Only the SIP code tells a trunk fault: both switches derive Q.850 21 (CALL_REJECTED) for
 * 401/402/403/407 just as for a subscriber's 603, so without a SIP code 21 stays `rejected`.
 * FreeSWITCH's 401/407 without a challenge lack sip_invite_failure_status but still carry
 * sip_term_status (and proto_specific_hangup_cause sip:401) on CHANNEL_HANGUP_COMPLETE
 * (../shared/lab/freeswitch/matrix.txt r401, r407), so they map here; when only the
 * BACKGROUND_JOB `-ERR CALL_REJECTED` is known (the hangup event never came) there is no SIP code
 * and the dial is `rejected`: we do not guess a code the switch did not report.
 */
export const DEFAULT_SIP_MAP: Readonly<Record<number, Result>> = table<number>({
  busy: [486, 600],
  no_answer: [408, 480, 487, 504],
  rejected: [603, 607, 608],
  unreachable: [502],
  invalid_number: [404, 410, 484, 485, 604],
  congestion: [500, 503],
  insufficient_funds: [402],
  trunk_rejected: [401, 403, 407],
});

/**
 * Default result by Q.850 cause, used when no SIP code decided. Any cause not listed
 * (3 without 485/604, 16, 31, 127, ...) is `failed` unless the ring timeout was hit.
 * Beyond domain.md §3: 102 (recovery on timer expiry: INVITE never answered) → no_answer.
 */
export const DEFAULT_Q850_MAP: Readonly<Record<number, Result>> = table<number>({
  busy: [17],
  no_answer: [18, 19, 102],
  rejected: [21],
  unreachable: [20, 27],
  invalid_number: [1, 22, 28],
  congestion: [34, 38, 41, 42, 44, 47],
});

/**
 * Every FreeSWITCH Hangup-Cause name with its switch_call_cause_t value (switch_types.h).
 * Values above 127 are FreeSWITCH-internal: hangup_cause_q850 reports them as 16
 * (switch_channel_cause_q850), so only the name tells what happened.
 */
export const FREESWITCH_CAUSE_CODES: Readonly<Record<string, number>> = Object.freeze({
  NONE: 0, UNALLOCATED_NUMBER: 1, NO_ROUTE_TRANSIT_NET: 2, NO_ROUTE_DESTINATION: 3,
  CHANNEL_UNACCEPTABLE: 6, CALL_AWARDED_DELIVERED: 7, NORMAL_CLEARING: 16, USER_BUSY: 17,
  NO_USER_RESPONSE: 18, NO_ANSWER: 19, SUBSCRIBER_ABSENT: 20, CALL_REJECTED: 21, NUMBER_CHANGED: 22,
  REDIRECTION_TO_NEW_DESTINATION: 23, EXCHANGE_ROUTING_ERROR: 25, DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28, FACILITY_REJECTED: 29, RESPONSE_TO_STATUS_ENQUIRY: 30, NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34, NETWORK_OUT_OF_ORDER: 38, NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42, ACCESS_INFO_DISCARDED: 43, REQUESTED_CHAN_UNAVAIL: 44, PRE_EMPTED: 45,
  FACILITY_NOT_SUBSCRIBED: 50, OUTGOING_CALL_BARRED: 52, INCOMING_CALL_BARRED: 54,
  BEARERCAPABILITY_NOTAUTH: 57, BEARERCAPABILITY_NOTAVAIL: 58, SERVICE_UNAVAILABLE: 63,
  BEARERCAPABILITY_NOTIMPL: 65, CHAN_NOT_IMPLEMENTED: 66, FACILITY_NOT_IMPLEMENTED: 69,
  SERVICE_NOT_IMPLEMENTED: 79, INVALID_CALL_REFERENCE: 81, INCOMPATIBLE_DESTINATION: 88,
  INVALID_MSG_UNSPECIFIED: 95, MANDATORY_IE_MISSING: 96, MESSAGE_TYPE_NONEXIST: 97, WRONG_MESSAGE: 98,
  IE_NONEXIST: 99, INVALID_IE_CONTENTS: 100, WRONG_CALL_STATE: 101, RECOVERY_ON_TIMER_EXPIRE: 102,
  MANDATORY_IE_LENGTH_ERROR: 103, PROTOCOL_ERROR: 111, INTERWORKING: 127,
  SUCCESS: 142, ORIGINATOR_CANCEL: 487, CRASH: 500, SYSTEM_SHUTDOWN: 501, LOSE_RACE: 502,
  MANAGER_REQUEST: 503, BLIND_TRANSFER: 600, ATTENDED_TRANSFER: 601, ALLOTTED_TIMEOUT: 602,
  USER_CHALLENGE: 603, MEDIA_TIMEOUT: 604, PICKED_OFF: 605, USER_NOT_REGISTERED: 606,
  PROGRESS_TIMEOUT: 607, INVALID_GATEWAY: 608, GATEWAY_DOWN: 609, INVALID_URL: 610,
  INVALID_PROFILE: 611, NO_PICKUP: 612, SRTP_READ_ERROR: 613, BOWOUT: 614, BUSY_EVERYWHERE: 615,
  DECLINE: 616, DOES_NOT_EXIST_ANYWHERE: 617, NOT_ACCEPTABLE: 618, UNWANTED: 619, NO_IDENTITY: 620,
  BAD_IDENTITY_INFO: 621, UNSUPPORTED_CERTIFICATE: 622, INVALID_IDENTITY: 623, STALE_DATE: 624,
});

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

const has = (t: Readonly<Record<number | string, Result>>, k: number | string): boolean => Object.hasOwn(t, k);

function isFreeswitchInternal(name: string | null): name is string {
  return name !== null && (FREESWITCH_CAUSE_CODES[name] ?? 0) > 127;
}

/** The Q.850 cause worth looking up, or null when what was reported is not one. */
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

function mapUnanswered(f: RawFacts, overrides: CauseOverrides): Result {
  const sip = f.sip;
  const q850 = effectiveQ850(f);
  if (sip !== null && has(overrides.sip, sip)) return overrides.sip[sip]!;
  if (q850 !== null && has(overrides.q850, q850)) return overrides.q850[q850]!;
  if (isFreeswitchInternal(f.causeName)) return FREESWITCH_CAUSE_MAP[f.causeName]!;
  if (sip !== null && has(DEFAULT_SIP_MAP, sip)) return DEFAULT_SIP_MAP[sip]!;
  if (q850 !== null && has(DEFAULT_Q850_MAP, q850)) return DEFAULT_Q850_MAP[q850]!;
  if (f.ringTimeoutHit) return 'no_answer';
  return 'failed';
}

/**
 * Maps the raw facts of one finished dial to its result. Decision order, first match wins:
 *
 * 1. `originateFailed` → `error` (the dial never left).
 * 2. Answered (cause codes are ignored, they read 16, 0 or 32):
 *    a. AMD status INITIALSILENCE or NOAUDIODATA, or MACHINE/NOTSURE whose AMD cause kind is
 *       INITIALSILENCE → `silence` (Asterisk 22 reports silence as MACHINE, INITIALSILENCE-2500-2500);
 *    b. AMD MACHINE → `machine`;
 *    c. `cancelledByUs` (we hung it up: shutdown's grace deadline, a removed record) →
 *       `answered` with `interrupted`, whatever its length: a conversation we cut, never a short call;
 *    d. otherwise (HUMAN, NOTSURE, HANGUP, no AMD): talkSeconds < shortCallSeconds →
 *       `answered_short`, else `answered`; NOTSURE sets `amdNotSure`.
 * 3. Not answered and `cancelledByUs` → `cancelled` (this covers Asterisk's 487/127 and
 *    FreeSWITCH's ORIGINATOR_CANCEL when we sent the CANCEL); not answered and `outcomeLost`
 *    (the call ended while the PBX link was down) → `error`: a technical error, retried with
 *    backoff and not counted as an attempt until `technical_errors.free` in a row.
 * 4. Not answered, first match of:
 *    a. the campaign's SIP override for `sip`, then its Q.850 override for the cause (a SIP
 *       override beats a Q.850 override);
 *    b. FREESWITCH_CAUSE_MAP for a FreeSWITCH-internal cause name (above 127, q850 reads 16);
 *    c. DEFAULT_SIP_MAP: the SIP code beats the Q.850 cause the PBX derived from it;
 *    d. DEFAULT_Q850_MAP (the cause from `causeName` when `q850` is null; 32 is never a cause);
 *    e. `ringTimeoutHit` → `no_answer`;
 *    f. `failed`.
 *    Hence Q.850 21 is `insufficient_funds` with SIP 402, `trunk_rejected` with 401/403/407
 *    (our trunk) and `rejected` with 603/607/608 or no SIP code; Q.850 3 is `invalid_number`
 *    only with 485/604.
 */
export function mapResult(facts: RawFacts, opts: MapOptions): MappedResult {
  if (facts.originateFailed === true) return { result: 'error', amdNotSure: false };
  if (facts.answered) return mapAnswered(facts, opts.shortCallSeconds);
  if (facts.cancelledByUs) return { result: 'cancelled', amdNotSure: false };
  if (facts.outcomeLost === true) return { result: 'error', amdNotSure: false };
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
