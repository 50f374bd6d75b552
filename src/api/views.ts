/** The JSON shapes the API answers with for campaigns and health. */
import type { CampaignState, PauseReason, RecordState, Result } from '../domain/types.ts';
import { DialerdError } from '../lib/errors.ts';
import type { PbxLinkStatus } from '../pbx/port.ts';
import type { ApiDeps } from './deps.ts';

/** GET /campaigns/:id (and each item of GET /campaigns). */
export interface CampaignView {
  id: string;
  name: string;
  state: CampaignState;
  pauseReason: PauseReason | null;
  pauseDetail: string | null;
  trunk: string;
  /** The trunk's calls per second right now: its configured rate unless carrier congestion lowered it. */
  trunkCallsPerSecond: number;
  /** Dials live right now. */
  live: number;
  /** Records per state. */
  records: Partial<Record<RecordState, number>>;
  /** Dials per result. */
  results: Partial<Record<Result, number>>;
  dials: number;
}

/** GET /health. `ok` = the store is up and every PBX link is up. */
export interface HealthView {
  ok: boolean;
  /** The daemon's lifecycle status (`standby` while it waits for the active daemon's prefix). */
  daemon: string;
  store: 'up' | 'down';
  pbxes: Record<string, PbxLinkStatus>;
  live: number;
  campaigns: number;
}

/** Throws DIALERD_ERR_CAMPAIGN_NOT_FOUND for an id the engine does not hold. */
export async function campaignView(deps: ApiDeps, id: string): Promise<CampaignView> {
  const ctx = deps.engine.campaign(id);
  if (!ctx) throw new DialerdError('DIALERD_ERR_CAMPAIGN_NOT_FOUND', id);
  const counts = await deps.store.counts(id);
  return {
    id,
    name: ctx.spec.name,
    state: ctx.status.state,
    pauseReason: ctx.status.pauseReason,
    pauseDetail: ctx.status.pauseDetail,
    trunk: ctx.spec.trunk,
    trunkCallsPerSecond: deps.engine.trunkCps(ctx.spec.trunk),
    live: deps.engine.liveFor(id),
    records: counts.states,
    results: counts.results,
    dials: counts.dials,
  };
}

export function healthView(deps: ApiDeps, storeUp: boolean): HealthView {
  const pbxes: Record<string, PbxLinkStatus> = {};
  for (const [name, p] of deps.pbxes) pbxes[name] = p.status();
  const daemon = deps.daemonStatus?.() ?? 'running';
  return {
    ok: daemon !== 'standby' && storeUp && Object.values(pbxes).every((s) => s === 'up'),
    daemon,
    store: storeUp ? 'up' : 'down',
    pbxes,
    live: deps.engine.live(),
    campaigns: deps.engine.campaignIds().length,
  };
}
