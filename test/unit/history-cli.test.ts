import { describe, expect, it } from 'vitest';
import { historyAsk } from '../../src/cli/history.ts';
import { formatInstant, parseWhen } from '../../src/cli/history-time.ts';
import type { HistoryRow } from '../../src/domain/types.ts';
import { historyCsv, historyCsvHeader } from '../../src/store/history-csv.ts';

const NOW = Date.parse('2026-11-22T09:30:00Z');
const at = (iso: string): number => Date.parse(iso);

describe('history instants', () => {
  it('reads now, today, yesterday (midnight in the zone), ages and ISO without an offset in the zone', () => {
    const z = 'Europe/Moscow';
    expect(parseWhen('now', z, NOW)).toBe(NOW);
    expect(parseWhen('today', z, NOW)).toBe(at('2026-11-21T21:00:00Z'));
    expect(parseWhen('yesterday', z, NOW)).toBe(at('2026-11-20T21:00:00Z'));
    expect(parseWhen('yesterday', 'UTC', NOW)).toBe(at('2026-11-21T00:00:00Z'));
    expect(parseWhen('-1h', z, NOW)).toBe(NOW - 3_600_000);
    expect(parseWhen('-1h30m', z, NOW)).toBe(NOW - 5_400_000);
    expect(parseWhen('2026-11-22T10:00', z, NOW)).toBe(at('2026-11-22T07:00:00Z'));
    expect(parseWhen('2026-11-22T10:00:00Z', z, NOW)).toBe(at('2026-11-22T10:00:00Z'));
    expect(parseWhen('1763800000000', z, NOW)).toBe(1763800000000);
    for (const bad of ['soon', '-1x', '-', '2026-13-01']) expect(parseWhen(bad, z, NOW)).toBeNull();
  });

  it('prints ISO 8601 with the zone offset, Z in UTC, milliseconds only when there are some', () => {
    expect(formatInstant(NOW, 'UTC')).toBe('2026-11-22T09:30:00Z');
    expect(formatInstant(NOW, 'Europe/Moscow')).toBe('2026-11-22T12:30:00+03:00');
    expect(formatInstant(NOW + 5, 'Europe/Moscow')).toBe('2026-11-22T12:30:00.005+03:00');
  });

  it('flags: relative instants go to the API as epoch ms; bad ones and --limit with --last are usage errors', () => {
    expect(historyAsk({ from: '-1h', to: 'now', tz: 'Europe/Moscow', last: '5' }, NOW)).toEqual({
      filter: { from: String(NOW - 3_600_000), to: String(NOW) },
      zone: 'Europe/Moscow',
      limit: Number.POSITIVE_INFINITY,
      last: 5,
    });
    expect(historyAsk({ tz: 'Moscow' }, NOW)).toMatch(/^--tz: "Moscow" is not an IANA time zone/);
    expect(historyAsk({ from: 'soon' }, NOW)).toMatch(/^--from: "soon" is not an instant/);
    expect(historyAsk({ last: '0' }, NOW)).toBe('--last: "0" is not a positive integer');
    expect(historyAsk({ last: '2', limit: '2' }, NOW)).toMatch(/^--limit and --last/);
  });
});

const row = (i: number): HistoryRow =>
  ({ dialId: `d${i}`, campaign: 'c', record: `r${i}`, startedAt: NOW + i * 1000, answeredAt: null, endedAt: NOW + i * 1000 + 500, nextAt: null }) as HistoryRow;

describe('history CSV', () => {
  it('CSV writes instants as the caller formats them, the header only when asked', () => {
    const csv = historyCsv([row(0)], { instant: (ms) => formatInstant(ms, 'Europe/Moscow') });
    const [head, line] = csv.split('\r\n');
    expect(head).toBe(historyCsvHeader());
    expect(line).toContain(',2026-11-22T12:30:00+03:00,,2026-11-22T12:30:00.5+03:00,'.replace('.5+', '.500+'));
    expect(historyCsv([row(0)], { header: false }).split('\r\n')[0]).toContain(',2026-11-22T09:30:00.000Z,');
    expect(historyCsv([], { header: true })).toBe(`${historyCsvHeader()}\r\n`);
  });
});
