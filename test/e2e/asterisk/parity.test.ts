/**
 * The parity table, Asterisk side: every code of test/e2e/shared/parity.ts through the ARI adapter
 * on the real Asterisk. Its facts must be the ones recorded in test/fixtures/parity-asterisk.json
 * (which the FreeSWITCH suite compares with; DIALERD_RECORD_PARITY=1 rewrites it), and the result
 * must be the SIP code's own.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipDefault } from '../../../src/domain/results.ts';
import type { PbxAdapter } from '../../../src/pbx/port.ts';
import { Collector } from '../shared/collector.ts';
import { PARITY_CODES, parityBranches, parityFacts, parityNumber, parityResult, readAsteriskParity, writeAsteriskParity, type ParityFacts } from '../shared/parity.ts';
import { carrierScenario } from '../shared/sipp-carrier.ts';
import { dialRequest, newAdapter } from './fixtures.ts';
import { endpointAt, startSipp, until, type Sipp } from './harness.ts';

const PORT = 15095;

describe('parity: every final SIP failure through the real Asterisk', () => {
  let adapter: PbxAdapter;
  let col: Collector;
  let carrier: Sipp;
  const got: ParityFacts[] = [];

  beforeAll(async () => {
    carrier = await startSipp('parity', carrierScenario(parityBranches()), PORT, 300);
    adapter = newAdapter('parity');
    col = new Collector(adapter);
    await adapter.start();
    await until(() => adapter.status() === 'up', 'ARI up', 10_000);
    const ids = await Promise.all(PARITY_CODES.map(async (code) => {
      const req = dialRequest(endpointAt(PORT, parityNumber(code)), { number: parityNumber(code), ringTimeoutSeconds: 10 });
      col.started.set(req.dialId, Date.now());
      await adapter.originate(req);
      return req.dialId;
    }));
    await Promise.all(ids.map((id) => col.waitEnded(id, 40_000)));
    PARITY_CODES.forEach((code, i) => got.push(parityFacts(code, col.raw(ids[i]!))));
    if (process.env.DIALERD_RECORD_PARITY === '1') writeAsteriskParity(got);
  });

  afterAll(async () => {
    await adapter?.stop();
    await carrier?.stop();
  });

  // A dead carrier (issue 11): Asterisk ignores the ICMP refusal of a closed port and retransmits
  // the INVITE, exactly as to a host that never answers; both ring out our timer with no ringing.
  it.each([
    ['port closed', 15097, false],
    ['host silent (blackhole)', 15096, true],
  ] as const)('a carrier %s is error', async (_label, port, bind) => {
    const hole = dgram.createSocket('udp4');
    if (bind) await new Promise<void>((r) => hole.bind(port, '127.0.0.1', () => r()));
    try {
      const req = dialRequest(endpointAt(port, '+15550001000'), { ringTimeoutSeconds: 3 });
      col.started.set(req.dialId, Date.now());
      await adapter.originate(req);
      await col.waitEnded(req.dialId, 15_000);
      const f = col.raw(req.dialId);
      expect(f).toMatchObject({ answered: false, progress: false, ringTimeoutHit: true });
      expect(parityResult(parityFacts(0, f))).toBe('error');
    } finally {
      hole.close();
    }
  });

  it('reports what test/fixtures/parity-asterisk.json recorded', () => {
    expect(got).toEqual(readAsteriskParity());
  });

  it.each(PARITY_CODES.map((c) => [c]))('SIP %i: the result is the SIP code\'s own', (code) => {
    const f = got.find((g) => g.code === code)!;
    expect(f.sip).toBe(code);
    expect(parityResult(f)).toBe(sipDefault(code));
  });
});
