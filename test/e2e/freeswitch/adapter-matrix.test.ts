/**
 * Every row of ../shared/lab/freeswitch/matrix.txt through the ESL adapter on the real
 * FreeSWITCH: the raw facts it reports (read from the matrix itself) and the result
 * src/domain/results.ts maps them to. All rows dial at once through one carrier SIPp.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapResult } from '../../../src/domain/results.ts';
import type { Result } from '../../../src/domain/types.ts';
import { realScheduler } from '../../../src/lib/clock.ts';
import { createEslAdapter } from '../../../src/pbx/esl/adapter.ts';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { Collector } from '../shared/collector.ts';
import { dialRequest, logger } from '../shared/fixtures.ts';
import type { Sipp } from '../shared/sipp.ts';
import type { Branch } from '../shared/sipp-carrier.ts';
import { until } from '../../helpers/until.ts';
import { CARRIER_PORT, ESL, endpointFor, startCarrier } from './harness.ts';
import { LAB_MATRIX, type LabRow } from './lab-matrix.ts';

const SHORT_CALL = 1;
const RING = 3;

/** The result of a carrier's final answer, by its SIP code (a Reason header changes nothing). */
const BY_CODE: Record<number, Result> = {
  401: 'trunk_rejected', 402: 'insufficient_funds', 403: 'trunk_rejected', 407: 'trunk_rejected', 405: 'failed', 482: 'failed', 488: 'failed', 606: 'failed',
  404: 'invalid_number', 410: 'invalid_number', 484: 'invalid_number',
  408: 'no_answer', 480: 'no_answer', 487: 'no_answer', 504: 'no_answer',
  486: 'busy', 600: 'busy', 603: 'rejected', 502: 'unreachable', 500: 'congestion', 503: 'congestion',
};

interface Plan {
  branch: Branch;
  result: Result;
  ring?: number;
  hangupOnAnswer?: boolean;
  amd?: boolean;
  talk?: [number, number];
}

/** Rows not run here, with the reason (none left: the dead-carrier rows run in their own block below). */
const LEFT_OUT: Record<string, string> = {
  'no-listener-t5': 'needs nothing listening on the carrier port: run below, after the carrier SIPp stopped',
  'blackhole-t5': 'needs a carrier host that never answers: run below, with a bound UDP socket on the carrier port',
};

function planOf(row: LabRow): Plan | null {
  if (row.reply) {
    const { code, phrase, q850 } = row.reply;
    const suffix = q850 === null ? String(code) : `9${String(q850).padStart(2, '0')}`;
    return { branch: { suffix, kind: 'reject', code, reason: phrase, ...(q850 === null ? {} : { q850 }) }, result: BY_CODE[code]! };
  }
  switch (row.label) {
    case 'ring-no-answer-t5':
      return { branch: { suffix: '100', kind: 'ring' }, ring: RING, result: 'no_answer' };
    case 'answer-remote-bye-2s':
      return { branch: { suffix: '200', kind: 'answer', holdMs: 2000 }, talk: [1.5, 2.8], result: 'answered' };
    case 'answer-remote-bye-2s-q850-17':
      return { branch: { suffix: '217', kind: 'answer', holdMs: 2000, q850: 17 }, talk: [1.5, 2.8], result: 'answered' };
    case 'answer-we-hangup-2s':
      return { branch: { suffix: '299', kind: 'answer', holdMs: 30_000 }, hangupOnAnswer: true, result: 'answered' }; // we cut it: answered, interrupted (never answered_short)
    case 'answer-amd-dialplan':
      return { branch: { suffix: '300', kind: 'answer', holdMs: 2000 }, amd: true, talk: [1.5, 2.8], result: 'answered' };
    default:
      return null;
  }
}

const ROWS = LAB_MATRIX.filter((r) => !(r.label in LEFT_OUT));

describe('ESL adapter on a real FreeSWITCH: the cause matrix', () => {
  let adapter: PbxAdapter;
  let col: Collector;
  let carrier: Sipp;
  const dialIds = new Map<string, string>();

  beforeAll(async () => {
    const plans = ROWS.map((r) => planOf(r)).filter((p): p is Plan => p !== null);
    carrier = await startCarrier('matrix', plans.map((p) => p.branch), 500);
    adapter = createEslAdapter({ name: 'fs1', ...ESL }, { clock: realScheduler, logger });
    col = new Collector(adapter);
    await adapter.start();
    await until(() => adapter.status() === 'up', 'ESL link up', 10_000);
    const hangupOnAnswer = new Set<string>();
    adapter.on((e) => void (e.type === 'answered' && hangupOnAnswer.has(e.dialId) && adapter.hangup(e.dialId)));
    // all rows at once: the ring timeout sets the pace
    await Promise.all(
      ROWS.map(async (row) => {
        const p = planOf(row);
        if (!p) return;
        const number = `+1555000${p.branch.suffix}`;
        const req = dialRequest(endpointFor(number), {
          number,
          callerId: '5550001',
          ringTimeoutSeconds: p.ring ?? 10,
          amd: { enabled: p.amd === true, params: {} },
          onAnswer: { context: 'dialer', extension: p.amd ? 'amd' : '', priority: 1 },
        });
        dialIds.set(row.label, req.dialId);
        if (p.hangupOnAnswer) hangupOnAnswer.add(req.dialId);
        col.started.set(req.dialId, Date.now());
        await adapter.originate(req);
      }),
    );
    await Promise.all([...dialIds.values()].map((id) => col.waitEnded(id, 30_000)));
  });

  afterAll(async () => {
    await adapter?.stop();
    await carrier?.stop();
  });

  it('covers every row of matrix.txt (but the ones listed as left out)', () => {
    expect(ROWS.filter((r) => planOf(r) === null).map((r) => r.label)).toEqual([]);
    expect(LAB_MATRIX.filter((r) => r.label in LEFT_OUT).map((r) => r.label).sort()).toEqual(Object.keys(LEFT_OUT).sort());
  });

  it.each(ROWS.map((r) => [r.label, r] as const))('%s', (label, row) => {
    const p = planOf(row)!;
    const id = dialIds.get(label)!;
    const end = col.ended(id)!.facts;
    const raw = col.raw(id, p.hangupOnAnswer === true);
    expect({ causeName: raw.causeName, q850: raw.q850, sip: raw.sip, answered: raw.answered }).toEqual({
      causeName: row.causeName, q850: row.q850, sip: row.sip, answered: row.answered,
    });
    expect(end).toMatchObject({ originateFailed: false, soft: p.hangupOnAnswer === true, ringTimeoutHit: p.ring !== undefined });
    if (p.ring !== undefined) {
      // originate_timeout counts whole epoch seconds: the real timeout falls in (N-1, N]
      expect(raw.ringSeconds).toBeGreaterThan(p.ring - 1);
      expect(raw.ringSeconds).toBeLessThan(p.ring + 0.5);
    }
    if (p.talk) {
      expect(raw.talkSeconds).toBeGreaterThanOrEqual(p.talk[0]);
      expect(raw.talkSeconds).toBeLessThanOrEqual(p.talk[1]);
    }
    expect(raw.amdStatus).toBeNull();
    expect(col.endedCount(id)).toBe(1);
    // the port's order: progress* → answered? → ended
    const seq = col.sequence(id).filter((t, i, a) => t !== 'progress' || a.indexOf(t) === i);
    expect(seq).toEqual([...(row.order.includes('PROGRESS') ? ['progress'] : []), ...(row.answered ? ['answered'] : []), 'ended']);
    const mapped = mapResult(raw, { shortCallSeconds: SHORT_CALL, overrides: { sip: {}, q850: {} } });
    expect({ result: mapped.result, interrupted: mapped.interrupted === true }).toEqual({ result: p.result, interrupted: p.hangupOnAnswer === true });
  });

  // A dead carrier (issue 11): lab rows no-listener-t5 (sofia-sip's local 503 within ~20 ms, no
  // provisional response, no sip_network_ip) and blackhole-t5 (NO_ANSWER at the ring timeout, no
  // provisional response). Both are `error`: technical, fed to the trunk breaker.
  it.each([
    ['no-listener-t5', false],
    ['blackhole-t5', true],
  ] as const)('%s is error', async (label, bind) => {
    await carrier.stop();
    const row = LAB_MATRIX.find((r) => r.label === label)!;
    const hole = dgram.createSocket('udp4');
    if (bind) await new Promise<void>((r) => hole.bind(CARRIER_PORT, '127.0.0.1', () => r()));
    try {
      const req = dialRequest(endpointFor('+15550001000'), { number: '+15550001000', callerId: '5550001', ringTimeoutSeconds: RING, onAnswer: { context: 'dialer', extension: '', priority: 1 } });
      col.started.set(req.dialId, Date.now());
      await adapter.originate(req);
      await col.waitEnded(req.dialId, 15_000);
      const raw = col.raw(req.dialId);
      expect({ causeName: raw.causeName, q850: raw.q850 }).toEqual({ causeName: row.causeName, q850: row.q850 });
      expect(raw).toMatchObject({ answered: false, progress: false, farEndResponded: false });
      expect(raw.sip).toBe(bind ? null : 503);
      expect(mapResult(raw, { shortCallSeconds: SHORT_CALL, overrides: { sip: {}, q850: {} } }).result).toBe('error');
    } finally {
      hole.close();
    }
  });
});
