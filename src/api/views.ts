/** The JSON shapes the API answers with for campaigns and health. */
import { estimateEta, percentFinal, type Eta } from '../domain/eta.ts';
import { rateSamples, summarizeRates, type RateSpan } from '../domain/rates.ts';
import type { CampaignSpec, CampaignState, PauseReason, RecordState, Result } from '../domain/types.ts';
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
  /** The version running now (null while a first import runs). */
  settings: CampaignSettings | null;
  /** A rejected edit of its file (`file:line:col: …`) while one is pending; cleared when a valid version loads. */
  configRejected: string | null;
  /** Its contacts import in progress (`rows` of an estimated `total`), else null. */
  importing: { rows: number; total: number; percent: number } | null;
}

/** The running version's main settings, as its file names them. */
export interface CampaignSettings {
  file: string;
  /** The desired state written in the file. */
  state: CampaignState;
  concurrency: number;
  callsPerSecond: number;
  ringTimeoutSeconds: number;
  completeWhenDone: boolean;
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
  const importing = deps.daemon?.importing(id) ?? null;
  const imported = importing && { rows: importing.rows, total: importing.total, percent: importing.percent };
  type Tallies = Pick<CampaignView, 'records' | 'results' | 'dials' | 'progress' | 'lastHour' | 'today' | 'dialsPerMinute' | 'eta' | 'configRejected' | 'importing'>;
  const tallies = async (state: CampaignState, spec: CampaignSpec | null): Promise<Tallies> => {
    const now = deps.clock.now();
    const [counts, recent] = await Promise.all([deps.store.counts(id), deps.store.rates(id, now)]);
    const { total, final, percent } = percentFinal(counts.states);
    const samples = rateSamples(recent, now);
    // A campaign still importing its first list has no spec in the engine yet: it is not running, so its ETA is unknown.
    const eta = estimateEta({ now, state, startAt: spec?.startAt ?? null, hours: spec?.callingHours ?? null, records: counts.states, dials: counts.dials, samples });
    return {
      records: counts.states,
      results: counts.results,
      dials: counts.dials,
      progress: { total, final, percentFinal: percent },
      ...summarizeRates(recent, now),
      eta,
      configRejected: deps.daemon?.rejected(id) ?? null,
      importing: imported,
    };
  };
  if (!ctx) {
    if (!importing) throw new DialerdError('DIALERD_ERR_CAMPAIGN_NOT_FOUND', id);
    // Its first import: not in the engine (nor dialing) until the whole list is in.
    const { name, trunk } = importing;
    return { id, name, state: 'draft', pauseReason: null, pauseDetail: null, trunk, trunkCallsPerSecond: deps.engine.trunkCps(trunk), live: 0, ...(await tallies('draft', null)), settings: null };
  }
  return {
    id,
    name: ctx.spec.name,
    state: ctx.status.state,
    pauseReason: ctx.status.pauseReason,
    pauseDetail: ctx.status.pauseDetail,
    trunk: ctx.spec.trunk,
    trunkCallsPerSecond: deps.engine.trunkCps(ctx.spec.trunk),
    live: deps.engine.liveFor(id),
    ...(await tallies(ctx.status.state, ctx.spec)),
    settings: settingsOf(ctx.spec),
  };
}

function settingsOf(s: CampaignSpec): CampaignSettings {
  const { concurrency, callsPerSecond, ringTimeoutSeconds, completeWhenDone } = s;
  return { file: s.source, state: s.state, concurrency, callsPerSecond, ringTimeoutSeconds, completeWhenDone };
}

export function healthView(deps: ApiDeps, storeUp: boolean): HealthView {
  const pbxes: Record<string, PbxLinkStatus> = {};
  for (const [name, p] of deps.pbxes) pbxes[name] = p.status();
  const daemon = deps.daemon?.status() ?? 'running';
  return {
    ok: daemon !== 'standby' && storeUp && Object.values(pbxes).every((s) => s === 'up'),
    daemon,
    store: storeUp ? 'up' : 'down',
    pbxes,
    live: deps.engine.live(),
    campaigns: deps.engine.campaignIds().length,
  };
}
