import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../src/domain/rules.ts';
import { RULE_KEYS } from '../../src/domain/types.ts';
import { formatConfigError, loadCampaignFile } from '../../src/config/load-campaign.ts';

let dir: string;
let n = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialerd-config-'));
  await mkdir(join(dir, 'lists'));
  await writeFile(join(dir, 'c.csv'), 'id,phone\n1,+74951234567\n');
  await writeFile(join(dir, 'lists', 'dnc.txt'), '+74950000001\n');
});

const BASE = ['id: t1', 'state: running', 'trunk: carrier-a', 'contacts: { file: c.csv }'];

/** Writes `lines` to a fresh file; returns the file and every error formatted. */
async function load(lines: string[], opts: { trunks?: string[] } = {}) {
  const file = join(dir, `c${++n}.yaml`);
  await writeFile(file, lines.join('\n') + '\n');
  const r = await loadCampaignFile(file, opts);
  return { file, r, errors: r.ok ? [] : r.errors.map((e) => formatConfigError(e).slice(file.length + 1)) };
}

describe('loadCampaignFile: limits (daily budget)', () => {
  it('absent: no budget', async () => {
    const { r } = await load(BASE);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.limits).toEqual({ maxDialsPerDay: null, maxTalkSeconds: null, totalDials: null, totalTalkSeconds: null });
  });
  it('max_dials_per_day and max_talk_minutes (in seconds in the spec)', async () => {
    const { r } = await load([...BASE, 'limits: { max_dials_per_day: 500, max_talk_minutes: 90, total_dials: 9000, total_talk_minutes: 1000 }']);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.limits).toEqual({ maxDialsPerDay: 500, maxTalkSeconds: 5400, totalDials: 9000, totalTalkSeconds: 60_000 });
  });
  it('rejects a zero budget and unknown keys with file:line:col', async () => {
    const { errors } = await load([...BASE, 'limits: { max_dials_per_day: 0, max_talk_minute: 5 }']);
    expect(errors).toContain('5:30: limits.max_dials_per_day: 0 is out of range (must be >= 1)');
    expect(errors).toContain('5:33: limits: unknown key "max_talk_minute" (did you mean "max_talk_minutes"?)');
  });
});

describe('loadCampaignFile: variables (allow-list of contact columns)', () => {
  it('absent: every valid column is sent (null)', async () => {
    const { r } = await load(BASE);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.variables).toBeNull();
  });
  it('names are kept once, lowercased (matched ignoring case)', async () => {
    const { r } = await load([...BASE, 'variables: [name, Amount, NAME]']);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.variables).toEqual(['name', 'amount']);
  });
  it('rejects a name outside [A-Za-z0-9_] with file:line:col', async () => {
    const { errors } = await load([...BASE, 'variables: [name, "CALLERID(num)", sip_h_X-Foo]']);
    expect(errors).toEqual([
      '5:19: variables[1]: "CALLERID(num)" is not a variable name (letters, digits and _, at most 64, e.g. amount)',
      '5:36: variables[2]: "sip_h_X-Foo" is not a variable name (letters, digits and _, at most 64, e.g. amount)',
    ]);
  });
});

describe('loadCampaignFile: valid files', () => {
  it('fills every default into a frozen spec', async () => {
    const { r, file } = await load(BASE);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const s = r.spec;
    expect(s.name).toBe('t1');
    expect(s.contacts).toEqual({ file: join(dir, 'c.csv'), region: null });
    expect(s.source).toBe(file);
    expect(s.concurrency).toBe(1);
    expect(s.ringTimeoutSeconds).toBe(30);
    expect(s.callingHours).toBeNull();
    expect(s.startAt).toBeNull();
    expect(s.attempts).toEqual({
      perRecord: 1,
      perNumber: 1,
      shortCallSeconds: 0,
      technicalErrors: { firstDelaySeconds: 60, factor: 2, maxDelaySeconds: 3600, free: 9 },
    });
    expect(s.onAnswer).toEqual({ context: 'dialerd-answered', extension: 's', priority: 1 });
    expect(Object.keys(s.rules).sort()).toEqual([...RULE_KEYS].sort());
    expect(s.rules).toEqual(DEFAULT_RULES);
    expect(s.maxConsecutiveErrors).toBe(20);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.rules.busy.then)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RULES.busy.then)).toBe(false);
  });

  it('normalizes durations, instants, paths, rules and causes', async () => {
    const { r } = await load([
      'id: spring-reminders',
      'name: Spring',
      'state: scheduled',
      'start_at: 2026-12-01T09:00:00+03:00',
      'end_at: 2026-12-20T20:00:00',
      'trunk: carrier-a',
      'caller_id: "+74951234567"',
      'contacts: { file: ./c.csv, region: ru }',
      'dnc: [lists/dnc.txt]',
      'ring_timeout: 1m30s',
      'amd: { enabled: true, initial_silence: 2500 }',
      'on_answer: { context: ctx, extension: "100", priority: 2 }',
      'calling_hours:',
      '  timezone: Europe/Moscow',
      '  windows: [{ days: mon-fri, hours: "09:00-20:00" }, { days: fri-mon, hours: "22:00-02:00" }]',
      '  holidays: [2026-12-31]',
      'attempts: { per_record: 5, per_number: 3, short_call: 10s, technical_errors: { first_delay: 2m, free: 4 } }',
      'rules:',
      '  busy: { repeat: { times: 3, every: 5m }, then: { retry_after: 3h } }',
      '  no_answer: next_number',
      'causes: { sip: { 480: unreachable }, q850: { 31: no_answer } }',
      'complete_when_done: true',
    ]);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const s = r.spec;
    expect(s.startAt).toBe(Date.UTC(2026, 11, 1, 6, 0));
    // No offset: read in the campaign's zone (Moscow, UTC+3).
    expect(s.endAt).toBe(Date.UTC(2026, 11, 20, 17, 0));
    expect(s.contacts.region).toBe('RU');
    expect(s.dnc).toEqual([join(dir, 'lists', 'dnc.txt')]);
    expect(s.ringTimeoutSeconds).toBe(90);
    expect(s.amd).toEqual({ enabled: true, params: { initial_silence: 2500 } });
    expect(s.onAnswer).toEqual({ context: 'ctx', extension: '100', priority: 2 });
    expect(s.callingHours).toEqual({
      timezone: 'Europe/Moscow',
      subscriberLocalTime: false,
      windows: [
        { days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1200 },
        { days: [1, 5, 6, 7], startMinute: 1320, endMinute: 120 },
      ],
      holidays: ['2026-12-31'],
    });
    expect(s.attempts).toEqual({
      perRecord: 5,
      perNumber: 3,
      shortCallSeconds: 10,
      technicalErrors: { firstDelaySeconds: 120, factor: 2, maxDelaySeconds: 3600, free: 4 },
    });
    expect(s.rules.busy).toEqual({ repeat: { times: 3, everySeconds: 300 }, then: { kind: 'retry_after', seconds: 10800 } });
    expect(s.rules.no_answer).toEqual({ repeat: null, then: { kind: 'next_number' } });
    expect(s.rules.silence).toEqual(DEFAULT_RULES.silence);
    expect(s.causes).toEqual({ sip: { 480: 'unreachable' }, q850: { 31: 'no_answer' } });
    expect(s.completeWhenDone).toBe(true);
  });

  it('warns, without failing, about settings that are legal but likely mistakes', async () => {
    const { r, file } = await load(['id: t1', 'state: scheduled', 'trunk: a', 'contacts: { file: c.csv }', 'attempts: { per_record: 2, per_number: 3 }']);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.warnings.map(formatConfigError)).toEqual([
      `${file}:2:8: state: scheduled without start_at: it starts as soon as it is loaded`,
      `${file}:5:40: attempts.per_number: 3 is more than per_record (2); per_record wins`,
    ]);
  });

  it('accepts a trunk named in opts.trunks', async () => {
    const { r } = await load(BASE, { trunks: ['carrier-a'] });
    expect(r.ok).toBe(true);
  });
});

describe('loadCampaignFile: every error at its line:col', () => {
  const cases: [string, string[], string[]][] = [
    ['unknown key (the key)', [...BASE, 'concurency: 3'], ['5:1: unknown key "concurency" (did you mean "concurrency"?)']],
    ['nested unknown key', [...BASE, 'attempts:', '  per_recrod: 5'], ['6:3: attempts: unknown key "per_recrod" (did you mean "per_record"?)']],
    ['unknown key far from any', [...BASE, 'colour: red'], ['5:1: unknown key "colour"']],
    ['wrong type (the value)', [...BASE, 'concurrency: many'], ['5:14: concurrency: expected an integer, got "many"']],
    ['number where a string is meant', [...BASE, 'caller_id: +74951234567'], ['5:12: caller_id: expected a string, got 74951234567 (put it in quotes: "+74951234567")']],
    ['per_record below 1', [...BASE, 'attempts: { per_record: 0 }'], ['5:25: attempts.per_record: 0 is out of range (must be >= 1)']],
    ['per_record above 99', [...BASE, 'attempts: { per_record: 100 }'], ['5:25: attempts.per_record: 100 is out of range (must be <= 99)']],
    ['concurrency 0', [...BASE, 'concurrency: 0'], ['5:14: concurrency: 0 is out of range (must be >= 1)']],
    ['calls_per_second 0', [...BASE, 'calls_per_second: 0'], ['5:19: calls_per_second: 0 is out of range (must be > 0)']],
    ['state', [...BASE.slice(0, 1), 'state: runing', ...BASE.slice(2)], ['2:8: state: "runing" is not one of draft, scheduled, running, paused, completed (did you mean "running"?)']],
    ['unknown result in rules', [...BASE, 'rules:', '  bussy: done'], ['6:3: rules.bussy: unknown result "bussy" (did you mean "busy"?)']],
    ['unknown result in causes', [...BASE, 'causes: { sip: { 480: unreachabel } }'], ['5:23: causes.sip.480: unknown result "unreachabel" (did you mean "unreachable"?)']],
    ['not a SIP code', [...BASE, 'causes: { sip: { 48: busy } }'], ['5:18: causes.sip: "48" is not a SIP response code (100-699)']],
    ['not a Q.850 code', [...BASE, 'causes: { q850: { 200: busy } }'], ['5:19: causes.q850: "200" is not a Q.850 cause code (0-127)']],
    ['bad duration', [...BASE, 'ring_timeout: 30 sec'], ['5:15: ring_timeout: "30 sec" is not a duration (use e.g. 30s, 10m, 1h, 1d or 1h30m)']],
    ['number for a duration', [...BASE, 'ring_timeout: 30'], ['5:15: ring_timeout: expected a duration such as 30s, 10m, 1h, got 30']],
    ['bad duration in a rule', [...BASE, 'rules:', '  busy: { retry_after: 1hour }'], ['6:24: rules.busy.retry_after: "1hour" is not a duration (use e.g. 30s, 10m, 1h, 1d or 1h30m)']],
    ['unknown action', [...BASE, 'rules:', '  busy: stop_numbr'], ['6:9: rules.busy: unknown action "stop_numbr" (did you mean "stop_number"?)']],
    ['bare retry_after', [...BASE, 'rules:', '  busy: retry_after'], ['6:9: rules.busy: unknown action "retry_after" (write it as { retry_after: 1h })']],
    ['repeat without then', [...BASE, 'rules:', '  busy:', '    repeat: { times: 2, every: 5m }'], ['6:3: rules.busy: missing required key "then" (the action after the repeats)']],
    ['repeat with a typo', [...BASE, 'rules:', '  busy: { repeat: { times: 2, evry: 5m }, then: done }'], ['6:11: rules.busy.repeat: missing required key "every"', '6:31: rules.busy.repeat: unknown key "evry" (did you mean "every"?)']],
    ['bad time zone', [...BASE, 'calling_hours:', '  timezone: Europe/Moskow', '  windows: [{ days: mon, hours: "09:00-18:00" }]'], ['6:13: calling_hours.timezone: unknown time zone "Europe/Moskow" (did you mean "Europe/Moscow"?)']],
    [
      'days and hours that do not parse',
      [...BASE, 'calling_hours:', '  timezone: UTC', '  windows:', '    - { days: mon-fry, hours: "09:00-18:00" }', '    - { days: sat, hours: "9am-5pm" }'],
      ['8:15: calling_hours.windows[0].days: "mon-fry" is not a set of days (e.g. mon-fri, sat, mon,wed,fri, fri-mon, daily)', '9:27: calling_hours.windows[1].hours: "9am-5pm" is not a time range (e.g. 09:00-20:00, 22:00-02:00, 00:00-24:00)'],
    ],
    ['no windows', [...BASE, 'calling_hours: { timezone: UTC, windows: [] }'], ['5:42: calling_hours.windows: must not be empty']],
    ['holiday that is no date', [...BASE, 'calling_hours: { timezone: UTC, windows: [{ days: mon, hours: "09:00-10:00" }], holidays: [2026-02-30] }'], ['5:92: calling_hours.holidays[0]: "2026-02-30" is not a real date']],
    ['unknown region', [...BASE.slice(0, 3), 'contacts: { file: c.csv, region: XX }'], ['4:34: contacts.region: unknown region "XX" (an ISO 3166 country code such as RU or US)']],
    ['id pattern', ['id: Spring_Reminders', ...BASE.slice(1)], ['1:5: id: "Spring_Reminders" is not a valid id (lowercase letters, digits and single dashes, e.g. spring-reminders)']],
    ['end_at before start_at', [...BASE, 'start_at: 2026-12-20T09:00:00Z', 'end_at: 2026-12-01T09:00:00Z'], ['6:9: end_at: end_at (2026-12-01T09:00:00Z) is not after start_at (2026-12-20T09:00:00Z)']],
    ['instant that does not parse', [...BASE, 'start_at: next monday'], ['5:11: start_at: "next monday" is not a date and time (ISO 8601, e.g. 2026-12-01T09:00:00+03:00)']],
    ['missing contacts file', [...BASE.slice(0, 3), 'contacts: { file: nope.csv }'], [`4:19: contacts.file: contacts file not found: ${'DIR'}/nope.csv`]],
    ['missing dnc file', [...BASE, 'dnc: [lists/dnc.txt, lists/none.txt]'], [`5:22: dnc[1]: DNC file not found: ${'DIR'}/lists/none.txt`]],
    ['missing key: at the parent', [...BASE.slice(0, 3), 'contacts: { region: RU }'], ['4:1: contacts: missing required key "file"']],
    ['missing top-level key: at the document', ['# a comment', ...BASE.slice(0, 2), ...BASE.slice(3)], ['2:1: missing required key "trunk"']],
    ['empty file', ['# nothing here'], ['1:1: the file is empty (expected a mapping of settings)']],
    ['not a mapping at all', ['- just', '- a list'], ['1:1: expected a mapping, got a list']],
  ];
  for (const [name, lines, expected] of cases) {
    it(name, async () => {
      const { r, errors } = await load(lines);
      expect(r.ok).toBe(false);
      expect(errors).toEqual(expected.map((e) => e.replace('DIR', dir)));
    });
  }

  it('trunk not among the daemon config trunks', async () => {
    const { errors } = await load([...BASE.slice(0, 2), 'trunk: carier-a', BASE[3] as string], { trunks: ['carrier-a', 'carrier-b'] });
    expect(errors).toEqual(['3:8: trunk: unknown trunk "carier-a" (did you mean "carrier-a"?)']);
    const far = await load([...BASE.slice(0, 2), 'trunk: zzz', BASE[3] as string], { trunks: ['carrier-a'] });
    expect(far.errors).toEqual(['3:8: trunk: unknown trunk "zzz" (defined: carrier-a)']);
  });

  it('reports every error of a file, in document order', async () => {
    const { errors } = await load([
      'id: Bad_Id',
      'state: running',
      'trunk: carrier-a',
      'contacts: { file: gone.csv, regoin: RU }',
      'concurrency: -1',
      'rules: { bussy: done, busy: { retry_after: soon } }',
    ]);
    expect(errors).toEqual([
      '1:5: id: "Bad_Id" is not a valid id (lowercase letters, digits and single dashes, e.g. spring-reminders)',
      `4:19: contacts.file: contacts file not found: ${dir}/gone.csv`,
      '4:29: contacts: unknown key "regoin" (did you mean "region"?)',
      '5:14: concurrency: -1 is out of range (must be >= 1)',
      '6:10: rules.bussy: unknown result "bussy" (did you mean "busy"?)',
      '6:44: rules.busy.retry_after: "soon" is not a duration (use e.g. 30s, 10m, 1h, 1d or 1h30m)',
    ]);
  });

  it('reports YAML syntax errors at their position', async () => {
    const { errors } = await load([...BASE, 'rules: { busy: done', 'concurrency: 3']);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/^6:1: /);
    const dup = await load([...BASE, 'trunk: other']);
    expect(dup.errors).toEqual(['5:1: Map keys must be unique']);
  });

  it('reports an unreadable file as an error, not an exception', async () => {
    const r = await loadCampaignFile(join(dir, 'missing.yaml'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatConfigError(r.errors[0]!)).toBe(`${join(dir, 'missing.yaml')}:1:1: cannot read file: ENOENT`);
  });
});

describe('loadCampaignFile: the interrupted rule key', () => {
  it('rules.interrupted is a rule (default { retry_after: 1h }); it is not a result a cause may map to', async () => {
    const { r } = await load([...BASE, 'rules: { interrupted: done }']);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.rules.interrupted).toEqual({ repeat: null, then: { kind: 'done' } });
    const d = (await load(BASE)).r;
    if (!d.ok) throw new Error(JSON.stringify(d.errors));
    expect(d.spec.rules.interrupted).toEqual({ repeat: null, then: { kind: 'retry_after', seconds: 3600 } });
    const { errors } = await load([...BASE, 'causes: { sip: { 486: interrupted } }']);
    expect(errors).toEqual([expect.stringMatching(/causes\.sip\.486/)]);
  });
});

describe('loadCampaignFile: the technical results (trunk faults)', () => {
  it('causes: maps a trunk code back, or any code to a trunk fault; rules: accept the new names', async () => {
    const { r } = await load([...BASE, 'causes: { sip: { 403: failed, 488: trunk_rejected, 499: insufficient_funds } }', 'rules: { trunk_rejected: { retry_after: 5m }, insufficient_funds: { retry_after: 5m } }']);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.causes.sip).toEqual({ 403: 'failed', 488: 'trunk_rejected', 499: 'insufficient_funds' });
    expect(r.spec.rules.trunk_rejected.then).toEqual({ kind: 'retry_after', seconds: 300 });
  });
  it('a campaign that lists no rule for them gets the defaults', async () => {
    const { r } = await load(BASE);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.rules.insufficient_funds).toEqual(DEFAULT_RULES.insufficient_funds);
    expect(r.spec.rules.trunk_rejected).toEqual(DEFAULT_RULES.trunk_rejected);
  });
});

describe('loadCampaignFile: guards (the storm guard)', () => {
  it('absent: same_result count 10; `{ count: 0 }` turns it off', async () => {
    const { r } = await load(BASE);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.spec.guards).toEqual({ sameResultCount: 10 });
    const off = (await load([...BASE, 'guards: { same_result: { count: 0 } }'])).r;
    if (!off.ok) throw new Error(JSON.stringify(off.errors));
    expect(off.spec.guards).toEqual({ sameResultCount: 0 });
  });
  it('rejects a count out of range and unknown keys with file:line:col', async () => {
    const { errors } = await load([...BASE, 'guards: { same_result: { count: 1001 }, same_results: {} }']);
    expect(errors).toContain('5:33: guards.same_result.count: 1001 is out of range (must be <= 1000)');
    expect(errors).toContain('5:41: guards: unknown key "same_results" (did you mean "same_result"?)');
  });
});
