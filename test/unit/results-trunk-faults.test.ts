/**
 * Our trunk's faults (401/402/403/407) from the real switches' own facts: the Asterisk 22 matrix
 * and the FreeSWITCH 1.10.12 captures, through the adapters' fact mapping and domain/results.
 */
import { describe, expect, it } from 'vitest';
import { mapResult } from '../../src/domain/results.ts';
import type { RawFacts, Result } from '../../src/domain/types.ts';
import { factsFromHangup, factsFromJobError } from '../../src/pbx/esl/mapping.ts';
import type { EndFacts } from '../../src/pbx/port.ts';
import { ASTERISK_MATRIX, matrixFacts } from '../fixtures/asterisk-matrix.ts';
import { FS_TRUNK_FAULTS } from '../fixtures/freeswitch/trunk-faults.ts';

const OPTS = { shortCallSeconds: 10, overrides: { sip: {}, q850: {} } };

const raw = (f: EndFacts): RawFacts => ({
  answered: false, ringSeconds: 0.5, talkSeconds: 0, q850: f.q850, sip: f.sip, causeName: f.causeName,
  amdStatus: null, amdCause: null, ringTimeoutHit: f.ringTimeoutHit, cancelledByUs: false, originateFailed: f.originateFailed,
  progress: f.progress, farEndResponded: f.farEndResponded,
});

describe('trunk faults on the real switches', () => {
  it('Asterisk 22: 403 Forbidden (cause 21, tech_cause 403) is trunk_rejected', () => {
    const row = ASTERISK_MATRIX.find((r) => r.label === 'r403')!;
    expect(mapResult(matrixFacts(row), OPTS).result).toBe('trunk_rejected');
  });

  it.each([
    ['r401', 401, 'trunk_rejected'],
    ['r402', 402, 'insufficient_funds'],
    ['r403', 403, 'trunk_rejected'],
    ['r407', 407, 'trunk_rejected'],
    ['r603', 603, 'rejected'],
  ] as const)('FreeSWITCH %s: CHANNEL_HANGUP_COMPLETE gives SIP %i and %s', (label, sip, expected: Result) => {
    const c = FS_TRUNK_FAULTS.find((x) => x.label === label)!;
    const f = factsFromHangup(c.hangup, false, 0);
    expect(f.sip).toBe(sip);
    expect(f.originateFailed).toBe(false);
    expect(mapResult(raw(f), OPTS).result).toBe(expected);
  });

  it('FreeSWITCH 401/407 without a challenge: no sip_invite_failure_status, the SIP code comes from sip_term_status', () => {
    for (const label of ['r401', 'r407']) {
      const ev = FS_TRUNK_FAULTS.find((x) => x.label === label)!.hangup;
      expect(ev['variable_sip_invite_failure_status']).toBeUndefined();
      const { variable_sip_term_status: _, ...withoutTerm } = ev;
      // proto_specific_hangup_cause (sip:401) alone still tells the code
      expect(factsFromHangup(withoutTerm, false, 0).sip).toBe(Number(label.slice(1)));
    }
  });

  it('only the bgapi job known after the channel rang (-ERR CALL_REJECTED, hangup event lost): no SIP code, so rejected, never a guessed trunk fault', () => {
    for (const c of FS_TRUNK_FAULTS) {
      const f = factsFromJobError('CALL_REJECTED', c.job, true);
      expect(f.sip).toBeNull();
      expect(mapResult(raw(f), OPTS).result).toBe('rejected');
    }
  });
});
