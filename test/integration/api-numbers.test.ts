/**
 * POST /campaigns/:id/records reads numbers under the campaign's `numbers:` policy, as the CSV
 * import does (issue 9): the route passes the campaign's policy, not the default.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestDaemon, type TestDaemon } from './api-harness.ts';

let t: TestDaemon;

beforeAll(async () => {
  t = await startTestDaemon([
    { id: 'open', rows: [['o0', '+74953100001']], yaml: ['state: paused', 'numbers: { allow_types: [premium_rate], countries: [RU] }'] },
    { id: 'plain', rows: [['p0', '+74953100002']], yaml: ['state: paused'] },
  ]);
});

afterAll(async () => {
  await t?.stop();
});

const CONTACTS = [
  { id: 'us', phones: ['(312) 555-0147'] },
  { id: 'prem', phones: ['8 809 123-45-67'] },
  { id: 'kz', phones: ['+7 701 234 56 78'] },
  { id: 'a', phones: ['8 916 123-45-67'] },
  { id: 'b', phones: ['+7 (916) 123 45 67', '+7 916 000 00 01'] },
];

it("applies the campaign's number policy and dial_once within the request", async () => {
  const open = await t.http('POST', '/campaigns/open/records', CONTACTS);
  expect(open.status).toBe(200);
  expect(open.body).toMatchObject({ added: 5, valid: 3, invalid: 2, duplicateNumbers: 1 });
  expect(open.body.problems).toEqual([
    { index: 0, id: 'us', message: 'number not dialled, not_valid: "(312) 555-0147"' },
    { index: 2, id: 'kz', message: 'number not dialled, country: "+7 701 234 56 78" (KZ)' },
    { index: 4, id: 'b', message: 'number not dialled, duplicate: "+7 (916) 123 45 67" (+79161234567, contact 3 of this request)' },
  ]);
  const plain = await t.http('POST', '/campaigns/plain/records', CONTACTS);
  expect(plain.body).toMatchObject({ added: 5, valid: 3, invalid: 2, duplicateNumbers: 1 });
  expect(plain.body.problems.map((p: { id: string; message: string }) => `${p.id}: ${p.message}`)).toContain('prem: number not dialled, number_type: "8 809 123-45-67" (premium_rate)');
});
