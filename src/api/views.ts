/** The JSON shapes the API answers with for campaigns and health. */
import { estimateEta, percentFinal, type Eta } from '../domain/eta.ts';
import { rateSamples, summarizeRates, type RateSpan } from '../domain/rates.ts';
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
  /** Records in a final state, of all records; `percentFinal` with one decimal (100 with no records). */
  progress: { total: number; final: number; percentFinal: number };
  /** Dials and answers (`answered`, `answered_short`) started in the last 60 minutes, and answers ÷ dials. */
  lastHour: RateSpan;
  /** The same since midnight UTC (`since`, epoch ms). */
  today: RateSpan & { since: number };
  /** Effective dial rate: dials per minute over the 15 complete minutes before now. */
  dialsPerMinute: number;
  /** Estimated completion (domain/eta.ts): `at` epoch ms, or null and `why`. */
  eta: Eta;
}

/** GET /health. `ok` = the store is up and every PBX link is up. */
export interface HealthView {
  ok: boolean;
  store: 'up' | 'down';
  pbxes: Record<string, PbxLinkStatus>;
  live: number;
  campaigns: number;
}

/** Throws DIALERD_ERR_CAMPAIGN_NOT_FOUND for an id the engine does not hold. */
export async function campaignView(deps: ApiDeps, id: string): Promise<CampaignView> {
  const ctx = deps.engine.campaign(id);
  if (!ctx) throw new DialerdError('DIALERD_ERR_CAMPAIGN_NOT_FOUND', id);
  const now = deps.clock.now();
  const [counts, recent] = await Promise.all([deps.store.counts(id), deps.store.rates(id, now)]);
  const { total, final, percent } = percentFinal(counts.states);
  const { lastHour, today, dialsPerMinute } = summarizeRates(recent, now);
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
    progress: { total, final, percentFinal: percent },
    lastHour,
    today,
    dialsPerMinute,
    eta: estimateEta({
      now,
      state: ctx.status.state,
      startAt: ctx.spec.startAt,
      hours: ctx.spec.callingHours,
      records: counts.states,
      dials: counts.dials,
      samples: rateSamples(recent, now),
    }),
  };
}

export function healthView(deps: ApiDeps, storeUp: boolean): HealthView {
  const pbxes: Record<string, PbxLinkStatus> = {};
  for (const [name, p] of deps.pbxes) pbxes[name] = p.status();
  return {
    ok: storeUp && Object.values(pbxes).every((s) => s === 'up'),
    store: storeUp ? 'up' : 'down',
    pbxes,
    live: deps.engine.live(),
    campaigns: deps.engine.campaignIds().length,
  };
}
