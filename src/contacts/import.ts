/**
 * Contact list import: a CSV file streamed into batches of DialRecords (domain.md §1, §2).
 * One bad row never aborts the import; it becomes an `invalid` record or a reported problem.
 * Numbers are read by domain/record-numbers.ts under the campaign's `numbers:` policy.
 * Memory stays bounded by the batch size plus the ids seen (duplicate ids) and, under
 * `duplicates: dial_once`, the numbers taken (a NumberBook, ~46 bytes a distinct number).
 */
import { IANAZone } from 'luxon';
import type { DialRecord } from '../domain/types.ts';
import { DEFAULT_NUMBER_POLICY, type NumberPolicy } from '../domain/number-policy.ts';
import { describeDrop, invalidReason, NumberBook, selectNumbers, type DropReason } from '../domain/record-numbers.ts';
import { DialerdError } from '../lib/errors.ts';
import { readCsvRows } from './csv-source.ts';
import { layoutColumns, rawNumbers, rowVars, type ColumnLayout } from './columns.ts';
import { invalidRecord, newRecord, recordIdError } from '../domain/record.ts';

/** Something wrong with one line of the file. `line` is the physical line the row starts on (header = 1). */
export interface ImportProblem {
  line: number;
  message: string;
}

export interface ImportReport {
  /** Non-blank data rows read (header excluded). */
  rows: number;
  /** Records produced (rows minus those skipped for their id). */
  records: number;
  valid: number;
  /** Records with no dialable number (state `invalid`). */
  invalid: number;
  /** Valid numbers not dialled because they repeated inside their record or, under
   *  `duplicates: dial_once`, an earlier record already holds them (each reported with its line). */
  duplicateNumbers: number;
  /** Numbers not dialled for another reason, by reason (`not_valid`, `number_type`, `country`, `letters`…). */
  droppedNumbers: Partial<Record<Exclude<DropReason, 'duplicate'>, number>>;
  /** Rows skipped because their id was already used. */
  duplicateIds: number;
  /** Rows skipped because their id was too long or held control characters (domain/record.ts). */
  badIds: number;
  /** Variable values that had control characters stripped (domain/vars.ts). */
  varsStripped: number;
  /** Variable values cut to MAX_VAR_VALUE_LENGTH. */
  varsTruncated: number;
  /** The first `maxProblems` problems, in file order. */
  problems: ImportProblem[];
}

export interface ImportOptions {
  file: string;
  /** ISO 3166 region for numbers without +country (e.g. 'RU'). */
  region: string | null;
  /** The campaign's number policy (default: DEFAULT_NUMBER_POLICY). */
  numbers?: NumberPolicy;
  campaign: string;
  /** Import instant (epoch ms). */
  now: number;
  /** Campaign start; valid records are due at max(now, startAt). */
  startAt?: number | null;
  /** Records per batch (default 500). */
  batchSize?: number;
  /** Problems kept in the report (default 1000); counting goes on past it. */
  maxProblems?: number;
  /** Told the rows read so far before each batch is handed on, and at the end (progress). */
  progress?: (rows: number) => void;
  /** importContacts stops between batches once it aborts (rejecting with its reason). */
  signal?: AbortSignal;
}

const DEFAULT_BATCH = 500;
const SMALL_INT = /^(?:0|[1-9]\d{0,8})$/;

/** Ids seen so far. Numeric ids (the common case) are kept as small integers, not strings,
 *  which halves what a million-row import keeps in memory. */
class IdSet {
  private readonly set = new Set<string | number>();
  private key(id: string): string | number {
    return SMALL_INT.test(id) ? Number(id) : id;
  }
  has(id: string): boolean {
    return this.set.has(this.key(id));
  }
  add(id: string): void {
    this.set.add(this.key(id));
  }
}
const DEFAULT_MAX_PROBLEMS = 1000;

/**
 * Streams `opts.file` and yields batches of records; returns the report when the file ends.
 * Throws DIALERD_ERR_CONTACTS when the file cannot be read or has no header / no phone column.
 */
export async function* readContacts(opts: ImportOptions): AsyncGenerator<DialRecord[], ImportReport, undefined> {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
  const maxProblems = opts.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  const report: ImportReport = { rows: 0, records: 0, valid: 0, invalid: 0, duplicateNumbers: 0, droppedNumbers: {}, duplicateIds: 0, badIds: 0, varsStripped: 0, varsTruncated: 0, problems: [] };
  const problem = (line: number, message: string): void => {
    if (report.problems.length < maxProblems) report.problems.push({ line, message });
  };
  const dueAt = Math.max(opts.now, opts.startAt ?? opts.now);
  const ids = new IdSet();
  const policy = opts.numbers ?? DEFAULT_NUMBER_POLICY;
  const book = policy.duplicates === 'dial_once' ? new NumberBook((line) => `line ${line}`) : null;
  const numbers = { region: opts.region, policy, book };
  let layout: ColumnLayout | null = null;
  let batch: DialRecord[] = [];

  for await (const row of readCsvRows(opts.file, (s) => problem(s.line, s.message))) {
    if (layout === null) {
      layout = layoutColumns(row.fields);
      if (layout.phones.length === 0 && layout.phoneList === null) {
        throw new DialerdError('DIALERD_ERR_CONTACTS', `${opts.file}: no phone column (phone, phone1…N or phones)`);
      }
      for (const p of layout.problems) problem(row.line, p);
      if (layout.id === null) problem(row.line, 'no id column; records get ids line-<N>');
      continue;
    }
    report.rows++;
    if (row.fields.length !== layout.width) {
      problem(row.line, `expected ${layout.width} fields, found ${row.fields.length}`);
    }
    let id = layout.id === null ? '' : (row.fields[layout.id] ?? '');
    if (id === '') {
      if (layout.id !== null) problem(row.line, `empty id; using line-${row.line}`);
      id = `line-${row.line}`;
    }
    const badId = recordIdError(id);
    if (badId !== null) {
      report.badIds++;
      problem(row.line, `${badId}; row skipped`);
      continue;
    }
    if (ids.has(id)) {
      report.duplicateIds++;
      problem(row.line, `duplicate id "${id}"; row skipped`);
      continue;
    }
    ids.add(id);
    const record = buildRecord(row.fields, row.line, id, layout, opts.campaign, numbers, dueAt, report, problem);
    report.records++;
    if (record.state === 'invalid') report.invalid++;
    else report.valid++;
    batch.push(record);
    if (batch.length >= batchSize) {
      opts.progress?.(report.rows);
      yield batch;
      batch = [];
    }
  }
  if (layout === null) throw new DialerdError('DIALERD_ERR_CONTACTS', `${opts.file}: no header row`);
  opts.progress?.(report.rows);
  if (batch.length > 0) yield batch;
  return report;
}

/**
 * Streams `opts.file` into `onBatch` (awaited before the next batch is read, so a slow store
 * slows the reader rather than filling memory). Returns the report; rejects with the reason of
 * `opts.signal` when it aborts (the batches before it are imported, the file is closed).
 */
export async function importContacts(
  opts: ImportOptions,
  onBatch: (records: DialRecord[]) => Promise<void>,
): Promise<ImportReport> {
  const gen = readContacts(opts);
  for (;;) {
    if (opts.signal?.aborted) await gen.throw(opts.signal.reason);
    const next = await gen.next();
    if (next.done) return next.value;
    await onBatch(next.value);
  }
}

function buildRecord(
  fields: string[],
  line: number,
  id: string,
  layout: ColumnLayout,
  campaign: string,
  numbers: { region: string | null; policy: NumberPolicy; book: NumberBook | null },
  dueAt: number,
  report: ImportReport,
  problem: (line: number, message: string) => void,
): DialRecord {
  const { vars, notes, stripped, truncated } = rowVars(layout, fields);
  report.varsStripped += stripped;
  report.varsTruncated += truncated;
  for (const n of notes) problem(line, `record "${id}": ${n}`);
  let timezone: string | null = layout.timezone === null ? null : fields[layout.timezone] || null;
  if (timezone !== null && !IANAZone.isValidZone(timezone)) {
    problem(line, `unknown timezone "${timezone}"; ignored`);
    timezone = null;
  }
  const base = { campaign, id, timezone, vars };

  const sel = selectNumbers(rawNumbers(layout, fields), numbers.region, numbers.policy, numbers.book, line);
  report.duplicateNumbers += sel.duplicates;
  for (const d of sel.dropped) if (d.reason !== 'duplicate') report.droppedNumbers[d.reason] = (report.droppedNumbers[d.reason] ?? 0) + 1;
  if (sel.numbers.length === 0) {
    const why = invalidReason(sel.dropped);
    problem(line, `record "${id}" has no dialable number: ${why}`);
    return invalidRecord(base, why);
  }
  for (const d of sel.dropped) problem(line, `record "${id}": number not dialled, ${describeDrop(d)}`);
  return newRecord({ ...base, numbers: sel.numbers, nextAt: dueAt });
}
