/**
 * Parsers for calling-window text. Private stand-ins: src/domain/windows.ts (another engineer's)
 * was not there when this was written; swap these for its parseDays/parseHours once it lands.
 */

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `mon-fri`, `sat`, `mon,wed,fri`, `fri-mon` (wraps) → ISO weekdays 1..7, or null. */
export function parseDays(s: string): number[] | null {
  const days = new Set<number>();
  for (const part of s.toLowerCase().split(',').map((p) => p.trim())) {
    const m = /^([a-z]{3})(?:\s*-\s*([a-z]{3}))?$/.exec(part);
    if (!m) return null;
    const from = DAY_NAMES.indexOf(m[1] as string);
    const to = m[2] === undefined ? from : DAY_NAMES.indexOf(m[2]);
    if (from < 0 || to < 0) return null;
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d + 1);
      if (d === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** `09:00-20:00`, `22:00-02:00` (over midnight), `00:00-24:00` → minutes of the day, or null. */
export function parseHours(s: string): { startMinute: number; endMinute: number } | null {
  const m = /^\s*([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})\s*$/.exec(s);
  if (!m) return null;
  const start = minute(Number(m[1]), Number(m[2]), false);
  const end = minute(Number(m[3]), Number(m[4]), true);
  if (start === null || end === null || start === end) return null;
  return { startMinute: start, endMinute: end };
}

function minute(h: number, m: number, isEnd: boolean): number | null {
  if (m > 59) return null;
  if (h === 24 && m === 0 && isEnd) return 1440;
  return h > 23 ? null : h * 60 + m;
}
