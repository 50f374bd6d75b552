import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { historyCsv, historyCsvHeader, historyCsvStream } from '../../src/store/history-csv.ts';
import type { HistoryRow } from '../../src/domain/types.ts';
import { row } from './store-fixtures.ts';

const read = (text: string): Record<string, string>[] => parse(text, { columns: true }) as Record<string, string>[];

describe('history CSV', () => {
  it('has one header column per row field, in the same order', () => {
    const header = historyCsvHeader().split(',');
    expect(header).toHaveLength(Object.keys(row('d')).length);
    expect(header.slice(0, 4)).toEqual(['dial_id', 'campaign', 'record', 'number']);
    const [head, line] = historyCsv([row('d')]).split('\r\n');
    expect(head).toBe(historyCsvHeader());
    expect(line!.split(',')).toHaveLength(header.length);
  });

  it('writes instants as ISO 8601 UTC and nulls as empty fields', () => {
    const [rec] = read(historyCsv([row('d1', { startedAt: Date.UTC(2026, 10, 22, 9, 0, 0, 250), answeredAt: null, nextAt: null })]));
    expect(rec).toMatchObject({ dial_id: 'd1', started_at: '2026-11-22T09:00:00.250Z', answered_at: '', next_at: '', q850: '19', sip: '480', number: '+74951234567' });
  });

  it('writes the interrupted flag as true / false', () => {
    const rows = read(historyCsv([row('d1', { result: 'answered', interrupted: true }), row('d2')]));
    expect(rows.map((r) => [r.result, r.interrupted])).toEqual([['answered', 'true'], ['no_answer', 'false']]);
  });

  it('quotes commas, quotes and line breaks per RFC 4180 so a CSV parser reads them back', () => {
    const nasty = 'a,"b"\r\nc';
    const text = historyCsv([row('d,1', { callerId: nasty, causeName: 'NORMAL "x"', amdCause: 'x\ny' })]);
    expect(text).toContain('"a,""b""\r\nc"');
    expect(read(text)[0]).toMatchObject({ dial_id: 'd,1', caller_id: nasty, cause_name: 'NORMAL "x"', amd_cause: 'x\ny' });
  });

  it("neutralizes formulas: text cells starting with = + - @ tab or CR get a leading '", () => {
    const hostile = ['=HYPERLINK("http://x","y")', '+cmd|\' /C calc\'!A0', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
    const rows = hostile.map((h, i) => row(`d${i}`, { record: h, callerId: h, causeName: h }));
    for (const [i, rec] of read(historyCsv(rows)).entries()) {
      expect(rec).toMatchObject({ record: `'${hostile[i]}`, caller_id: `'${hostile[i]}`, cause_name: `'${hostile[i]}` });
    }
  });

  it('leaves an E.164 number raw (digits only: no formula can hide in it) and numbers as numbers', () => {
    const [rec] = read(historyCsv([row('d1', { number: '+74951234567', callerId: '+0123', q850: 16, sip: 200, ringSeconds: 2.5, talkSeconds: 0 })]));
    expect(rec).toMatchObject({ number: '+74951234567', caller_id: "'+0123", q850: '16', sip: '200', ring_seconds: '2.5', talk_seconds: '0' });
    // Not E.164 (spaces, letters, too long): escaped like any text.
    const odd = read(historyCsv(['+7 495 1', '+7495x', '+1234567890123456'].map((n, i) => row(`d${i}`, { number: n })))).map((r) => r.number);
    expect(odd).toEqual(["'+7 495 1", "'+7495x", "'+1234567890123456"]);
  });

  it('streams: the same text as the one-shot writer, pulled from an async source', async () => {
    const rows = [row('d1', { record: '=1+1' }), row('d2')];
    async function* source(): AsyncGenerator<HistoryRow> {
      yield* rows;
    }
    let text = '';
    for await (const chunk of historyCsvStream(source())) text += String(chunk);
    expect(text).toBe(historyCsv(rows));
    let empty = '';
    for await (const chunk of historyCsvStream((async function* () {})())) empty += String(chunk);
    expect(empty).toBe(`${historyCsvHeader()}\r\n`);
  });
});
