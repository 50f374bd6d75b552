/** Campaign progress, rates and ETA as `campaign status`, `campaign list` and `top` print them. */
import type { CampaignView } from '../api/views.ts';
import { formatInstant } from './history-time.ts';

/** A duration in seconds, short: `45s`, `12m`, `3h05m`, `2d04h`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** `0.712` → `71.2%`; null → `-`. */
export const percent = (x: number | null): string => (x === null ? '-' : `${Math.round(x * 1000) / 10}%`);

/** The ETA in a table cell: `done`, `in 3h05m`, `unknown`. */
export function etaCell(c: CampaignView): string {
  if (c.eta.seconds === null) return 'unknown';
  return c.eta.remainingDials === 0 ? 'done' : `in ${duration(c.eta.seconds)}`;
}

/** The ETA line of `campaign status`. */
export function etaLine(c: CampaignView): string {
  const e = c.eta;
  if (e.at === null || e.seconds === null) return `unknown (${e.why ?? '?'})`;
  if (e.remainingDials === 0) return 'done: every record is final';
  return `${formatInstant(e.at, 'UTC')} (in ${duration(e.seconds)}: ~${e.remainingDials} dials left at ${e.dialsPerOpenMinute} per open window minute)`;
}

/** The progress, rate and ETA lines of `campaign status`. */
export function progressLines(c: CampaignView): string[] {
  const span = (s: CampaignView['lastHour']): string => `${s.dials} dials, ${s.answers} answered (${percent(s.answerRate)})`;
  return [
    `progress  ${c.progress.percentFinal}% final (${c.progress.final} of ${c.progress.total} records)`,
    `last hour ${span(c.lastHour)}`,
    `today     ${span(c.today)} since ${formatInstant(c.today.since, 'UTC')}`,
    `rate      ${c.dialsPerMinute} dials/min (last 15 min)`,
    `eta       ${etaLine(c)}`,
  ];
}
