/**
 * The same far-end answer gives the same result on FreeSWITCH as on Asterisk. Asterisk side: the
 * facts a real Asterisk 22 reported (test/fixtures/asterisk-matrix.ts). FreeSWITCH side: the ESL
 * adapter's facts for the same SIP answer, from the fake switch (sofia's SIP → cause mapping),
 * both through domain/results.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapResult } from '../../src/domain/results.ts';
import type { RawFacts } from '../../src/domain/types.ts';
import { silentLogger } from '../../src/lib/logger.ts';
import { createEslAdapter } from '../../src/pbx/esl/adapter.ts';
import type { EndFacts, PbxAdapter } from '../../src/pbx/port.ts';
import { ASTERISK_MATRIX, matrixFacts } from '../fixtures/asterisk-matrix.ts';
import { Recorder } from '../fakes/esl/recorder.ts';
import { FakeEslServer, type NumberScript } from '../fakes/esl/server.ts';

const OPTS = { shortCallSeconds: 10, overrides: { sip: {}, q850: {} } };

/** What the engine builds from an unanswered dial's EndFacts. */
const unanswered = (f: EndFacts): RawFacts => ({
  answered: f.answeredAt !== null && !f.originateFailed,
  ringSeconds: 1,
  talkSeconds: 0,
  q850: f.q850,
  sip: f.sip,
  causeName: f.causeName,
  amdStatus: null,
  amdCause: null,
  ringTimeoutHit: f.ringTimeoutHit,
  cancelledByUs: false,
  originateFailed: f.originateFailed,
});

/** Asterisk matrix row ↔ the same far end on FreeSWITCH. */
const CASES: Array<[string, NumberScript]> = [
  ['r486', { sip: 486, ringMs: 5 }],
  ['r600', { sip: 600, ringMs: 5 }],
  ['r404', { sip: 404, ringMs: 5 }],
  ['r480', { sip: 480, ringMs: 5 }],
  ['r408', { sip: 408, ringMs: 5 }],
  ['r503', { sip: 503, ringMs: 5 }],
  ['r500', { sip: 500, ringMs: 5 }],
  ['r603', { sip: 603, ringMs: 5 }],
  ['r484', { sip: 484, ringMs: 5 }],
  ['r403', { sip: 403, ringMs: 5 }],
  ['r487', { sip: 487, ringMs: 5 }],
  ['ring-forever-t10', { cause: 'NO_ANSWER', ringMs: 5 }],
];

let fake: FakeEslServer;
let adapter: PbxAdapter;
let rec: Recorder;
const scripts = new Map<string, NumberScript>();

beforeAll(async () => {
  fake = await FakeEslServer.start({ password: 'pw-results', heartbeatMs: 1000, script: (n) => scripts.get(n) ?? { hold: true } });
  adapter = createEslAdapter({ name: 'fs', host: '127.0.0.1', port: fake.port, password: 'pw-results' }, { clock: { now: () => Date.now() }, logger: silentLogger(), jobErrorGraceMs: 100 });
  rec = new Recorder(adapter);
  await adapter.start();
  await rec.waitFor((e) => e.type === 'status' && e.status === 'up', 'up');
});

afterAll(async () => {
  await adapter.stop();
  await fake.close();
});

async function freeswitchFacts(script: NumberScript): Promise<EndFacts> {
  const number = `+7495${String(scripts.size).padStart(7, '0')}`;
  scripts.set(number, script);
  const dialId = randomUUID();
  await adapter.originate({
    dialId, campaign: 'c', record: 'r', number, endpoint: `sofia/gateway/carrier-a/${number}`, callerId: null, ringTimeoutSeconds: 10,
    vars: {}, amd: { enabled: false, params: {} }, onAnswer: { context: 'dialerd', extension: '', priority: 1 },
  });
  return (await rec.ended(dialId)).facts;
}

describe('same SIP answer, same result on FreeSWITCH and Asterisk', () => {
  it.each(CASES)('%s', async (label, script) => {
    const row = ASTERISK_MATRIX.find((r) => r.label === label)!;
    const asterisk = mapResult(matrixFacts(row), OPTS).result;
    expect(asterisk).toBe(row.expected);
    const fs = await freeswitchFacts(script);
    expect(mapResult(unanswered(fs), OPTS).result, JSON.stringify(fs)).toBe(asterisk);
  });

  it.each([
    [504, 'no_answer'],
    [502, 'unreachable'],
    [402, 'insufficient_funds'],
    [401, 'trunk_rejected'],
    [407, 'trunk_rejected'],
  ] as const)('SIP %i (no Asterisk row) → %s', async (sip, result) => {
    const fs = await freeswitchFacts({ sip, ringMs: 5 });
    expect(mapResult(unanswered(fs), OPTS).result).toBe(result);
  });

  it('an originate FreeSWITCH refuses (gateway down) is an error', async () => {
    const fs = await freeswitchFacts({ refuse: 'GATEWAY_DOWN' });
    expect(mapResult(unanswered(fs), OPTS).result).toBe('error');
  });
});
