/**
 * The parity table (issue 11): every final 4xx/5xx/6xx answer a SIPp carrier sends, dialled
 * through each real switch; the result dialerd gives must be the same on Asterisk and FreeSWITCH
 * (and equal to what src/domain/results.ts says of the SIP code alone). The Asterisk suite records
 * what Asterisk 22 reported into test/fixtures/parity-asterisk.json (DIALERD_RECORD_PARITY=1) and
 * checks that it still reports that; the FreeSWITCH suite dials the same codes and compares.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mapResult } from '../../../src/domain/results.ts';
import type { RawFacts, Result } from '../../../src/domain/types.ts';
import type { Branch } from './sipp-carrier.ts';

/**
 * Every code IANA registers from 400 to 699, and one unregistered code per class (499, 599, 699)
 * plus 650: they must follow their class's x00.
 */
export const PARITY_CODES: readonly number[] = [
  400, 401, 402, 403, 404, 405, 406, 407, 408, 410, 412, 413, 414, 415, 416, 417, 420, 421, 422, 423,
  424, 428, 429, 430, 433, 436, 437, 438, 439, 440, 469, 470, 480, 481, 482, 483, 484, 485, 486, 487,
  488, 489, 491, 493, 494, 499, 500, 501, 502, 503, 504, 505, 513, 555, 580, 599, 600, 603, 604, 606,
  607, 608, 650, 699,
];

/**
 * Codes left out, with the reason. 1xx/2xx are not failures; 3xx are redirects that a switch may
 * follow (not a final answer to us); 411 Length Required and 409/418/419... are not registered for
 * INVITE at all.
 */
export const PARITY_EXCLUDED: Readonly<Record<string, string>> = {
  '1xx, 2xx': 'not a final failure: provisional or answered',
  '3xx': 'redirects: the switch may follow the Contact (its own policy), so there is no final answer to compare',
};

/** The carrier branch for one code: the dialled number ends in the code itself. */
export const parityBranch = (code: number): Branch => ({ suffix: String(code), kind: 'reject', code, reason: 'Parity Test' });

/** The carrier's branches: one per code, plus an answer and a ring branch never dialled (SIPp refuses a scenario whose variables go unused). */
export const parityBranches = (): Branch[] => [
  ...PARITY_CODES.map(parityBranch),
  { suffix: '200', kind: 'answer', holdMs: 1000 },
  { suffix: '100', kind: 'ring' },
];

export const parityNumber = (code: number): string => `+1555000${code}`;

/** What one switch reported for one code, as the fixture keeps it. */
export interface ParityFacts {
  code: number;
  q850: number | null;
  sip: number | null;
  causeName: string | null;
  progress: boolean | null;
  farEndResponded: boolean | null;
  ringTimeoutHit: boolean;
}

export const FIXTURE = new URL('../../fixtures/parity-asterisk.json', import.meta.url);

export function parityFacts(code: number, f: RawFacts): ParityFacts {
  return { code, q850: f.q850, sip: f.sip, causeName: f.causeName, progress: f.progress ?? null, farEndResponded: f.farEndResponded ?? null, ringTimeoutHit: f.ringTimeoutHit };
}

export function parityResult(f: ParityFacts): Result {
  const raw: RawFacts = {
    answered: false, ringSeconds: 0.3, talkSeconds: 0, q850: f.q850, sip: f.sip, causeName: f.causeName, amdStatus: null,
    amdCause: null, ringTimeoutHit: f.ringTimeoutHit, cancelledByUs: false, progress: f.progress, farEndResponded: f.farEndResponded,
  };
  return mapResult(raw, { shortCallSeconds: 2, overrides: { sip: {}, q850: {} } }).result;
}

export const readAsteriskParity = (): ParityFacts[] => JSON.parse(readFileSync(FIXTURE, 'utf8')) as ParityFacts[];
export const writeAsteriskParity = (rows: ParityFacts[]): void =>
  writeFileSync(FIXTURE, `[\n${rows.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]\n`);

/** The table the suite prints and the README reproduces. */
export function parityTable(rows: { code: number; ast: ParityFacts; fs: ParityFacts }[]): string {
  const lines = rows.map(({ code, ast, fs }) =>
    `| ${code} | ${ast.q850 ?? ''} | ${fs.causeName ?? ''} (${fs.q850 ?? ''}) | \`${parityResult(ast)}\` | \`${parityResult(fs)}\` |`);
  return ['| SIP | Asterisk 22 cause | FreeSWITCH 1.10.12 cause | result on Asterisk | result on FreeSWITCH |', '|---|---|---|---|---|', ...lines].join('\n');
}
