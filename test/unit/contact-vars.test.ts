/**
 * Contact data never steers the PBX (issue 8, High 1): hostile CSV columns are imported as
 * plain variables or skipped with a warning, and reach FreeSWITCH / Asterisk only under
 * dialerd's prefix; values lose their control characters; per-record limits hold.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importContacts } from '../../src/contacts/import.ts';
import type { DialRecord } from '../../src/domain/types.ts';
import { cleanVarValue, dialVars, MAX_VAR_VALUE_LENGTH, MAX_VARS_PER_RECORD, varsError } from '../../src/domain/vars.ts';
import { simulate } from '../../src/engine/simulation.ts';
import { originateBody } from '../../src/pbx/ari/originate.ts';
import { originateCommand } from '../../src/pbx/esl/originate.ts';
import type { DialRequest } from '../../src/pbx/port.ts';
import { parseOriginateArgs } from '../helpers/fs-originate.ts';
import { makeRecord, makeSpec } from '../helpers/spec.ts';

const dir = mkdtempSync(join(tmpdir(), 'dialerd-vars-'));
let n = 0;
async function load(text: string) {
  const file = join(dir, `c${n++}.csv`);
  writeFileSync(file, text);
  const records: DialRecord[] = [];
  const report = await importContacts({ file, region: 'RU', campaign: 'demo', now: 0 }, async (b) => void records.push(...b));
  return { records, report, messages: report.problems.map((p) => `${p.line}: ${p.message}`) };
}

const request = (vars: Record<string, string>): DialRequest => ({
  dialId: '0b8e5a36-7c0e-4c4f-9a51-5b0e2d9d7a11',
  campaign: 'demo',
  record: 'A1',
  number: '+74951234567',
  endpoint: 'sofia/gateway/carrier-a/+74951234567',
  callerId: '+74950000000',
  ringTimeoutSeconds: 30,
  vars: dialVars(vars),
  amd: { enabled: true, params: { total_analysis_time: 5000 } },
  onAnswer: { context: 'dialerd', extension: 's', priority: 1 },
});

const HOSTILE =
  'id,phone,api_hangup_hook,execute_on_answer,origination_caller_id_number,sip_h_X-Foo,CALLERID(num),name\n' +
  'A1,+74951234567,system touch /tmp/x,bridge sofia/gateway/carrier-a/+19005550100,+15555550123,evil,666,Ivan\n';

describe('hostile contact columns', () => {
  it('import skips names outside [A-Za-z0-9_] with a warning naming them; the rest are plain variables', async () => {
    const { records, messages } = await load(HOSTILE);
    expect(records[0]!.vars).toEqual({
      api_hangup_hook: 'system touch /tmp/x',
      execute_on_answer: 'bridge sofia/gateway/carrier-a/+19005550100',
      origination_caller_id_number: '+15555550123',
      name: 'Ivan',
    });
    expect(messages).toContain('1: column "sip_h_X-Foo" is not a variable name ([A-Za-z0-9_], 1–64); skipped');
    expect(messages).toContain('1: column "CALLERID(num)" is not a variable name ([A-Za-z0-9_], 1–64); skipped');
  });

  it('FreeSWITCH sees them only as dialerd_var_<name>; origination_uuid, dialerd_dial and the caller id stay ours', async () => {
    const { records } = await load(HOSTILE);
    const req = request(records[0]!.vars);
    const p = parseOriginateArgs(originateCommand(req).slice('originate '.length))!;
    const vars = new Map(p.vars);
    expect(p.vars.map(([k]) => k).filter((k) => !k.startsWith('dialerd_'))).toEqual(['origination_uuid', 'ignore_early_media', 'originate_timeout', 'origination_caller_id_number', 'origination_nested_vars', 'api_hangup_hook']);
    expect(vars.get('origination_uuid')).toBe(req.dialId);
    expect(vars.get('dialerd_dial')).toBe(req.dialId);
    expect(vars.get('origination_caller_id_number')).toBe('+74950000000');
    expect(vars.get('dialerd_var_api_hangup_hook')).toBe('system touch /tmp/x');
    expect(vars.get('dialerd_var_origination_caller_id_number')).toBe('+15555550123');
    expect(p.rest).toEqual(['s', 'XML', 'dialerd']);
  });

  it('Asterisk gets DIALERD_VAR_<NAME> only, even for a body that bypassed the import', () => {
    const req = request({ api_hangup_hook: 'x', name: 'Ivan', 'CALLERID(num)': '666', 'CHANNEL(hangup_handler_push)': 'h', 'PJSIP_HEADER(add,X-Foo)': 'y', DIALERD_DIAL: 'not-ours' });
    const { query, body } = originateBody({ ...req, vars: { ...req.vars, 'CALLERID(num)': '666' } }, 'dialerd');
    expect((body as { variables: Record<string, string> }).variables).toEqual({
      DIALERD_VAR_API_HANGUP_HOOK: 'x',
      DIALERD_VAR_NAME: 'Ivan',
      DIALERD_VAR_DIALERD_DIAL: 'not-ours',
      DIALERD_APP: 'dialerd',
      DIALERD_DIAL: req.dialId,
      DIALERD_ON_CONTEXT: 'dialerd',
      DIALERD_ON_EXTEN: 's',
      DIALERD_ON_PRIORITY: '1',
      DIALERD_AMD: '1',
      AMD_PARAMS: ',,,5000',
      // ours, whatever the contact row said under that name
      'CHANNEL(hangup_handler_push)': 'dialerd-end,s,1',
    });
    expect(query.callerId).toBe('+74950000000');
  });
});

describe('variable values', () => {
  it('control characters are stripped: tab/CR/LF/CRLF become a space; NUL, C0, DEL, C1 and bidi controls go', () => {
    expect(cleanVarValue('a\tb\r\nc\nd')).toEqual({ value: 'a b c d', controls: 3, truncated: false });
    expect(cleanVarValue('\u0000x\u0007\u001b[31m\u007f\u0085\u009b\u202eevil\u202a\u2066\u2069\u200e\u200f\u061cy').value).toBe('x[31mevily');
    expect(cleanVarValue('Пётр 😀 O\'Brien, "x" {y}').controls).toBe(0);
  });

  it('a CSV import strips them, counts them and says where; a long value is cut with a warning', async () => {
    const long = 'x'.repeat(MAX_VAR_VALUE_LENGTH + 5);
    const { records, report, messages } = await load(`id,phone,name,note\nA1,+74951234567,"Iv\u0000an\u202e",${long}\n`);
    expect(records[0]!.vars).toEqual({ name: 'Ivan', note: 'x'.repeat(MAX_VAR_VALUE_LENGTH) });
    expect(report).toMatchObject({ varsStripped: 1, varsTruncated: 1 });
    expect(messages).toContain('2: record "A1": column "name": 2 control character(s) stripped');
    expect(messages).toContain(`2: record "A1": column "note": value cut to ${MAX_VAR_VALUE_LENGTH} characters`);
  });

  it('the length limit counts characters, not UTF-16 units, and never splits one', () => {
    const v = cleanVarValue('😀'.repeat(MAX_VAR_VALUE_LENGTH + 1)).value;
    expect(Array.from(v)).toHaveLength(MAX_VAR_VALUE_LENGTH);
    expect(v.endsWith('😀')).toBe(true);
  });
});

describe('per-record limits', () => {
  it(`a CSV keeps the first ${MAX_VARS_PER_RECORD} variable columns and names the skipped ones`, async () => {
    const names = Array.from({ length: MAX_VARS_PER_RECORD + 2 }, (_, i) => `v${i}`);
    const { records, messages } = await load(`id,phone,${names.join(',')}\nA1,+74951234567,${names.join(',')}\n`);
    expect(Object.keys(records[0]!.vars)).toHaveLength(MAX_VARS_PER_RECORD);
    expect(messages).toContain(`1: column "v${MAX_VARS_PER_RECORD}": more than ${MAX_VARS_PER_RECORD} variable columns; skipped`);
  });

  it('varsError names the first bad key (the API answers 400 with it)', () => {
    expect(varsError({ name: 'x', amount: '1' })).toBeNull();
    expect(varsError({ 'sip_h_X-Foo': 'x' })).toBe('variable name "sip_h_X-Foo" is not [A-Za-z0-9_]{1,64}');
    expect(varsError({ name: 'a', NAME: 'b' })).toBe('variables "name" and "NAME" differ only in case');
    expect(varsError({ note: 'x'.repeat(MAX_VAR_VALUE_LENGTH + 1) })).toBe(`variable "note": value of ${MAX_VAR_VALUE_LENGTH + 1} characters; at most ${MAX_VAR_VALUE_LENGTH}`);
    expect(varsError(Object.fromEntries(Array.from({ length: MAX_VARS_PER_RECORD + 1 }, (_, i) => [`v${i}`, ''])))).toBe(`${MAX_VARS_PER_RECORD + 1} variables; at most ${MAX_VARS_PER_RECORD}`);
  });
});

describe('the campaign allow-list (variables:)', () => {
  it('dialVars keeps only listed names, matched ignoring case, and drops invalid names', () => {
    expect(dialVars({ Name: 'Ivan', amount: '5', secret: 's', 'CALLERID(num)': '1' }, ['name', 'AMOUNT'])).toEqual({ Name: 'Ivan', amount: '5' });
    expect(dialVars({ Name: 'Ivan', 'CALLERID(num)': '1', NAME: 'dup' })).toEqual({ Name: 'Ivan' });
  });

  it('the engine sends only the listed variables to the PBX', async () => {
    const T0 = Date.UTC(2026, 11, 1, 6, 0);
    const rec = makeRecord('c1', 'r1', ['+79160000001'], T0, { name: 'Ivan', amount: '5', passport: '4510 123456' });
    const r = await simulate({ spec: makeSpec({ variables: ['name', 'amount'] }), records: [[rec]], dnc: { has: () => false }, zones: { zonesFor: () => [] }, from: T0 });
    expect(r.pbx.originated.map((o) => o.vars)).toEqual([{ name: 'Ivan', amount: '5' }]);
  });
});
