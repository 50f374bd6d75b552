/**
 * The Store port: records, the due index, counters, campaign runtime state, live dials and
 * call history. Implementations: `memory` (tests, simulate, demo) and `redis` (production).
 *
 * Guarantees (held by test/contract/store.contract.ts against both):
 * - `claimDue` is atomic: a record is returned to at most one caller until it is released
 *   or settled; claimed records leave the due index and are in state `dialing`.
 * - `settle` is atomic and idempotent per dialId: the second call with the same dialId
 *   changes nothing and returns false. It never overwrites a record that became final while
 *   the dial was live (e.g. `removed`, `cancelled`); the history row is still written.
 * - Every write keeps the per-state counts exact (old state -1, new state +1).
 * - A record whose state is `pending` or `waiting` is in the due index at its `nextAt`;
 *   no other record is.
 */
import type {
  CampaignState,
  DialRecord,
  FinalState,
  HistoryRow,
  PauseReason,
  RecordState,
  Result,
} from '../domain/types.ts';
import type { Totals } from '../domain/budget.ts';
import type { RecentRates } from '../domain/rates.ts';

export type { RateCounts, RecentRates } from '../domain/rates.ts';

/** A campaign's runtime state (what the daemon decided), as opposed to the file's desired state. */
export interface CampaignRuntime {
  id: string;
  state: CampaignState;
  pauseReason: PauseReason | null;
  pauseDetail: string | null;
  /** Consecutive `error` results across the campaign. */
  consecutiveErrors: number;
  updatedAt: number;
}

/** A dial that is live on a PBX, persisted so a restarted daemon can reconcile it: the
 *  identifying part of its future history row. */
export type LiveDial = Pick<
  HistoryRow,
  'dialId' | 'campaign' | 'record' | 'number' | 'numberIndex' | 'attempt' | 'dial' | 'trunk' | 'pbx' | 'callerId' | 'startedAt' | 'answeredAt'
>;

export interface Settlement {
  dialId: string;
  /** The record's new state (already decided by the domain). */
  record: DialRecord;
  history: HistoryRow;
}

/** A dial the storm guard holds: its record goes back as it was before the dial. */
export interface HeldDial {
  dialId: string;
  /** The dial's history row's startedAt (where its row is). */
  startedAt: number;
  /** The record as the dial's settle wrote it: restored only while it is still exactly this. */
  settled: DialRecord;
  /** The record as it was before the dial (pending or waiting). */
  before: DialRecord;
}

export interface CampaignCounts {
  /** Records per state. */
  states: Partial<Record<RecordState, number>>;
  /** Dials per result. */
  results: Partial<Record<Result, number>>;
  dials: number;
}

export interface HistoryFilter {
  campaign?: string;
  result?: Result;
  /** Epoch ms, inclusive, on startedAt. */
  from?: number;
  /** Epoch ms, exclusive, on startedAt. */
  to?: number;
  /** `desc`: newest first (pages walk back in time; `after` means "before" it). Default `asc`. */
  order?: 'asc' | 'desc';
}

/** A place in history order (startedAt, then dialId); a page starts strictly after it. */
export interface HistoryPosition {
  startedAt: number;
  dialId: string;
}

export interface HistoryQuery extends HistoryFilter {
  /** Start strictly after this position (the previous page's `next`); absent: from the start. */
  after?: HistoryPosition;
  /** Page size, a positive integer. The store reads O(limit) rows per campaign for one page. */
  limit: number;
}

export interface HistoryPage {
  /** At most `limit` rows, ordered by startedAt then dialId. */
  rows: HistoryRow[];
  /** The last row's position when more matching rows follow; null exactly at the end. */
  next: HistoryPosition | null;
}

/** One step of a walk over a campaign's records (Store.scanRecords). */
export interface RecordScanQuery {
  /** Where to go on: null to start, else a `cursor` a previous step returned (a row's or the page's). */
  cursor: string | null;
  /** Records examined by this step, at least 1 (its work is bounded by this, plus on redis one HSCAN batch). */
  count: number;
  /** Only records in this state (all without it). */
  state?: RecordState;
}

export interface RecordScanPage {
  /** The records examined that match, each with the cursor that goes on right after it. */
  rows: { record: DialRecord; cursor: string }[];
  /** Goes on after everything this step examined; null when the walk is over. Pages may be short or empty before the end. */
  cursor: string | null;
}

export interface Store {
  readonly kind: 'memory' | 'redis';

  getCampaign(id: string): Promise<CampaignRuntime | null>;
  putCampaign(c: CampaignRuntime): Promise<void>;
  listCampaigns(): Promise<CampaignRuntime[]>;

  /** Insert records whose id is not present yet; existing ids are left untouched. Returns how many were added. */
  addRecords(campaign: string, records: DialRecord[]): Promise<number>;
  getRecord(campaign: string, id: string): Promise<DialRecord | null>;
  /**
   * One bounded step of a walk over a campaign's records (`dialerd record list`), in the store's
   * own order (memory: insertion; redis: HSCAN's). A walk from `cursor: null` until the page cursor
   * is null returns every record present throughout it, in a state matching when examined, at least
   * once (redis may repeat one while the hash grows); never a record of another campaign. A cursor
   * this store did not give out → DIALERD_ERR_USAGE.
   */
  scanRecords(campaign: string, q: RecordScanQuery): Promise<RecordScanPage>;
  /** Atomically claim up to `limit` records with nextAt ≤ now, earliest first (ties by id): state → `dialing`. */
  claimDue(campaign: string, now: number, limit: number): Promise<DialRecord[]>;
  /** Earliest nextAt in the campaign's due index, or null when nothing is waiting. */
  nextDueAt(campaign: string): Promise<number | null>;
  /** Write a claimed record back without a dial (window closed → later nextAt; DNC → `blocked`).
   *  A record that became final meanwhile (e.g. removed while claimed) is left alone. */
  release(record: DialRecord): Promise<void>;
  /** Move every non-final, non-dialing record to `state` (e.g. `cancelled`). Returns how many moved. */
  finalizeAll(campaign: string, state: FinalState, reason: string): Promise<number>;
  /** Mark a record `removed`. A record being dialed keeps dialing; its settle will not revive it. */
  removeRecord(campaign: string, id: string): Promise<boolean>;

  /**
   * Recover records a crash left `dialing` with no live dial (the daemon died between claimDue
   * and putLiveDial, or a claim's reply was lost with the link): every `dialing` record of the
   * campaign whose id is not in `liveRecordIds` goes back to `pending` (never dialed) or
   * `waiting`, due at its nextAt. Atomic per record; returns how many moved. The caller must
   * hold no unprocessed claim for this campaign (the engine calls it from the campaign's pump).
   */
  recoverDialing(campaign: string, liveRecordIds: string[]): Promise<number>;

  putLiveDial(d: LiveDial): Promise<void>;
  liveDials(): Promise<LiveDial[]>;
  /** Atomically, once per dialId: write the record and index it, append history, count the result, drop the live dial. */
  settle(s: Settlement): Promise<boolean>;

  /**
   * Undo a settled dial (the storm guard), atomically: when the record is still exactly as the
   * dial's settle wrote it (not dialed, claimed, removed or otherwise changed since), write
   * `before` back (a final record comes back too; counts and due index follow) and mark the
   * dial's history row `held: true`; else change nothing. Result counts and the row stay. True
   * when restored.
   */
  holdDial(campaign: string, h: HeldDial): Promise<boolean>;

  counts(campaign: string): Promise<CampaignCounts>;
  /**
   * Lifetime usage of a campaign or a trunk: every dial settled on it (once per dialId) and its
   * talk seconds (to the millisecond), counted by `settle` in the same atomic step as its history
   * row, so it survives restarts and costs O(1) to read however long the history grows.
   */
  usage(scope: 'campaign' | 'trunk', name: string): Promise<Totals>;
  /**
   * A campaign's dials and answers per minute (the last RATE_MINUTES) and per UTC hour (the last
   * RATE_HOURS) of their startedAt, counted by `settle` in the same atomic step as the history row
   * (held dials stay counted, as in `counts`). Buckets older than that are dropped as newer ones
   * are written, so memory and the work of a read are bounded (store/rate-buckets.ts); a dial
   * settled after its bucket aged out is not counted there. Buckets after `now` are not returned.
   */
  rates(campaign: string, now: number): Promise<RecentRates>;
  /**
   * One page of call history: the first `limit` rows matching the filter strictly after
   * `after`, ordered by startedAt then dialId (reversed with `order: 'desc'`) (rows sharing a startedAt are split across pages
   * without loss or repeat). Work and memory per call are bounded by `limit` (plus, on redis,
   * the rows sharing one startedAt millisecond), never by the history's size: a caller pages
   * with `after: page.next` until `next` is null (store/history-pages.ts does). Rows settled
   * meanwhile appear if they sort after the position reached.
   */
  history(q: HistoryQuery): Promise<HistoryPage>;

  /** Remove every key of this store (tests, simulate). */
  clear(): Promise<void>;
  /**
   * Optional (the redis store has it): be told when the backing store goes down or comes back,
   * so the engine can pause dialing during an outage. While down, every operation rejects
   * quickly with `DIALERD_ERR_STORE_DOWN`. Called on changes only. Returns an unsubscribe.
   */
  onStatus?(cb: (up: boolean, reason: string | null) => void): () => void;
  /**
   * Optional (an exclusive redis store opened as a standby has it): resolves once this store
   * owns its key prefix, waiting (polling the owner's lease) while another daemon holds it;
   * `onWait` is told the holder at once. Rejects with DIALERD_ERR_STORE_LOCKED when `signal`
   * aborts the wait. Until then every write is refused (DIALERD_ERR_STORE_FENCED).
   */
  takeover?(o?: { signal?: AbortSignal; onWait?: (holder: string) => void }): Promise<void>;
  close(): Promise<void>;
}
