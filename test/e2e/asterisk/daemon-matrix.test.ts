/**
 * The whole daemon (real config loader, Redis store, engine, ARI adapter) against the real
 * Asterisk and a SIPp carrier that answers by the called number: the result of every
 * matrix.txt row as the call history records it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow, Result } from '../../../src/domain/types.ts';
import { ONE_DIAL_RULES } from '../../helpers/daemon-fixture.ts';
import { CARRIER, startDaemon, startRedis, writeConfig, type Observed } from './daemon-env.ts';
import { startSipp, until, type Sipp } from './harness.ts';
import { carrierScenario, type Branch } from '../shared/sipp-carrier.ts';

/** London drama numbers (valid, never assigned): the last three digits pick the carrier's answer. */
const num = (suffix: string): string => `+44207946${suffix.padStart(4, '0')}`;

interface Row { suffix: string; branch: Branch['kind'] | 'none'; result: Result; q850: number[]; sip: number | null; amd?: [string, RegExp] }
const R = (code: number, result: Result, q850: number): Row => ({ suffix: String(code), branch: 'reject', result, q850: [q850], sip: code });
const PLAIN: Row[] = [
  R(486, 'busy', 17), R(600, 'busy', 17), R(404, 'invalid_number', 1), R(484, 'invalid_number', 28),
  R(480, 'no_answer', 19), R(408, 'no_answer', 18), R(503, 'congestion', 34), R(500, 'congestion', 38),
  R(603, 'rejected', 21), R(403, 'trunk_rejected', 21),
  { suffix: '100', branch: 'ring', result: 'no_answer', q850: [19], sip: 480 },
  { suffix: '200', branch: 'answer', result: 'answered', q850: [0, 16], sip: null },
  { suffix: '201', branch: 'answer', result: 'answered_short', q850: [0, 16], sip: null },
];
const AMD: Row[] = [
  { suffix: '301', branch: 'answer', result: 'machine', q850: [0, 16], sip: null, amd: ['MACHINE', /^MAXWORDS-/] },
  { suffix: '302', branch: 'answer', result: 'answered', q850: [0, 16], sip: null, amd: ['HUMAN', /^HUMAN-/] },
  { suffix: '303', branch: 'answer', result: 'silence', q850: [0, 16], sip: null, amd: ['MACHINE', /^INITIALSILENCE-/] },
];


describe('dialerd run on a real Asterisk: the cause matrix through the whole daemon', () => {
  let redis: { stop(): Promise<void> };
  let carrier: Sipp;
  let o: Observed | null = null;

  beforeAll(async () => {
    redis = await startRedis();
    carrier = await startSipp('daemon-carrier', carrierScenario(CARRIER), 15070, 300);
  });
  afterAll(async () => {
    await o?.daemon.stop(0);
    await carrier?.stop();
    await redis?.stop();
  });

  it('records the expected result and raw facts for every row', async () => {
    const common = `concurrency: 20\ncalls_per_second: 50\nring_timeout: 3s\nattempts: { per_record: 1, short_call: 2s, technical_errors: { free: 0 } }\ncomplete_when_done: true\n${ONE_DIAL_RULES}`;
    const cfg = writeConfig({
      plain: { numbers: PLAIN.map((r) => num(r.suffix)), yaml: `${common}on_answer: { context: dialerd-hold, extension: s }\n` },
      amd: { numbers: AMD.map((r) => num(r.suffix)), yaml: `${common}amd: { enabled: true }\non_answer: { context: dialerd-answered, extension: s }\n` },
    });
    o = await startDaemon(cfg);
    const obs = o;
    await until(() => obs.finals.length === PLAIN.length + AMD.length, 'every record final', 60_000);
    await until(() => ['plain', 'amd'].every((id) => obs.changes.some((c) => c.id === id && c.to === 'completed')), 'campaigns completed', 10_000);
    const byNumber = new Map<string, HistoryRow[]>();
    for (const d of obs.dials) byNumber.set(d.number, [...(byNumber.get(d.number) ?? []), d]);
    for (const r of [...PLAIN, ...AMD]) {
      const rows = byNumber.get(num(r.suffix)) ?? [];
      expect(rows, `dials of ${r.suffix}`).toHaveLength(1);
      const row = rows[0]!;
      expect({ suffix: r.suffix, result: row.result }).toEqual({ suffix: r.suffix, result: r.result });
      expect(r.q850).toContain(row.q850);
      expect(row.sip).toBe(r.sip);
      if (r.amd) {
        expect(row.amdStatus).toBe(r.amd[0]);
        expect(row.amdCause).toMatch(r.amd[1]);
      }
      if (r.result === 'answered' && !r.amd) expect(row.talkSeconds).toBeGreaterThan(2.5);
      if (r.suffix === '301') expect(row.talkSeconds).toBeLessThan(4); // dialerd-answered hangs up on machines
    }
    expect(obs.finals.filter((f) => f.state === 'done').length).toBe(PLAIN.concat(AMD).filter((r) => r.result === 'answered' || r.result === 'answered_short').length);
  });
});
