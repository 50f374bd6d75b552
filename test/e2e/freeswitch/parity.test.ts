/**
 * The parity table, FreeSWITCH side: every code of test/e2e/shared/parity.ts through the ESL
 * adapter on the real FreeSWITCH, compared code by code with what the real Asterisk reported
 * (test/fixtures/parity-asterisk.json, kept true by the Asterisk suite's parity test). The table
 * is printed; README.md's "Parity: Asterisk and FreeSWITCH" reproduces it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipDefault } from '../../../src/domain/results.ts';
import { realScheduler } from '../../../src/lib/clock.ts';
import { createEslAdapter } from '../../../src/pbx/esl/adapter.ts';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { Collector } from '../shared/collector.ts';
import { dialRequest, logger } from '../shared/fixtures.ts';
import { PARITY_CODES, parityBranches, parityFacts, parityNumber, parityResult, parityTable, readAsteriskParity, type ParityFacts } from '../shared/parity.ts';
import type { Sipp } from '../shared/sipp.ts';
import { until } from '../../helpers/until.ts';
import { ESL, endpointFor, startCarrier } from './harness.ts';

describe('parity: every final SIP failure gives the same result on FreeSWITCH and Asterisk', () => {
  let adapter: PbxAdapter;
  let carrier: Sipp;
  const got: ParityFacts[] = [];
  const asterisk = readAsteriskParity();

  beforeAll(async () => {
    carrier = await startCarrier('parity', parityBranches(), 300);
    adapter = createEslAdapter({ name: 'fs1', ...ESL }, { clock: realScheduler, logger });
    const col = new Collector(adapter);
    await adapter.start();
    await until(() => adapter.status() === 'up', 'ESL link up', 10_000);
    const ids = await Promise.all(PARITY_CODES.map(async (code) => {
      const number = parityNumber(code);
      const req = dialRequest(endpointFor(number), { number, callerId: '5550001', ringTimeoutSeconds: 10, onAnswer: { context: 'dialer', extension: '', priority: 1 } });
      col.started.set(req.dialId, Date.now());
      await adapter.originate(req);
      return req.dialId;
    }));
    await Promise.all(ids.map((id) => col.waitEnded(id, 40_000)));
    PARITY_CODES.forEach((code, i) => got.push(parityFacts(code, col.raw(ids[i]!))));
    const rows = PARITY_CODES.map((code) => ({ code, ast: asterisk.find((a) => a.code === code)!, fs: got.find((g) => g.code === code)! }));
    console.log(`[e2e] parity table (SIP answer → cause each switch derived → dialerd's result)\n${parityTable(rows)}`);
  });

  afterAll(async () => {
    await adapter?.stop();
    await carrier?.stop();
  });

  it('has an Asterisk row for every code', () => {
    expect(asterisk.map((a) => a.code)).toEqual([...PARITY_CODES]);
  });

  it.each(PARITY_CODES.map((c) => [c]))('SIP %i: the same result on both switches, the SIP code\'s own', (code) => {
    const fs = got.find((g) => g.code === code)!;
    const ast = asterisk.find((a) => a.code === code)!;
    expect(fs.sip).toBe(code);
    expect(fs).toMatchObject({ progress: true, farEndResponded: true, ringTimeoutHit: false });
    expect({ code, fs: parityResult(fs), asterisk: parityResult(ast) }).toEqual({ code, fs: sipDefault(code), asterisk: sipDefault(code) });
  });
});
