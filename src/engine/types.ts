/** What the engine needs and what it announces. Narrow interfaces so a test fake is an object literal. */
import type { CampaignSpec, CampaignState, DialRecord, FinalState, HistoryRow, PauseReason, RecordState } from '../domain/types.ts';
import type { TrunkConfig } from '../config/daemon-types.ts';
import type { BreakerState } from '../domain/guards.ts';
import type { Scheduler } from '../lib/clock.ts';
import type { Transitions } from '../lib/lifecycle.ts';
import type { Logger } from '../lib/logger.ts';
import type { PbxAdapter } from '../pbx/port.ts';
import type { Store } from '../store/port.ts';
import type { RateLimiter } from './rate.ts';

/** Numbers on a do-not-call list, checked at dial time. */
export interface DncCheck {
  has(e164: string): boolean;
}

/** Time zones a number may be in (from its country and prefix). */
export interface ZoneLookup {
  zonesFor(e164: string): string[];
}

export interface EngineDeps {
  store: Store;
  scheduler: Scheduler;
  logger: Logger;
  pbxes: ReadonlyMap<string, PbxAdapter>;
  trunks: Readonly<Record<string, TrunkConfig>>;
  /** Global cap on live dials. */
  maxConcurrency: number;
  zones: ZoneLookup;
  /** A calls-per-second limiter; the engine keeps one per trunk and one per campaign. */
  rateLimiter: (callsPerSecond: number) => RateLimiter;
  /** Unique dial ids (our channel ids). */
  newDialId: () => string;
}

/** A trunk as the engine sees it right now. */
export interface TrunkView {
  name: string;
  /** Dials live on it. */
  live: number;
  /** Its concurrency cap. */
  concurrency: number;
  breaker: BreakerState['mode'];
}

export interface CampaignChange {
  id: string;
  from: CampaignState;
  to: CampaignState;
  reason: PauseReason | 'done' | 'end_at' | 'manual' | 'deleted' | 'start_at' | null;
  detail: string | null;
  at: number;
}

export interface FinalEvent {
  campaign: string;
  record: string;
  state: FinalState;
  reason: string | null;
  at: number;
}

/** The storm guard held a dial: its record is back as it was before it (`state`). */
export interface HeldEvent {
  campaign: string;
  record: string;
  dialId: string;
  state: RecordState;
  at: number;
}

export interface EngineEvents {
  /** One per settled dial, after it is persisted. */
  dial: (row: HistoryRow, record: DialRecord) => void;
  /** A record reached a final state (also invalid at import and blocked at dial time). */
  final: (e: FinalEvent) => void;
  campaign: (e: CampaignChange) => void;
  /** The storm guard undid a dial (its row is now marked held). */
  held: (e: HeldEvent) => void;
}

export interface LoadedCampaign {
  spec: CampaignSpec;
  dnc: DncCheck;
}

/**
 * The engine's lifecycle: `idle` (campaigns load, nothing dials) → `reconciling` (begin():
 * live dials a previous run left are adopted) → `running` (dialing) → `stopping` (no new dial;
 * live ones finish) → `stopped` (settles still pending are left to the next start). stop() may
 * come at any point before `stopped`.
 */
export type EngineStatus = 'idle' | 'reconciling' | 'running' | 'stopping' | 'stopped';

export const ENGINE_TRANSITIONS = {
  idle: ['reconciling', 'stopping'],
  reconciling: ['running', 'stopping'],
  running: ['stopping'],
  stopping: ['stopped'],
  stopped: [],
} as const satisfies Transitions<EngineStatus>;
