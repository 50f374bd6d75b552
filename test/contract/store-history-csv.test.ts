import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField, historyCsvHeader, historyRowToCsv } from '../../src/store/history-csv.ts';
import { row } from './store-fixtures.ts';

describe('history CSV', () => {
  it('has one header column per row field, in the same order', () => {
    const header = historyCsvHeader().split(',');
    expect(header).toHaveLength(Object.keys(row('d')).length);
    expect(header.slice(0, 4)).toEqual(['dial_id', 'campaign', 'record', 'number']);
    expect(historyRowToCsv(row('d')).split(',')).toHaveLength(header.length);
  });

  it('writes instants as ISO 8601 UTC and nulls as empty fields', () => {
    const line = historyRowToCsv(row('d1', { startedAt: Date.UTC(2026, 10, 22, 9, 0, 0, 250), answeredAt: null, nextAt: null }));
    const [rec] = parse(`${historyCsvHeader()}\r\n${line}\r\n`, { columns: true }) as Record<string, string>[];
    expect(rec).toMatchObject({ dial_id: 'd1', started_at: '2026-11-22T09:00:00.250Z', answered_at: '', next_at: '', q850: '19', sip: '480', number: '+74951234567' });
  });

  it('quotes commas, quotes and line breaks per RFC 4180 so a CSV parser reads them back', () => {
    const nasty = 'a,"b"\r\nc';
    expect(csvField(nasty)).toBe('"a,""b""\r\nc"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(0)).toBe('0');
    const line = historyRowToCsv(row('d,1', { callerId: nasty, causeName: 'NORMAL "x"' }));
    const [rec] = parse(`${historyCsvHeader()}\r\n${line}\r\n`, { columns: true }) as Record<string, string>[];
    expect(rec).toMatchObject({ dial_id: 'd,1', caller_id: nasty, cause_name: 'NORMAL "x"' });
  });
});
