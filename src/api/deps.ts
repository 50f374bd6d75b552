/** What the control API needs from the daemon: narrow, so a test can hand in the real parts. */
import type { Engine } from '../engine/engine.ts';
import type { Clock } from '../domain/types.ts';
import type { Logger } from '../lib/logger.ts';
import type { PbxAdapter } from '../pbx/port.ts';
import type { Store } from '../store/port.ts';

/** The Engine methods the API calls (it never reaches into engine state otherwise). */
export type ControlEngine = Pick<
  Engine,
  'campaignIds' | 'campaign' | 'live' | 'liveFor' | 'trunkCps' | 'pause' | 'resume' | 'complete' | 'addRecords' | 'removeRecord' | 'on' | 'off'
>;

export interface ApiDeps {
  engine: ControlEngine;
  store: Store;
  pbxes: ReadonlyMap<string, PbxAdapter>;
  /** The daemon's clock (virtual in the demo): records added through the API are due at its now. */
  clock: Clock;
  logger: Logger;
  /** The daemon's lifecycle status, for /health (absent: `running`). */
  daemonStatus?: () => string;
}
