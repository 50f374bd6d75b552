import { describe, expect, it } from 'vitest';
import { mapResult } from '../../src/domain/results.ts';
import { ASTERISK_MATRIX, matrixFacts, type MatrixRow } from '../fixtures/asterisk-matrix.ts';

const none = { sip: {}, q850: {} };
const map = (row: MatrixRow, shortCallSeconds: number, over: Partial<ReturnType<typeof matrixFacts>> = {}) =>
  mapResult({ ...matrixFacts(row), ...over }, { shortCallSeconds, overrides: none });

/** A row where we hung up a call answered by a human (or an unsure AMD): `interrupted`. */
const cutAnswer = (row: MatrixRow): boolean => row.cancelledByUs && row.expected === 'answered';

describe('Asterisk 22 matrix (../shared/lab/asterisk/matrix.txt)', () => {
  it('keeps all 28 rows, each label once', () => {
    const labels = ASTERISK_MATRIX.map((r) => r.label);
    expect(labels).toHaveLength(28);
    expect(new Set(labels).size).toBe(28);
  });

  describe.each(ASTERISK_MATRIX.map((r) => [r.label, r] as const))('%s', (_label, row) => {
    it(`far end ${row.farEnd} → ${row.expected}${row.amdNotSure ? ' (AMD not sure)' : ''}`, () => {
      expect(map(row, 1)).toEqual({ result: row.expected, amdNotSure: row.amdNotSure, ...(cutAnswer(row) ? { interrupted: true } : {}) });
    });

    it('transcribes the recorded line faithfully', () => {
      expect(row.line.trim().startsWith(`${row.label}: `)).toBe(true);
      const d = /Destroyed\[cause=(\d+) tech=(\w+)[^\]]*\]@(\d+)ms/.exec(row.line);
      expect(d).not.toBeNull();
      expect(Number(d![1])).toBe(row.q850);
      expect(d![2] === 'None' ? null : Number(d![2])).toBe(row.sip);
      expect(Number(d![3])).toBe(row.endedAtMs);
      const amd = /StasisStart\['amd', '(\w+)', '([\w-]+)'\]/.exec(row.line);
      expect(amd ? { status: amd[1], cause: amd[2] } : null).toEqual(row.amd);
      expect(row.line.includes('State[Up]')).toBe(row.answeredAtMs !== null);
    });

    if (row.answeredAtMs !== null) {
      const talk = (row.endedAtMs - row.answeredAtMs) / 1000;

      it('is answered_short when the talk time is under short_call (machine/silence stay; a call we cut stays answered)', () => {
        const cut = cutAnswer(row) ? { interrupted: true } : {};
        const shortResult = row.expected === 'answered' && !cutAnswer(row) ? 'answered_short' : row.expected;
        expect(map(row, talk + 1)).toEqual({ result: shortResult, amdNotSure: row.amdNotSure, ...cut });
        expect(map(row, talk)).toEqual({ result: row.expected, amdNotSure: row.amdNotSure, ...cut });
      });

      it('hung up by us: a human (or unsure) answer is answered and interrupted at any length; machine and silence stay', () => {
        const own = map(row, 1, { cancelledByUs: false });
        const cut = map(row, talk + 1, { cancelledByUs: true });
        const human = own.result === 'answered' || own.result === 'answered_short';
        expect(cut).toEqual(human ? { result: 'answered', amdNotSure: own.amdNotSure, interrupted: true } : own);
      });
    }
  });
});
