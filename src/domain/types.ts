/**
 * The vocabulary of dialerd (../shared/design/domain.md). Pure types and constants only:
 * every other module speaks in these words.
 */
import type { NumberPolicy } from './number-policy.ts';

/** What a dial ended as (domain.md §3). */
export const RESULTS = [
  'answered',
  'answered_short',
  'machine',
  'silence',
  'busy',
  'no_answer',
  'rejected',
  'unreachable',
  'invalid_number',
  'congestion',
  'failed',
  'insufficient_funds',
  'trunk_rejected',
  'error',
  'cancelled',
  'lost',
] as const;
export type Result = (typeof RESULTS)[number];

export function isResult(x: unknown): x is Result {
  return typeof x === 'string' && (RESULTS as readonly string[]).includes(x);
}

/**
 * The technical class: our side's fault, not the subscriber's. `error` (the dial never left),
 * `insufficient_funds` (402: our account is out of credit) and `trunk_rejected` (401/403/407: our
 * trunk's credentials or rights). Retried with `attempts.technical_errors` backoff, not counted
 * until `free` in a row on a record, never `stop_number`; the trunk breaker counts them too.
 */
export const TECHNICAL_RESULTS: ReadonlySet<Result> = new Set<Result>(['insufficient_funds', 'trunk_rejected', 'error']);

export function isTechnical(r: Result): boolean {
  return TECHNICAL_RESULTS.has(r);
}

/**
 * Raw facts a PBX adapter reports about one finished dial. Adapters never decide what a
 * dial "was"; `domain/results` does, from these.
 */
export interface RawFacts {
  /** The far end answered (200 OK / CHANNEL_ANSWER / ChannelStateChange Up). */
  answered: boolean;
  /** From origination to answer or failure. */
  ringSeconds: number;
  /** From answer to hangup (0 when never answered). */
  talkSeconds: number;
  /** Q.850 cause as the PBX reported it (Asterisk ChannelDestroyed.cause, FS hangup_cause_q850). */
  q850: number | null;
  /** Final SIP response code when one exists (Asterisk tech_cause, FS sip_term_status). */
  sip: number | null;
  /** FreeSWITCH Hangup-Cause name (e.g. ORIGINATOR_CANCEL); null on Asterisk. */
  causeName: string | null;
  /** AMD status: HUMAN | MACHINE | NOTSURE | HANGUP | NOAUDIODATA | INITIALSILENCE ... */
  amdStatus: string | null;
  /** AMD cause as reported, e.g. MAXWORDS-3-2, INITIALSILENCE-2500-2500. */
  amdCause: string | null;
  /** The ring timeout we asked for expired. */
  ringTimeoutHit: boolean;
  /** We hung it up ourselves before it ended on its own (pause with hangup, shutdown, removal). */
  cancelledByUs: boolean;
  /** The dial never left: the PBX refused the originate, link down, unknown gateway. */
  originateFailed?: boolean;
  /**
   * How the dial ended cannot be recovered: it ended while the PBX link was down (the adapter
   * found it gone after reconnecting), or a previous daemon run left it live and the PBX no
   * longer has it. Result `lost`: counted, its own rule; no evidence for the trunk guards.
   */
  outcomeLost?: boolean;
  /** The PBX went away: the originate was refused with DIALERD_ERR_PBX_DOWN. Technical, never the campaign's error count. */
  pbxDown?: boolean;
  /** A provisional response (ringing, session progress) came before the end; null/absent: not known. */
  progress?: boolean | null;
  /** Some SIP message from the carrier reached the PBX; null/absent: the PBX does not tell. */
  farEndResponded?: boolean | null;
}

/** Result mapping output. */
export interface MappedResult {
  result: Result;
  /** AMD said NOTSURE: answered, but flagged. */
  amdNotSure: boolean;
  /** An `answered` call we hung up ourselves (shutdown's deadline, a removed record): its rule is `interrupted`. */
  interrupted?: true;
}

/** Per-campaign overrides of the default cause mapping. */
export interface CauseOverrides {
  sip: Record<number, Result>;
  q850: Record<number, Result>;
}

/** The action that closes an attempt (domain.md §1). */
export type Action =
  | { kind: 'done' }
  | { kind: 'stop_number' }
  | { kind: 'next_number' }
  | { kind: 'stop_record' }
  | { kind: 'pause_campaign' }
  | { kind: 'retry_after'; seconds: number };

export type ActionKind = Action['kind'];

/** What the engine does after a dial: a short repeat, or the attempt's closing action. */
export type Decision = ActionKind | 'repeat';

/**
 * What a rule is keyed by: every result, and `interrupted` — not a result but an `answered` dial
 * that we cut ourselves (history: result `answered`, `interrupted: true`), never a short call.
 */
export const RULE_KEYS = [...RESULTS, 'interrupted'] as const;
export type RuleKey = (typeof RULE_KEYS)[number];

export function isRuleKey(x: unknown): x is RuleKey {
  return typeof x === 'string' && (RULE_KEYS as readonly string[]).includes(x);
}

/** Per-result rule: optional short repeats (not counted as attempts), then an action. */
export interface Rule {
  repeat: { times: number; everySeconds: number } | null;
  then: Action;
}

export const FINAL_STATES = ['done', 'exhausted', 'invalid', 'blocked', 'cancelled', 'removed'] as const;
export type FinalState = (typeof FINAL_STATES)[number];
export type RecordState = 'pending' | 'dialing' | 'waiting' | FinalState;

export function isFinal(s: RecordState): s is FinalState {
  return (FINAL_STATES as readonly string[]).includes(s);
}

export const CAMPAIGN_STATES = ['draft', 'scheduled', 'running', 'paused', 'completed'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

/**
 * Why a campaign was paused. Every reason except `manual` is automatic and must clear before
 * resume; the trunk breaker's `trunk_funds` / `trunk_auth` / `trunk_down` (domain/guards.ts) clear
 * only by a resume after its cool-down, which lets one probe dial through; `file_missing` (the
 * campaign's file removed or unreadable at SIGHUP) clears when the file is back. The storm guard's
 * `suspect_results` never clears by itself: resume is allowed at once (the operator confirms the results).
 */
export type PauseReason =
  | 'manual'
  | 'pbx_down'
  | 'pbx_auth'
  | 'trunk_down'
  | 'trunk_funds'
  | 'trunk_auth'
  | 'errors'
  | 'budget'
  | 'contacts_missing'
  | 'file_missing'
  | 'rule'
  | 'suspect_results';

/** One calling window: ISO weekdays (1 = Monday … 7 = Sunday) and minutes of the day.
 *  endMinute < startMinute means the window runs over midnight (22:00-02:00); the part
 *  after midnight belongs to the day the window started on. */
export interface WindowSpec {
  days: number[];
  startMinute: number;
  endMinute: number;
}

export interface CallingHours {
  /** IANA zone of the campaign. */
  timezone: string;
  /** Evaluate windows in the subscriber's own zone(s) instead. */
  subscriberLocalTime: boolean;
  windows: WindowSpec[];
  /** yyyy-mm-dd dates (in the zone being evaluated) with no calling at all. */
  holidays: string[];
}

export interface TechnicalErrorPolicy {
  firstDelaySeconds: number;
  factor: number;
  maxDelaySeconds: number;
  /** Consecutive technical results (TECHNICAL_RESULTS) on a record that are not counted as attempts. */
  free: number;
}

export interface AttemptLimits {
  perRecord: number;
  perNumber: number;
  shortCallSeconds: number;
  technicalErrors: TechnicalErrorPolicy;
}

/**
 * A campaign after validation, normalized (durations in seconds, instants in epoch ms,
 * every result with a rule). Frozen once loaded.
 */
export interface CampaignSpec {
  id: string;
  name: string;
  /** Desired state as written in the file. */
  state: CampaignState;
  startAt: number | null;
  endAt: number | null;
  trunk: string;
  callerId: string | null;
  contacts: { file: string; region: string | null };
  /** Contact variables sent to the PBX (lowercased; matched ignoring case); null: all. */
  variables: readonly string[] | null;
  /** Absolute paths of DNC files. */
  dnc: string[];
  /** Which valid numbers are dialled (`numbers:`). */
  numbers: NumberPolicy;
  concurrency: number;
  callsPerSecond: number;
  ringTimeoutSeconds: number;
  amd: { enabled: boolean; params: Record<string, number> };
  onAnswer: { context: string; extension: string; priority: number };
  callingHours: CallingHours | null;
  attempts: AttemptLimits;
  /** Complete table: every rule key (each Result, and `interrupted`) has a rule (defaults filled in). */
  rules: Record<RuleKey, Rule>;
  causes: CauseOverrides;
  completeWhenDone: boolean;
  /** Consecutive `error` results across the campaign that auto-pause it (reason `errors`). */
  maxConsecutiveErrors: number;
  /**
   * Daily budget (days in the campaign's zone) and lifetime limits (`total_*`, counted by the
   * store): over either the campaign pauses with reason `budget`.
   */
  limits: { maxDialsPerDay: number | null; maxTalkSeconds: number | null; totalDials: number | null; totalTalkSeconds: number | null };
  /** The storm guard (domain/guards.ts): `sameResultCount` dials in a row with one suspect result pause (< 2: off). */
  guards: { sameResultCount: number };
  /** Absolute path of the file it came from. */
  source: string;
}

/**
 * One row of a campaign's contact list, with its dialing state. Lives in the Store.
 */
export interface DialRecord {
  campaign: string;
  id: string;
  /** E.164 numbers in dialing order, de-duplicated. Empty for an invalid record. */
  numbers: string[];
  /** Per-record IANA zone from the contacts file, if any. */
  timezone: string | null;
  /** Free call variables (other CSV columns). */
  vars: Record<string, string>;
  state: RecordState;
  /** When it may be dialed next (epoch ms); null when final. */
  nextAt: number | null;
  /** Index into `numbers` of the number being dialed. */
  numberIndex: number;
  /** Counted attempts on the record. */
  attempts: number;
  /** Counted attempts per number (same length as `numbers`). */
  numberAttempts: number[];
  /** Short repeats used in the current attempt. */
  repeats: number;
  /** Consecutive technical results (`error`, `insufficient_funds`, `trunk_rejected`) on this record. */
  consecutiveErrors: number;
  /** Dials made on this record (every origination, repeats included). */
  dials: number;
  lastResult: Result | null;
  /** Why the record became final, for reports (e.g. 'stop_record', 'per_record', 'dnc:+7495…'). */
  finalReason: string | null;
}

/** One row of call history per dial (domain.md §6). */
export interface HistoryRow {
  dialId: string;
  campaign: string;
  record: string;
  number: string;
  numberIndex: number;
  attempt: number;
  dial: number;
  callerId: string | null;
  trunk: string;
  pbx: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  ringSeconds: number;
  talkSeconds: number;
  result: Result;
  /** Answered, then hung up by us (shutdown's grace deadline, record removed): ruled by `interrupted`. */
  interrupted: boolean;
  q850: number | null;
  sip: number | null;
  causeName: string | null;
  amdStatus: string | null;
  amdCause: string | null;
  action: Decision;
  nextAt: number | null;
  final: FinalState | null;
  /** The storm guard held this dial: its effect on the record was undone (absent: it counted). */
  held?: boolean;
}

/** A clock passed into everything that needs time. Domain code receives instants, not clocks. */
export interface Clock {
  now(): number;
}
