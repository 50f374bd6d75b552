/**
 * The whole daemon (real config loader, memory store, engine, ESL adapter) against the real
 * FreeSWITCH and a carrier that answers by the called number: the SIP answers of the Asterisk
 * daemon-matrix test, with the result the call history records (the same as on Asterisk) and
 * the cause and SIP code of ../shared/lab/freeswitch/matrix.txt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow, Result } from '../../../src/domain/types.ts';
import { ONE_DIAL_RULES } from '../../helpers/daemon-fixture.ts';
import type { Observed } from '../shared/daemon.ts';
import type { Sipp } from '../shared/sipp.ts';
import type { Branch } from '../shared/sipp-carrier.ts';
import { until } from '../../helpers/until.ts';
import { startDaemon, writeConfig } from './daemon-env.ts';
import { startCarrier } from './harness.ts';
import { LAB_MATRIX } from './lab-matrix.ts';

/** London drama numbers (valid, never assigned): the last three digits pick the carrier's answer. */
const num = (suffix: string): string => `+44207946${suffix.padStart(4, '0')}`;

interface Row { branch: Branch; result: Result; lab: string }
const reject = (code: number, reason: string, result: Result): Row =>
  ({ branch: { suffix: String(code), kind: 'reject', code, reason }, result, lab: `r${code}` });
const ROWS: Row[] = [
  reject(486, 'Busy Here', 'busy'), reject(600, 'Busy Everywhere', 'busy'), reject(404, 'Not Found', 'invalid_number'),
  reject(484, 'Address Incomplete', 'invalid_number'), reject(480, 'Temporarily Unavailable', 'no_answer'),
  reject(408, 'Request Timeout', 'no_answer'), reject(503, 'Service Unavailable', 'congestion'),
  reject(500, 'Server Internal Error', 'congestion'), reject(603, 'Decline', 'rejected'), reject(403, 'Forbidden', 'trunk_rejected'),
  { branch: { suffix: '100', kind: 'ring' }, result: 'no_answer', lab: 'ring-no-answer-t5' },
  { branch: { suffix: '200', kind: 'answer', holdMs: 3000 }, result: 'answered', lab: 'answer-remote-bye-2s' },
  { branch: { suffix: '201', kind: 'answer', holdMs: 800 }, result: 'answered_short', lab: 'answer-remote-bye-2s' },
];

describe('dialerd run on a real FreeSWITCH: the cause matrix through the whole daemon', () => {
  let carrier: Sipp;
  let o: Observed | null = null;

  beforeAll(async () => {
    carrier = await startCarrier('daemon-matrix', ROWS.map((r) => r.branch), 300);
  });
  afterAll(async () => {
    await o?.daemon.stop(0);
    await carrier?.stop();
  });

  it('records the expected result, cause and SIP code for every row', async () => {
    const csv = `id,phone\n${ROWS.map((r, i) => `m${i + 1},${num(r.branch.suffix)}`).join('\n')}\n`;
    const cfg = writeConfig({
      matrix: {
        csv,
        yaml: `concurrency: 20\ncalls_per_second: 50\nring_timeout: 3s\nattempts: { per_record: 1, short_call: 2s, technical_errors: { free: 0 } }\ncomplete_when_done: true
on_answer: { context: dialer, extension: park }\n${ONE_DIAL_RULES}`,
      },
    });
    o = await startDaemon(cfg);
    const obs = o;
    await until(() => obs.finals.length === ROWS.length, 'every record final', 30_000);
    await until(() => obs.changes.some((c) => c.id === 'matrix' && c.to === 'completed'), 'campaign completed', 10_000);
    const byNumber = new Map<string, HistoryRow[]>();
    for (const d of obs.dials) byNumber.set(d.number, [...(byNumber.get(d.number) ?? []), d]);
    for (const r of ROWS) {
      const rows = byNumber.get(num(r.branch.suffix)) ?? [];
      expect(rows, `dials of ${r.branch.suffix}`).toHaveLength(1);
      const row = rows[0]!;
      const lab = LAB_MATRIX.find((l) => l.label === r.lab)!;
      expect({ suffix: r.branch.suffix, result: row.result, q850: row.q850, sip: row.sip }).toEqual({
        suffix: r.branch.suffix, result: r.result, q850: lab.q850, sip: lab.sip,
      });
      if (r.result === 'answered') expect(row.talkSeconds).toBeGreaterThan(2.5);
    }
  });
});
