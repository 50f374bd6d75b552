/**
 * The ESL originate text, read back by a model of FreeSWITCH's own parser
 * (test/helpers/fs-originate.ts): contact data stays in `dialerd_var_*`, every value round-trips,
 * nothing can add, drop or override a variable, and nothing breaks the ESL command line.
 */
import { describe, expect, it } from 'vitest';
import { hangupHook } from '../../src/pbx/esl/memory.ts';
import { channelUuidOf, originateCommand } from '../../src/pbx/esl/originate.ts';
import type { DialRequest } from '../../src/pbx/port.ts';
import { mulberry32 } from '../../src/lib/prng.ts';
import { parseOriginateArgs } from '../helpers/fs-originate.ts';

const req = (over: Partial<DialRequest> = {}): DialRequest => ({
  dialId: '0b8e5a36-7c0e-4c4f-9a51-5b0e2d9d7a11',
  campaign: 'spring',
  record: 'r-17',
  number: '+74951234567',
  endpoint: 'sofia/gateway/carrier-a/+74951234567',
  callerId: '+74950000000',
  ringTimeoutSeconds: 30,
  vars: {},
  amd: { enabled: false, params: {} },
  onAnswer: { context: 'dialerd', extension: '', priority: 1 },
  ...over,
});

/** What FreeSWITCH would set, as a map (a repeated name would show as a count mismatch). */
function fsRead(cmd: string): { vars: Map<string, string>; names: string[]; endpoint: string; rest: string[] } {
  expect(cmd.startsWith('originate ')).toBe(true);
  const p = parseOriginateArgs(cmd.slice('originate '.length));
  if (p === null) throw new Error(`FreeSWITCH would refuse: ${cmd}`);
  return { vars: new Map(p.vars), names: p.vars.map(([k]) => k), endpoint: p.endpoint, rest: p.rest };
}

/** The documented replacements (README "Contact variables"): controls stripped, braces → parens. */
const expected = (v: string): string =>
  v
    .replace(/\r\n|[\t\n\v\f\r\u2028\u2029]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\{/g, '(')
    .replace(/\}/g, ')');

describe('originate command', () => {
  it('puts our dial id in origination_uuid and parks without an extension', () => {
    const r = fsRead(originateCommand(req()));
    expect([...r.vars]).toEqual([
      ['origination_uuid', req().dialId],
      ['dialerd_dial', req().dialId],
      ['dialerd_campaign', 'spring'],
      ['dialerd_record', 'r-17'],
      ['ignore_early_media', 'true'],
      ['originate_timeout', '30'],
      ['origination_caller_id_number', '+74950000000'],
      ['origination_nested_vars', 'true'],
      ['api_hangup_hook', hangupHook(req().dialId)],
    ]);
    expect(r.endpoint).toBe('sofia/gateway/carrier-a/+74951234567');
    expect(r.rest).toEqual(['&park()']);
  });

  it('routes to the extension and sends contact variables only as dialerd_var_<name>', () => {
    const cmd = originateCommand(
      req({
        onAnswer: { context: 'dialerd', extension: 'dialerd_amd', priority: 1 },
        amd: { enabled: true, params: { total_analysis_time: 5000 } },
        vars: { name: 'Ivan Petrov', debt: '1,200', origination_uuid: 'evil', 'bad key': 'x', Mixed_Case: "O'Brien" },
      }),
    );
    const r = fsRead(cmd);
    expect(r.endpoint).toBe('sofia/gateway/carrier-a/+74951234567');
    expect(r.rest).toEqual(['dialerd_amd', 'XML', 'dialerd']);
    expect(Object.fromEntries(r.vars)).toMatchObject({
      origination_uuid: req().dialId,
      dialerd_amd: 'true',
      dialerd_amd_total_analysis_time: '5000',
      dialerd_var_name: 'Ivan Petrov',
      dialerd_var_debt: '1,200',
      dialerd_var_origination_uuid: 'evil',
      dialerd_var_Mixed_Case: "O'Brien",
    });
    expect(r.names.filter((n) => n.includes('bad'))).toEqual([]);
    expect(new Set(r.names).size).toBe(r.names.length);
  });

  it('hostile contact columns reach FreeSWITCH only namespaced; the guard variables stay ours', () => {
    const vars = {
      api_hangup_hook: 'system touch /tmp/x',
      execute_on_answer: 'bridge sofia/gateway/carrier-a/+19005550100',
      origination_caller_id_number: '+15555550123',
      leg_timeout: '1',
      'sip_h_X-Foo': 'bar',
      'CALLERID(num)': '666',
      dialerd_dial: 'not-ours',
    };
    const r = fsRead(originateCommand(req({ vars })));
    const unprefixed = r.names.filter((n) => !n.startsWith('dialerd_var_'));
    expect(unprefixed).toEqual(['origination_uuid', 'dialerd_dial', 'dialerd_campaign', 'dialerd_record', 'ignore_early_media', 'originate_timeout', 'origination_caller_id_number', 'origination_nested_vars', 'api_hangup_hook']);
    expect(r.vars.get('origination_uuid')).toBe(req().dialId);
    expect(r.vars.get('api_hangup_hook')).toBe(hangupHook(req().dialId));
    expect(r.vars.get('dialerd_dial')).toBe(req().dialId);
    expect(r.vars.get('origination_caller_id_number')).toBe('+74950000000');
    expect(r.vars.get('dialerd_var_api_hangup_hook')).toBe('system touch /tmp/x');
    expect(r.vars.get('dialerd_var_dialerd_dial')).toBe('not-ours');
    expect(r.names.filter((n) => n.startsWith('dialerd_var_')).sort()).toEqual(
      ['dialerd_var_api_hangup_hook', 'dialerd_var_dialerd_dial', 'dialerd_var_execute_on_answer', 'dialerd_var_leg_timeout', 'dialerd_var_origination_caller_id_number'],
    );
  });

  it('a trailing backslash in the record id does not swallow the next variable', () => {
    const r = fsRead(originateCommand(req({ record: 'R\\' })));
    expect(r.vars.get('dialerd_record')).toBe('R\\');
    expect(r.vars.get('ignore_early_media')).toBe('true');
  });

  it('no newline or other control character reaches the ESL line; braces become parens', () => {
    const cmd = originateCommand(req({ record: 'a\nbgapi system x\n\n', vars: { note: 'x\r\ny\u0000z\u202e}{' } }));
    expect(cmd).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    const r = fsRead(cmd);
    expect(r.vars.get('dialerd_record')).toBe('a bgapi system x  ');
    expect(r.vars.get('dialerd_var_note')).toBe('x yz)(');
  });
});

describe('originate command fuzz (FreeSWITCH splitter model)', () => {
  const PIECES = [',', "'", '"', '\\', '{', '}', ' ', '  ', '=', '^^', '^^:', '^', '$', '${', '$${x}', '\\s', '\\n', '\\,', "\\'", '\\\\', 'n', 's', 'a', 'Z', '0', '_', ':', '|', '&', '(', ')', '[', ']', '<', '>', ';', 'é', 'Я', '😀', '\u202e', '\u200f', '\u0000', '\t', '\n', '\r', '\u007f', '\u0085', 'origination_uuid=x', 'origination_nested_vars=true'];
  const NAME_CHARS = 'abcXYZ019_';

  it('every value of 3000 random dials round-trips; no variable appears, vanishes or repeats', () => {
    const rnd = mulberry32(20261130);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const text = (max: number): string => Array.from({ length: Math.floor(rnd() * max) }, () => pick(PIECES)).join('');
    const name = (): string => Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => pick([...NAME_CHARS])).join('');
    for (let i = 0; i < 3000; i++) {
      const vars: Record<string, string> = {};
      for (let k = Math.floor(rnd() * 8); k > 0; k--) vars[rnd() < 0.1 ? text(4) : name()] = text(12);
      const r0 = req({ record: text(10) || 'r', campaign: text(4) || 'c', callerId: rnd() < 0.5 ? null : text(6) || null, vars });
      const cmd = originateCommand(r0);
      expect(`bgapi ${cmd}`, cmd).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      const r = fsRead(cmd);
      expect(r.endpoint).toBe(r0.endpoint);
      expect(r.rest).toEqual(['&park()']);
      expect(new Set(r.names).size, cmd).toBe(r.names.length);

      const want = new Map<string, string>([
        ['origination_uuid', channelUuidOf(r0.dialId)],
        ['dialerd_dial', r0.dialId],
        ['dialerd_campaign', expected(r0.campaign)],
        ['dialerd_record', expected(r0.record)],
        ['ignore_early_media', 'true'],
        ['originate_timeout', '30'],
      ]);
      if (r0.callerId) want.set('origination_caller_id_number', expected(r0.callerId));
      want.set('origination_nested_vars', 'true');
      want.set('api_hangup_hook', hangupHook(channelUuidOf(r0.dialId)));
      const seen = new Set<string>();
      for (const [k, v] of Object.entries(vars)) {
        if (!/^[A-Za-z0-9_]{1,64}$/.test(k) || seen.has(k.toLowerCase())) continue;
        seen.add(k.toLowerCase());
        want.set(`dialerd_var_${k}`, expected(v));
      }
      for (const [k, v] of want) if (v === '') want.delete(k); // FreeSWITCH sets nothing for `a=`
      expect(r.vars, cmd).toEqual(want);
    }
  });
});
