/**
 * May this claimed record be dialed right now? Pure: the checks a record passes between being
 * claimed and being originated, in order — it has a number, the number is not on a DNC list
 * (a hit moves the record to its next dialable number), the calling window is open in every
 * zone the subscriber may be in, and the number is not in another live dial.
 */
import type { CampaignSpec, DialRecord, FinalState } from '../domain/types.ts';
import { isOpen, nextOpen, zonesToCheck } from '../domain/windows.ts';
import type { WaitReason } from '../domain/why.ts';
import type { DncCheck, ZoneLookup } from './types.ts';

/** A number already in a live dial is tried again this much later. */
export const NUMBER_BUSY_DELAY_MS = 15_000;
/** When no calling window opens within the horizon, look again this much later. */
export const NO_WINDOW_DELAY_MS = 86_400_000;

export type Admission =
  | { kind: 'dial'; number: string }
  /** Not now: back to the due index at `nextAt` (possibly on another number); `why` as domain/why.ts names it. */
  | { kind: 'later'; record: DialRecord; nextAt: number; why: Extract<WaitReason, 'dnc' | 'window' | 'number_live_elsewhere'> }
  | { kind: 'final'; state: FinalState; reason: string };

export function admit(
  rec: DialRecord,
  spec: CampaignSpec,
  env: { dnc: DncCheck; zones: ZoneLookup; numberIsLive: (e164: string) => boolean },
  now: number,
): Admission {
  const number = rec.numbers[rec.numberIndex];
  if (number === undefined) return { kind: 'final', state: 'exhausted', reason: 'no_number' };
  if (env.dnc.has(number)) {
    // Only this number is blocked: the record goes on with its next number that may be dialed.
    const next = rec.numbers.findIndex((n, i) => i > rec.numberIndex && rec.numberAttempts[i]! < spec.attempts.perNumber && !env.dnc.has(n));
    if (next < 0) return { kind: 'final', state: 'blocked', reason: `dnc ${number}` };
    const numberAttempts = rec.numberAttempts.map((a, i) => (i === rec.numberIndex ? Math.max(a, spec.attempts.perNumber) : a));
    return { kind: 'later', record: { ...rec, numberIndex: next, numberAttempts, repeats: 0 }, nextAt: now, why: 'dnc' };
  }
  const hours = spec.callingHours;
  if (hours) {
    const zones = zonesToCheck(hours, rec.timezone, hours.subscriberLocalTime ? env.zones.zonesFor(number) : []);
    if (!isOpen(hours, zones, now)) return { kind: 'later', record: rec, nextAt: nextOpen(hours, zones, now) ?? now + NO_WINDOW_DELAY_MS, why: 'window' };
  }
  if (env.numberIsLive(number)) return { kind: 'later', record: rec, nextAt: now + NUMBER_BUSY_DELAY_MS, why: 'number_live_elsewhere' };
  return { kind: 'dial', number };
}
