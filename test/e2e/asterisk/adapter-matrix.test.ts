/**
 * Every row of ../shared/lab/asterisk/matrix.txt through the ARI adapter on a real Asterisk 22:
 * the raw facts it reports, and the result src/domain/results.ts maps them to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapResult } from '../../../src/domain/results.ts';
import type { Result } from '../../../src/domain/types.ts';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { Collector } from '../shared/collector.ts';
import { dialRequest, newAdapter } from './fixtures.ts';
import { AUDIO, endpointAt, startSipp, until, type Sipp } from './harness.ts';
import { answerScenario, rejectScenario, ringForeverScenario } from '../shared/sipp-scenarios.ts';

interface Case {
  name: string;
  /** null: nobody listens on the port (no SIP answer at all). */
  xml: string | null;
  ring?: number;
  amd?: Record<string, number>;
  q850: number | number[] | null;
  sip: number | null;
  answered: boolean;
  ringTimeoutHit?: boolean;
  amdStatus?: string;
  amdCause?: RegExp;
  talk?: [number, number];
  result: Result;
}

const SHORT_CALL = 2;
const reject = (code: number, reason: string, q850: number, result: Result): Case =>
  ({ name: `r${code}`, xml: rejectScenario(code, reason), q850, sip: code, answered: false, ringTimeoutHit: false, result });

const CASES: Case[] = [
  reject(486, 'Busy Here', 17, 'busy'),
  reject(600, 'Busy Everywhere', 17, 'busy'),
  reject(404, 'Not Found', 1, 'invalid_number'),
  reject(484, 'Address Incomplete', 28, 'invalid_number'),
  reject(480, 'Temporarily Unavailable', 19, 'no_answer'),
  reject(408, 'Request Timeout', 18, 'no_answer'),
  reject(503, 'Service Unavailable', 34, 'congestion'),
  reject(500, 'Server Internal Error', 38, 'congestion'),
  reject(603, 'Decline', 21, 'rejected'),
  reject(403, 'Forbidden', 21, 'trunk_rejected'),
  { name: 'ring-timeout', xml: ringForeverScenario(), ring: 3, q850: 19, sip: 480, answered: false, ringTimeoutHit: true, result: 'no_answer' },
  // nothing answers at all (no SIPp on the port): a dead carrier, issue 11 → error (technical, feeds the trunk breaker)
  { name: 'no-sip-answer', xml: null, ring: 3, q850: 19, sip: 480, answered: false, ringTimeoutHit: true, result: 'error' },
  { name: 'answer-bye', xml: answerScenario(3000), q850: [0, 16], sip: null, answered: true, talk: [2.6, 3.8], result: 'answered' },
  { name: 'answer-short', xml: answerScenario(800), q850: [0, 16], sip: null, answered: true, talk: [0.5, 1.6], result: 'answered_short' },
  { name: 'amd-machine', xml: answerScenario(6000, `${AUDIO}/machine.ul`), amd: {}, q850: [0, 16], sip: null, answered: true,
    amdStatus: 'MACHINE', amdCause: /^MAXWORDS-/, result: 'machine' },
  { name: 'amd-human', xml: answerScenario(5000, `${AUDIO}/human.ul`), amd: {}, q850: [0, 16], sip: null, answered: true,
    amdStatus: 'HUMAN', amdCause: /^HUMAN-/, talk: [4, 5.8], result: 'answered' },
  { name: 'amd-silence', xml: answerScenario(6000, `${AUDIO}/silence.ul`), amd: {}, q850: [0, 16], sip: null, answered: true,
    amdStatus: 'MACHINE', amdCause: /^INITIALSILENCE-/, result: 'silence' },
  // the campaign's AMD parameters reach AMD(): maximumNumberOfWords 5 turns MAXWORDS into LONGGREETING
  { name: 'amd-params', xml: answerScenario(6000, `${AUDIO}/machine.ul`), q850: [0, 16], sip: null, answered: true,
    amd: { initialSilence: 2500, greeting: 1500, afterGreetingSilence: 800, totalAnalysisTime: 5000, minimumWordLength: 100,
      betweenWordsSilence: 50, maximumNumberOfWords: 5, silenceThreshold: 256, maximumWordLength: 5000 },
    amdStatus: 'MACHINE', amdCause: /^LONGGREETING-/, result: 'machine' },
];

describe('ARI adapter on a real Asterisk: the cause matrix', () => {
  let adapter: PbxAdapter;
  let col: Collector;
  const sipps: Sipp[] = [];
  const dialIds = new Map<string, string>();

  beforeAll(async () => {
    adapter = newAdapter('dialerd-e2e-matrix');
    col = new Collector(adapter);
    await adapter.start();
    await until(() => adapter.status() === 'up', 'ARI link up', 10_000);
    const ports = new Map<string, number>();
    await Promise.all(
      CASES.map(async (c, i) => {
        const port = 15071 + i;
        ports.set(c.name, port);
        if (c.xml) sipps.push(await startSipp(`matrix-${c.name}`, c.xml, port));
      }),
    );
    // all cases at once: the slowest (AMD, ring timeout) sets the pace
    await Promise.all(
      CASES.map(async (c) => {
        const req = dialRequest(endpointAt(ports.get(c.name)!, '1000'), {
          ringTimeoutSeconds: c.ring ?? 10,
          amd: { enabled: c.amd !== undefined, params: c.amd ?? {} },
        });
        dialIds.set(c.name, req.dialId);
        col.started.set(req.dialId, Date.now());
        await adapter.originate(req);
      }),
    );
    await Promise.all([...dialIds.values()].map((id) => col.waitEnded(id, 30_000)));
  });

  afterAll(async () => {
    await adapter?.stop();
    await Promise.all(sipps.map((s) => s.stop()));
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const id = dialIds.get(c.name)!;
    const raw = col.raw(id);
    const qs = Array.isArray(c.q850) ? c.q850 : [c.q850];
    expect(qs).toContain(raw.q850);
    expect(raw.sip).toBe(c.sip);
    expect(raw.answered).toBe(c.answered);
    if (c.ringTimeoutHit !== undefined) expect(raw.ringTimeoutHit).toBe(c.ringTimeoutHit);
    if (c.amdStatus) {
      expect(raw.amdStatus).toBe(c.amdStatus);
      expect(raw.amdCause).toMatch(c.amdCause!);
    } else {
      expect(raw.amdStatus).toBeNull();
    }
    if (c.talk) {
      expect(raw.talkSeconds).toBeGreaterThanOrEqual(c.talk[0]);
      expect(raw.talkSeconds).toBeLessThanOrEqual(c.talk[1]);
    }
    expect(col.endedCount(id)).toBe(1);
    // the port's order: progress* → answered? → amd? → ended
    const seq = col.sequence(id).filter((t, i, a) => t !== 'progress' || a.indexOf(t) === i);
    const want = [...(c.xml ? ['progress'] : []), ...(c.answered ? ['answered'] : []), ...(c.amdStatus ? ['amd'] : []), 'ended'];
    expect(seq).toEqual(want);
    expect(mapResult(raw, { shortCallSeconds: SHORT_CALL, overrides: { sip: {}, q850: {} } }).result).toBe(c.result);
  });
});
