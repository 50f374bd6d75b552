/**
 * One frame of `dialerd top`, plain text that fits 80 columns: a status line, the campaigns
 * with a progress bar each, the trunks, the last dials. Pure: the data and the instant are
 * passed in; every cell goes through cli/tables.ts (terminal-safe, cut to its column).
 */
import type { CampaignView, HealthView } from '../api/views.ts';
import type { HistoryRow } from '../domain/types.ts';
import { formatInstant } from './history-time.ts';
import { etaCell, percent } from './progress-text.ts';
import { bar, table } from './tables.ts';

export const TOP_WIDTH = 80;
const BAR = 15;

export interface TopData {
  health: HealthView;
  campaigns: CampaignView[];
  /** Newest first. */
  lastDials: HistoryRow[];
}

/** The frame for `data` read at `now`; `error` (the API could not be read) replaces the data. */
export function topFrame(data: TopData | null, now: number, error: string | null = null): string {
  const clock = formatInstant(Math.floor(now / 1000) * 1000, 'UTC');
  if (data === null) return `${line(`dialerd top  ${clock}  (q quits)`)}\n\n${line(error ?? 'no data')}`;
  const { health, campaigns, lastDials } = data;
  const pbxes = Object.entries(health.pbxes).map(([n, s]) => `${n} ${s}`).join(', ') || 'none';
  const out = [line(`dialerd top  ${clock}  store ${health.store}  pbx ${pbxes}  live ${health.live}  (q quits)`), ''];
  out.push(
    campaigns.length === 0
      ? 'no campaigns'
      : table(
          ['CAMPAIGN', 'STATE', 'PROGRESS', '%FINAL', 'LIVE', '/MIN', 'ANS 1H', 'ETA'],
          campaigns.map((c) => [
            c.id,
            c.state,
            bar(c.progress.percentFinal / 100, BAR),
            `${c.progress.percentFinal}%`,
            c.live,
            c.dialsPerMinute,
            percent(c.lastHour.answerRate),
            etaCell(c),
          ]),
          { widths: [12, 9, BAR, 6, 4, 5, 6, 9] },
        ),
    '',
    ...(campaigns.length === 0 ? [] : [table(['TRUNK', 'CAMPAIGNS', 'LIVE', 'CPS NOW', '/MIN'], trunkRows(campaigns), { widths: [20, 9, 5, 7, 6] }), '']),
    lastDials.length === 0
      ? 'no dials yet'
      : table(
          ['LAST DIALS', 'CAMPAIGN', 'RECORD', 'NUMBER', 'RESULT', 'TALK'],
          lastDials.map((d) => [formatInstant(d.startedAt, 'UTC').slice(11, 19), d.campaign, d.record, d.number, d.result, `${Math.round(d.talkSeconds)}s`]),
          { widths: [10, 12, 12, 16, 14, 5] },
        ),
  );
  return out.join('\n');
}

/** Campaigns grouped by trunk: how many, their live dials, the trunk's rate now, their dials per minute. */
function trunkRows(campaigns: CampaignView[]): (string | number)[][] {
  const by = new Map<string, { n: number; live: number; cps: number; perMinute: number }>();
  for (const c of campaigns) {
    const t = by.get(c.trunk) ?? { n: 0, live: 0, cps: c.trunkCallsPerSecond, perMinute: 0 };
    by.set(c.trunk, { n: t.n + 1, live: t.live + c.live, cps: t.cps, perMinute: Math.round((t.perMinute + c.dialsPerMinute) * 100) / 100 });
  }
  return [...by].sort((a, b) => a[0].localeCompare(b[0])).map(([name, t]) => [name, t.n, t.live, t.cps, t.perMinute]);
}

/** One line of free text, terminal-safe and cut to the frame's width. */
function line(s: string): string {
  return table(null, [[s]], { widths: [TOP_WIDTH] });
}
