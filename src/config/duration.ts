/**
 * Durations as ops write them: `30s`, `10m`, `1h`, `1d`, and combinations such as `1h30m`.
 */

/** The regular expression the JSON Schema uses for a duration (editors check it as you type). */
export const DURATION_PATTERN = '^([0-9]+[smhd])+$';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in `text`, or null when it is not a duration. */
export function parseDuration(text: string): number | null {
  if (!new RegExp(DURATION_PATTERN).test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+)([smhd])/g)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] ?? 0);
  }
  return total;
}
