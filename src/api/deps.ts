/** What the control API needs from the daemon: narrow, so a test can hand in the real parts. */
import type { Engine } from '../engine/engine.ts';
import type { Clock } from '../domain/types.ts';
import type { Logger } from '../lib/logger.ts';
import type { PbxAdapter } from '../pbx/port.ts';
import type { Store } from '../store/port.ts';
import type { StoreLatency } from './metrics-store.ts';

/** The Engine methods the API calls (it never reaches into engine state otherwise). */
export type ControlEngine = Pick<
  Engine,
  'campaignIds' | 'campaign' | 'live' | 'liveFor' | 'trunkCps' | 'trunkViews' | 'maxConcurrency' | 'capsSnapshot' | 'numberIsLive' | 'zonesFor' | 'pause' | 'resume' | 'complete' | 'addRecords' | 'removeRecord' | 'on' | 'off'
>;

export interface ApiDeps {
  engine: ControlEngine;
  store: Store;
  pbxes: ReadonlyMap<string, PbxAdapter>;
  /** The daemon's clock (virtual in the demo): records added through the API are due at its now. */
  clock: Clock;
  logger: Logger;
  /** The store-latency histogram the daemon's timed store feeds (absent: not exported). */
  storeLatency?: StoreLatency;
  /** What only the daemon knows (its files, imports, reloads); absent when the API runs alone (tests). */
  daemon?: DaemonInfo;
}

export interface DaemonInfo {
  /** The daemon's lifecycle status (e.g. `standby` while it waits for the prefix), for /health. */
  status(): string;
  /** The campaign's rejected edit (`file:line:col: …`) while one is pending, else null. */
  rejected(campaign: string): string | null;
  /** Its contacts import in progress, else null. */
  importing(campaign: string): ImportProgress | null;
  /** Campaigns importing their list for the first time: not in the engine until it is in. */
  importingIds(): string[];
  /** SIGHUPs since start by result. */
  reloads(): { ok: number; rejected: number };
  /** Contact rows read per campaign since start. */
  importRows(): ReadonlyMap<string, number>;
}

/** One import in progress. `total` is the file's line count (an estimate, see countRows). */
export interface ImportProgress {
  campaign: string;
  /** The campaign's name and trunk: a campaign imported for the first time is not in the engine yet. */
  name: string;
  trunk: string;
  rows: number;
  total: number;
  percent: number;
}
