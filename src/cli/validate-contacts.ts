/**
 * `dialerd validate --contacts`: reads a campaign's contact CSV with the daemon's own import
 * (a no-op sink: nothing is stored, nothing starts) and prints what the import would report.
 * Row problems are warnings, as they are for the daemon (the file still loads); only a file the
 * daemon could not import at all (unreadable, no header, no phone column) is an error.
 */
import type { CampaignSpec } from '../domain/types.ts';
import { importContacts, type ImportReport } from '../contacts/import.ts';
import { DialerdError } from '../lib/errors.ts';
import { terminalText } from '../lib/terminal-safe.ts';
import type { ValidateIo } from './validate.ts';

/** Problems printed per file; the summary line counts them (up to MAX_COUNTED). */
export const MAX_PRINTED_PROBLEMS = 100;
const MAX_COUNTED = 1000;

/** True when the file could be imported (warnings or not). */
export async function checkContacts(spec: CampaignSpec, io: ValidateIo): Promise<boolean> {
  const file = spec.contacts.file;
  let report: ImportReport;
  try {
    report = await importContacts(
      { file, region: spec.contacts.region, numbers: spec.numbers, campaign: spec.id, now: 0, startAt: spec.startAt, maxProblems: MAX_COUNTED },
      async () => {},
    );
  } catch (err) {
    if (!(err instanceof DialerdError)) throw err;
    io.err(terminalText(err.message)); // names the file
    return false;
  }
  for (const p of report.problems.slice(0, MAX_PRINTED_PROBLEMS)) io.err(terminalText(`${file}:${p.line}: warning: ${p.message}`));
  if (report.problems.length > MAX_PRINTED_PROBLEMS) io.err(`${file}: … ${report.problems.length - MAX_PRINTED_PROBLEMS} more warnings not shown`);
  io.out(summary(file, report));
  return true;
}

/** `file: 4 rows, 3 records (2 valid, 1 invalid); numbers not dialled: 1 duplicate, 1 country; …` */
export function summary(file: string, r: ImportReport): string {
  const dropped = Object.entries(r.droppedNumbers).map(([why, n]) => `${n} ${why}`);
  if (r.duplicateNumbers > 0) dropped.unshift(`${r.duplicateNumbers} duplicate`);
  const parts = [`${r.rows} rows, ${r.records} records (${r.valid} valid, ${r.invalid} invalid)`];
  if (dropped.length > 0) parts.push(`numbers not dialled: ${dropped.join(', ')}`);
  if (r.duplicateIds + r.badIds > 0) parts.push(`rows skipped: ${r.duplicateIds} duplicate id, ${r.badIds} bad id`);
  parts.push(r.problems.length === 0 ? 'no warnings' : `${r.problems.length}${r.problems.length >= MAX_COUNTED ? '+' : ''} warnings`);
  return `${file}: ${parts.join('; ')}`;
}
