/** `dialerd simulate CAMPAIGN.yaml [--outcomes F] [--from ISO] [--until ISO|DURATION] [--seed N] [--format jsonl|csv|summary]` */
import { readFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import { parseDuration } from '../config/duration.ts';
import { formatConfigError, loadCampaignFile } from '../config/load-campaign.ts';
import { loadDnc } from '../contacts/dnc.ts';
import { readContacts } from '../contacts/import.ts';
import { simulate } from '../engine/simulation.ts';
import { createZoneResolver } from '../lib/phone-zones.ts';
import { OutcomesError, parseOutcomes } from '../pbx/sim/outcomes.ts';
import type { Io } from './main.ts';
import { csv, jsonl, summary, type SimLine } from './sim-format.ts';

export interface SimulateFlags {
  outcomes?: string;
  from?: string;
  until?: string;
  seed: number;
  format: string;
}

const DEFAULT_SPAN_S = 366 * 86400;

export async function simulateCommand(file: string, o: SimulateFlags, io: Io): Promise<number> {
  if (!['jsonl', 'csv', 'summary'].includes(o.format)) return usage(io, `--format must be jsonl, csv or summary (got "${o.format}")`);
  const from = o.from ? DateTime.fromISO(o.from, { setZone: true }) : DateTime.now();
  if (!from.isValid) return usage(io, `--from: not an ISO 8601 instant: "${o.from}"`);
  let until: number;
  if (!o.until) until = from.toMillis() + DEFAULT_SPAN_S * 1000;
  else {
    const d = parseDuration(o.until);
    const t = DateTime.fromISO(o.until, { setZone: true });
    if (d !== null) until = from.toMillis() + d * 1000;
    else if (t.isValid) until = t.toMillis();
    else return usage(io, `--until: expected an ISO instant or a duration like 30d (got "${o.until}")`);
  }
  const loaded = await loadCampaignFile(file);
  if (!loaded.ok) {
    for (const e of loaded.errors) io.err(formatConfigError(e));
    return 1;
  }
  const spec = loaded.spec;
  let outcomes;
  try {
    outcomes = o.outcomes ? parseOutcomes(await readFile(o.outcomes, 'utf8'), o.outcomes) : undefined;
  } catch (err) {
    if (err instanceof OutcomesError) for (const e of err.errors) io.err(e);
    else io.err(`${o.outcomes}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  const dnc = await loadDnc(spec.dnc, spec.contacts.region, { onProblem: (p) => io.err(`${p.file}:${p.line}: ${p.message}`) });
  const zone = spec.callingHours?.timezone ?? from.zoneName ?? 'UTC';
  const lines: SimLine[] = [];
  const dials = new Map<string, Extract<SimLine, { kind: 'dial' }>>();
  let seq = 0;
  const records = readContacts({ file: spec.contacts.file, region: spec.contacts.region, numbers: spec.numbers, campaign: spec.id, now: from.toMillis(), startAt: spec.startAt });
  const r = await simulate({
    spec,
    records,
    dnc,
    zones: await createZoneResolver(),
    ...(outcomes ? { outcomes } : {}),
    seed: o.seed,
    from: from.toMillis(),
    until,
    onDial: (row) => {
      const line: SimLine = { kind: 'dial', at: row.startedAt, seq: seq++, row };
      dials.set(row.dialId, line);
      lines.push(line);
    },
    onFinal: (e) => lines.push({ kind: 'final', at: e.at, seq: seq++, e }),
    onCampaign: (e) => lines.push({ kind: 'campaign', at: e.at, seq: seq++, e }),
    onHeld: (e) => {
      // The dial was printed as it settled; the guard decided later: mark it.
      const line = dials.get(e.dialId);
      if (line) line.row = { ...line.row, held: true };
      lines.push({ kind: 'restored', at: e.at, seq: seq++, e });
    },
  });
  io.out(o.format === 'csv' ? csv(lines, zone) : (o.format === 'jsonl' ? jsonl(lines, zone) : summary(lines, zone, r.end, r)).join('\n'));
  return 0;
}

function usage(io: Io, msg: string): number {
  io.err(`dialerd simulate: ${msg}`);
  return 2;
}
