/** What `campaign status` adds: the running settings, a pending rejected edit, an import in progress (in its state). */
import type { CampaignView } from '../api/views.ts';
import { progressText } from '../lib/progress-text.ts';

/** `importing 45% (450,000/1,000,000)`, or null when no import runs. */
export function importingText(c: Pick<CampaignView, 'importing'>): string | null {
  return c.importing ? `importing ${progressText(c.importing.rows, c.importing.total)}` : null;
}

export function configLines(c: Pick<CampaignView, 'settings' | 'configRejected'>): string[] {
  const s = c.settings;
  const lines = s
    ? [
        `settings  concurrency ${s.concurrency}, calls_per_second ${s.callsPerSecond}, ring_timeout ${s.ringTimeoutSeconds}s, complete_when_done ${s.completeWhenDone}, state ${s.state}`,
        `file      ${s.file}`,
      ]
    : [];
  lines.push(`config    ${c.configRejected ? `rejected (${c.configRejected}); the running version is kept` : 'ok'}`);
  return lines;
}
