/**
 * What the campaign schema cannot say: time zones, window text, dates, regions (contacts.region
 * and numbers.countries), the order of start/end, that referenced files exist, that the trunk is
 * defined. Runs on the raw data even when the schema found problems, so it checks types
 * defensively and reports only its own kind.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { didYouMean, zoneHint, type ConfigError } from './config-error.ts';
import { isValidRegion } from '../domain/numbers.ts';
import { isValidZone, parseDays, parseHours } from '../domain/windows.ts';
import type { ParsedYaml } from './yaml-positions.ts';

export interface CheckContext {
  /** Directory of the campaign file; relative paths resolve against it. */
  dir: string;
  /** Trunks defined in the daemon config, when known. */
  trunks?: readonly string[];
}

type Obj = Record<string, unknown>;

/** Semantic errors and warnings for a campaign document. */
export async function checkCampaign(data: unknown, y: ParsedYaml, ctx: CheckContext): Promise<{ errors: ConfigError[]; warnings: ConfigError[] }> {
  const errors: ConfigError[] = [];
  const warnings: ConfigError[] = [];
  if (!isObj(data)) return { errors, warnings };
  const zone = checkCallingHours(data.calling_hours, y, errors);
  checkInstants(data, zone, y, errors);
  const contacts = data.contacts;
  if (isObj(contacts)) {
    checkRegion(contacts.region, ['contacts', 'region'], y, errors);
    if (typeof contacts.file === 'string' && contacts.file !== '') await mustExist(contacts.file, ['contacts', 'file'], 'contacts file', ctx, y, errors);
  }
  if (isObj(data.numbers) && Array.isArray(data.numbers.countries)) {
    data.numbers.countries.forEach((c: unknown, i) => checkRegion(c, ['numbers', 'countries', i], y, errors));
  }
  if (Array.isArray(data.dnc)) {
    for (const [i, f] of data.dnc.entries()) if (typeof f === 'string' && f !== '') await mustExist(f, ['dnc', i], 'DNC file', ctx, y, errors);
  }
  if (ctx.trunks && typeof data.trunk === 'string' && data.trunk !== '' && !ctx.trunks.includes(data.trunk)) {
    const known = ctx.trunks.length > 0 ? ` (defined: ${ctx.trunks.join(', ')})` : '';
    const dym = didYouMean(data.trunk, ctx.trunks);
    errors.push(y.errorAt(['trunk'], 'value', `unknown trunk "${data.trunk}"${dym || known}`));
  }
  checkAttemptWarnings(data.attempts, y, warnings);
  if (data.state === 'scheduled' && data.start_at === undefined) {
    warnings.push(y.errorAt(['state'], 'value', 'scheduled without start_at: it starts as soon as it is loaded'));
  }
  return { errors, warnings };
}

/** Two letters that are no country libphonenumber knows (the schema already refused other shapes). */
function checkRegion(v: unknown, path: (string | number)[], y: ParsedYaml, errors: ConfigError[]): void {
  if (typeof v === 'string' && /^[A-Za-z]{2}$/.test(v) && !isValidRegion(v)) {
    errors.push(y.errorAt(path, 'value', `unknown region "${v}" (an ISO 3166 country code such as RU or US)`));
  }
}

/** Returns the campaign zone when it is valid. */
function checkCallingHours(ch: unknown, y: ParsedYaml, errors: ConfigError[]): string | null {
  if (!isObj(ch)) return null;
  let zone: string | null = null;
  if (typeof ch.timezone === 'string') {
    if (isValidZone(ch.timezone)) zone = ch.timezone;
    else errors.push(y.errorAt(['calling_hours', 'timezone'], 'value', `unknown time zone "${ch.timezone}"${zoneHint(ch.timezone)}`));
  }
  if (Array.isArray(ch.windows)) {
    ch.windows.forEach((w: unknown, i) => {
      if (!isObj(w)) return;
      if (typeof w.days === 'string' && parseDays(w.days) === null) {
        errors.push(y.errorAt(['calling_hours', 'windows', i, 'days'], 'value', `"${w.days}" is not a set of days (e.g. mon-fri, sat, mon,wed,fri, fri-mon, daily)`));
      }
      if (typeof w.hours === 'string' && parseHours(w.hours) === null) {
        errors.push(y.errorAt(['calling_hours', 'windows', i, 'hours'], 'value', `"${w.hours}" is not a time range (e.g. 09:00-20:00, 22:00-02:00, 00:00-24:00)`));
      }
    });
  }
  if (Array.isArray(ch.holidays)) {
    ch.holidays.forEach((h: unknown, i) => {
      if (typeof h === 'string' && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(h) && !DateTime.fromISO(h, { zone: 'utc' }).isValid) {
        errors.push(y.errorAt(['calling_hours', 'holidays', i], 'value', `"${h}" is not a real date`));
      }
    });
  }
  return zone;
}

/** Epoch ms of an ISO 8601 instant; a string without an offset is read in `zone` (else UTC). */
export function parseInstant(s: string, zone: string | null): number | null {
  const dt = DateTime.fromISO(s, { zone: zone ?? 'utc' });
  return dt.isValid ? dt.toMillis() : null;
}

function checkInstants(data: Obj, zone: string | null, y: ParsedYaml, errors: ConfigError[]): void {
  const read = (key: 'start_at' | 'end_at'): number | null => {
    const v = data[key];
    if (typeof v !== 'string') return null;
    const ms = parseInstant(v, zone);
    if (ms === null) errors.push(y.errorAt([key], 'value', `"${v}" is not a date and time (ISO 8601, e.g. 2026-12-01T09:00:00+03:00)`));
    return ms;
  };
  const start = read('start_at');
  const end = read('end_at');
  if (start !== null && end !== null && end <= start) {
    errors.push(y.errorAt(['end_at'], 'value', `end_at (${String(data.end_at)}) is not after start_at (${String(data.start_at)})`));
  }
}

async function mustExist(rel: string, path: (string | number)[], what: string, ctx: CheckContext, y: ParsedYaml, errors: ConfigError[]): Promise<void> {
  const abs = resolve(ctx.dir, rel);
  const st = await stat(abs).catch(() => null);
  if (st === null) errors.push(y.errorAt(path, 'value', `${what} not found: ${abs}`));
  else if (!st.isFile()) errors.push(y.errorAt(path, 'value', `${what} is not a file: ${abs}`));
}

function checkAttemptWarnings(a: unknown, y: ParsedYaml, warnings: ConfigError[]): void {
  if (!isObj(a)) return;
  if (typeof a.per_number === 'number' && typeof a.per_record === 'number' && a.per_number > a.per_record) {
    warnings.push(y.errorAt(['attempts', 'per_number'], 'value', `${a.per_number} is more than per_record (${a.per_record}); per_record wins`));
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
