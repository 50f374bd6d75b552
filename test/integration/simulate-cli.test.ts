/**
 * `dialerd simulate` through the CLI router: the exact jsonl contract, and domain.md §4's
 * worked example reproduced dial by dial.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

let dir: string;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => void (out += s.endsWith('\n') ? s : `${s}\n`), err: (s) => void (err += s.endsWith('\n') ? s : `${s}\n`) });
  return { code, out, err };
}

const campaign = (extra = ''): string => `
id: worked-example
name: The redial deck's worked example
state: running
trunk: carrier-a
contacts: { file: contacts.csv, region: RU }
concurrency: 5
calls_per_second: 5
ring_timeout: 30s
attempts: { per_record: 5, per_number: 3, short_call: 10s }
rules:
  no_answer: { retry_after: 3h }
  busy: { repeat: { times: 3, every: 5m }, then: { retry_after: 3h } }
complete_when_done: true
${extra}`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'dialerd-sim-'));
  await writeFile(path.join(dir, 'contacts.csv'), 'id,phone1,phone2,name\nR1,+74951230001,+79161230002,Ivan\nBAD,letters,,Nobody\n');
  await writeFile(path.join(dir, 'example.yaml'), campaign());
  await writeFile(
    path.join(dir, 'outcomes.yaml'),
    `numbers:
  "+74951230001": [{ ring: 2s, then: busy }, { ring: 2s, then: busy }, { ring: 2s, then: busy }, { ring: 2s, then: busy }, { ring: 30s, then: no_answer }]
  "+79161230002": [{ ring: 30s, then: no_answer }]
`,
  );
});

describe('dialerd simulate', () => {
  it('reproduces the worked example of domain.md §4 dial by dial', async () => {
    const r = await cli(['simulate', path.join(dir, 'example.yaml'), '--outcomes', path.join(dir, 'outcomes.yaml'), '--from', '2026-12-01T09:00:00+03:00', '--format', 'jsonl']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const dials = lines.filter((l) => 'dial' in l);
    expect(dials.map((d) => [d.at, d.number_index, d.attempt, d.dial, d.result, d.action, d.next_at])).toEqual([
      ['2026-12-01T09:00:00+03:00', 0, 1, 1, 'busy', 'repeat', '2026-12-01T09:05:02+03:00'],
      ['2026-12-01T09:05:02+03:00', 0, 1, 2, 'busy', 'repeat', '2026-12-01T09:10:04+03:00'],
      ['2026-12-01T09:10:04+03:00', 0, 1, 3, 'busy', 'repeat', '2026-12-01T09:15:06+03:00'],
      ['2026-12-01T09:15:06+03:00', 0, 1, 4, 'busy', 'retry_after', '2026-12-01T12:15:08+03:00'],
      ['2026-12-01T12:15:08+03:00', 0, 2, 5, 'no_answer', 'retry_after', '2026-12-01T15:15:38+03:00'],
      // The third attempt on number 1 spends its per_number: the next number, after the pause.
      ['2026-12-01T15:15:38+03:00', 0, 3, 6, 'no_answer', 'retry_after', '2026-12-01T18:16:08+03:00'],
      // Number 2 gets at most 2 attempts: the record's 5 are spent.
      ['2026-12-01T18:16:08+03:00', 1, 4, 7, 'no_answer', 'retry_after', '2026-12-01T21:16:38+03:00'],
      ['2026-12-01T21:16:38+03:00', 1, 5, 8, 'no_answer', 'retry_after', null],
    ]);
    expect(dials[0]).toEqual({
      at: '2026-12-01T09:00:00+03:00',
      campaign: 'worked-example',
      record: 'R1',
      number: '+74951230001',
      number_index: 0,
      attempt: 1,
      dial: 1,
      result: 'busy',
      q850: 17,
      sip: 486,
      ring_s: 2,
      talk_s: 0,
      action: 'repeat',
      next_at: '2026-12-01T09:05:02+03:00',
    });
    const finals = lines.filter((l) => 'final' in l);
    expect(finals).toEqual([
      { at: '2026-12-01T09:00:00+03:00', record: 'BAD', final: 'invalid' },
      { at: '2026-12-01T21:17:08+03:00', record: 'R1', final: 'exhausted' },
    ]);
    // Time order.
    const ats = lines.map((l) => Date.parse(l.at));
    expect([...ats].sort((a, b) => a - b)).toEqual(ats);
  });

  it('summary and csv formats', async () => {
    const args = ['simulate', path.join(dir, 'example.yaml'), '--outcomes', path.join(dir, 'outcomes.yaml'), '--from', '2026-12-01T09:00:00+03:00'];
    const s = await cli([...args, '--format', 'summary']);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/dials: 8/);
    expect(s.out).toMatch(/busy\s+4/);
    expect(s.out).toMatch(/no_answer\s+4/);
    expect(s.out).toMatch(/exhausted\s+1/);
    expect(s.out).toMatch(/invalid\s+1/);
    expect(s.out).toMatch(/8 dials\s+1 records/);
    const c = await cli([...args, '--format', 'csv']);
    const rows = c.out.trim().split('\n');
    expect(rows[0]).toBe('at,campaign,record,number,number_index,attempt,dial,result,q850,sip,ring_s,talk_s,action,next_at,held');
    expect(rows[1]!.endsWith(',false')).toBe(true);
    expect(rows).toHaveLength(9);
  });

  it('plays the trunk breaker as dialerd run does: 100 records all answered 402 → 5 dials, none final, paused', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `F${i},+7916${String(1000000 + i)}`);
    await writeFile(path.join(dir, 'funds.csv'), `id,phone\n${rows.join('\n')}\n`);
    await writeFile(path.join(dir, 'funds.yaml'), campaign().replace('id: worked-example', 'id: funds').replace('contacts.csv', 'funds.csv').replace('concurrency: 5', 'concurrency: 1'));
    await writeFile(path.join(dir, 'funds-outcomes.yaml'), 'default: { sip: 402 }\n');
    const args = ['simulate', path.join(dir, 'funds.yaml'), '--outcomes', path.join(dir, 'funds-outcomes.yaml'), '--from', '2026-12-01T09:00:00+03:00'];
    const r = await cli([...args, '--format', 'jsonl']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'dial' in l).map((l) => [l.result, l.sip])).toEqual(Array(5).fill(['insufficient_funds', 402]));
    expect(lines.filter((l) => 'final' in l)).toEqual([]);
    const s = await cli([...args, '--format', 'summary']);
    expect(s.out).toMatch(/paused/);
  });

  it('prints each campaign state change in jsonl, and the final state with its reason in summary', async () => {
    const r = await cli(['simulate', path.join(dir, 'funds.yaml'), '--outcomes', path.join(dir, 'funds-outcomes.yaml'), '--from', '2026-12-01T09:00:00+03:00', '--format', 'jsonl']);
    const states = r.out.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => 'state' in l);
    expect(states).toEqual([
      { at: '2026-12-01T09:00:00+03:00', campaign: 'funds', state: 'running', reason: null, detail: null },
      { at: expect.stringMatching(/^2026-12-01T09:0/), campaign: 'funds', state: 'paused', reason: 'trunk_funds', detail: 'trunk carrier-a: 5 trunk-fault dials in a row (SIP 402 ×5)' },
    ]);
    const s = await cli(['simulate', path.join(dir, 'funds.yaml'), '--outcomes', path.join(dir, 'funds-outcomes.yaml'), '--from', '2026-12-01T09:00:00+03:00', '--format', 'summary']);
    expect(s.out).toContain('campaign state: paused (trunk_funds: trunk carrier-a: 5 trunk-fault dials in a row (SIP 402 ×5))');
    const done = await cli(['simulate', path.join(dir, 'example.yaml'), '--outcomes', path.join(dir, 'outcomes.yaml'), '--from', '2026-12-01T09:00:00+03:00', '--format', 'summary']);
    expect(done.out).toMatch(/campaign state: completed\n?$/);
  });

  it('plays the storm guard: 404 on every call → paused suspect_results after 10 dials, 0 records final, the dials held', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `N${i},+7916${String(2000000 + i)}`);
    await writeFile(path.join(dir, 'storm.csv'), `id,phone\n${rows.join('\n')}\n`);
    await writeFile(path.join(dir, 'storm.yaml'), campaign().replace('id: worked-example', 'id: storm').replace('contacts.csv', 'storm.csv'));
    await writeFile(path.join(dir, 'storm-outcomes.yaml'), 'default: { sip: 404 }\n');
    const args = ['simulate', path.join(dir, 'storm.yaml'), '--outcomes', path.join(dir, 'storm-outcomes.yaml'), '--from', '2026-12-01T09:00:00+03:00'];
    const r = await cli([...args, '--format', 'jsonl']);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const dials = lines.filter((l) => 'dial' in l);
    expect(dials.length).toBeGreaterThanOrEqual(10);
    expect(dials.every((d) => d.result === 'invalid_number' && d.sip === 404 && d.held === true)).toBe(true);
    // Every record made final by a held dial is put back.
    const finals = lines.filter((l) => 'final' in l).map((l) => l.record).sort();
    expect(lines.filter((l) => 'restored' in l).map((l) => [l.record, l.restored]).sort()).toEqual(finals.map((id) => [id, 'pending']));
    const paused = lines.filter((l) => 'state' in l).at(-1);
    expect(paused).toEqual({
      at: expect.any(String),
      campaign: 'storm',
      state: 'paused',
      reason: 'suspect_results',
      detail: 'trunk carrier-a: the last 10 dials, from 10 different records, all ended invalid_number (SIP 404 ×10)',
    });
    const s = await cli([...args, '--format', 'summary']);
    expect(s.out).toContain(`dials: ${dials.length} (${dials.length} held by the storm guard: not counted)`);
    expect(s.out).toMatch(/final states:\ndials per record:/);
    expect(s.out).toContain('campaign state: paused (suspect_results: trunk carrier-a: the last 10 dials');
    const c = await cli([...args, '--format', 'csv']);
    expect(c.out.trim().split('\n').slice(1).every((l) => l.endsWith(',true'))).toBe(true);
  });

  it('honours calling windows and --until', async () => {
    await writeFile(path.join(dir, 'windowed.yaml'), campaign(`calling_hours:\n  timezone: Europe/Moscow\n  windows: [{ days: mon-fri, hours: "10:00-11:00" }]\n`));
    const r = await cli(['simulate', path.join(dir, 'windowed.yaml'), '--outcomes', path.join(dir, 'outcomes.yaml'), '--from', '2026-12-01T09:00:00+03:00', '--until', '2d']);
    const dials = r.out.trim().split('\n').map((l) => JSON.parse(l)).filter((l) => 'dial' in l);
    expect(dials.length).toBeGreaterThan(0);
    for (const d of dials) expect(d.at >= d.at.slice(0, 11) + '10:00:00+03:00' && d.at < d.at.slice(0, 11) + '11:00:00+03:00').toBe(true);
    for (const d of dials) expect(Date.parse(d.at)).toBeLessThan(Date.parse('2026-12-03T09:00:00+03:00'));
  });

  it('reports a broken campaign file as file:line:col and exits 1; bad flags exit 2', async () => {
    await writeFile(path.join(dir, 'broken.yaml'), campaign().replace('concurrency: 5', 'concurency: 5'));
    const r = await cli(['simulate', path.join(dir, 'broken.yaml')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.yaml:\d+:\d+: .*concurency.*did you mean "concurrency"/);
    const f = await cli(['simulate', path.join(dir, 'example.yaml'), '--format', 'xml']);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/--format/);
  });
});
