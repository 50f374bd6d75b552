/**
 * Keeps README.md true: its generated tables (cause mapping, default rules, error codes) equal
 * what the code says, and every config key, history column and CLI flag the code knows is
 * documented. When this fails, fix the README (or the code), not this test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { DaemonSchema } from '../../src/config/daemon-schema.ts';
import { parseDuration } from '../../src/config/duration.ts';
import { defaultMappingMarkdown } from '../../src/domain/results.ts';
import { DEFAULT_RULES } from '../../src/domain/rules.ts';
import { CAMPAIGN_STATES, FINAL_STATES, RULE_KEYS } from '../../src/domain/types.ts';
import type { Action, Rule } from '../../src/domain/types.ts';
import { ERRORS } from '../../src/lib/errors.ts';
import { historyCsvHeader } from '../../src/store/history-csv.ts';

const root = new URL('../../', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8').replace(/\r\n/g, '\n');
const campaignSchema = JSON.parse(readFileSync(new URL('schema/campaign.schema.json', root), 'utf8')) as JsonSchema;

interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
}

/** The text between `<!-- name:start -->` and `<!-- name:end -->` (each exactly once). */
function between(name: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  expect(readme.split(start).length - 1, `${start} appears once`).toBe(1);
  expect(readme.split(end).length - 1, `${end} appears once`).toBe(1);
  return readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end)).trim();
}

/** The README from `## title` to the next `## ` heading. */
function section(title: string): string {
  const head = `\n## ${title}\n`;
  const at = readme.indexOf(head);
  expect(at, `section "## ${title}"`).toBeGreaterThanOrEqual(0);
  const next = readme.indexOf('\n## ', at + head.length);
  return readme.slice(at, next < 0 ? undefined : next);
}

/** Data rows of a Markdown table (header and separator dropped), cells trimmed. */
function tableRows(table: string): string[][] {
  const lines = table.split('\n').filter((l) => l.trim().startsWith('|'));
  return lines.slice(2).map((l) =>
    l.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim()),
  );
}

/** Seconds as the campaign files write them: 1800 → 30m, 5400 → 1h30m, 0 → 0s. */
function duration(seconds: number): string {
  if (seconds === 0) return '0s';
  let rest = seconds;
  let out = '';
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

function actionCell(a: Action): string {
  return a.kind === 'retry_after' ? `\`{ retry_after: ${duration(a.seconds)} }\`` : `\`${a.kind}\``;
}

function repeatCell(r: Rule['repeat']): string {
  return r === null ? '—' : `${r.times} × every ${duration(r.everySeconds)}`;
}

/** Dotted key paths of a schema's objects; `[]` marks array items. `skip` paths are not descended. */
function keyPaths(s: JsonSchema, prefix: string, skip: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const path = prefix === '' ? k : `${prefix}.${k}`;
    out.push(path);
    if (skip.has(path)) continue;
    const child = v.items ?? v;
    out.push(...keyPaths(child, v.items ? `${path}[]` : path, skip));
  }
  return out;
}

/** Every property name anywhere below `s` (through records and tagged unions). */
function allPropertyNames(s: JsonSchema): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s.properties ?? {})) out.push(k, ...allPropertyNames(v));
  for (const v of Object.values(s.patternProperties ?? {})) out.push(...allPropertyNames(v));
  for (const v of [...(s.oneOf ?? []), ...(s.anyOf ?? [])]) out.push(...allPropertyNames(v));
  if (s.items) out.push(...allPropertyNames(s.items));
  return [...new Set(out)];
}

describe('README.md', () => {
  it('starts with exactly the two commands in a code block', () => {
    const lines = readme.split('\n').filter((l) => l.trim() !== '');
    expect(lines[0]).toMatch(/^```(sh|bash|shell)?$/);
    expect(lines.slice(1, 4)).toEqual(['npm start', 'npm test', '```']);
  });

  it('has the default cause mapping table exactly as defaultMappingMarkdown() prints it', () => {
    expect(between('mapping')).toBe(defaultMappingMarkdown());
  });

  it('lists every rule key (each result, then interrupted) with its DEFAULT_RULES repeat and action', () => {
    const rows = tableRows(between('rules'));
    const expected = RULE_KEYS.map((r) => [`\`${r}\``, repeatCell(DEFAULT_RULES[r].repeat), actionCell(DEFAULT_RULES[r].then)]);
    expect(rows).toEqual(expected);
    // and each duration written there is one a campaign file accepts
    for (const d of between('rules').matchAll(/(?:retry_after: |every )([0-9smhd]+)/g)) {
      expect(parseDuration(d[1]!), d[0]).not.toBeNull();
    }
  });

  it('lists exactly the error codes of the catalog, each with its HTTP status and a meaning', () => {
    const rows = tableRows(between('errors'));
    const documented = Object.fromEntries(rows.map(([code, status]) => [code!.replace(/`/g, ''), Number(status)]));
    const catalog = Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e.status]));
    expect(documented).toEqual(catalog);
    expect(rows).toHaveLength(Object.keys(ERRORS).length);
    for (const row of rows) expect(row[2], row[0]).not.toBe('');
  });

  it('documents every key of the campaign JSON Schema (top level and nested)', () => {
    const top = Object.keys(campaignSchema.properties ?? {});
    expect(top.length).toBeGreaterThan(10);
    const text = section('Campaign file');
    for (const key of top) expect(readme, `campaign key ${key}`).toContain(`\`${key}`);
    // rules.* are results and causes.* are codes: documented as `rules.<result>`, `causes.sip.<code>`.
    const nested = keyPaths(campaignSchema, '', new Set(['rules', 'causes.sip', 'causes.q850'])).filter((p) => p.includes('.'));
    for (const path of nested) {
      const written = new RegExp(`\`${path.replace(/[.[\]]/g, '\\$&')}(\\.<[a-z]+>)?\``);
      expect(text, `campaign key ${path}`).toMatch(written);
    }
    expect(text).toContain('`rules.<result>`');
  });

  it('documents every key of the daemon config schema', () => {
    const text = section('Daemon config (dialerd.yaml)');
    for (const key of Object.keys(DaemonSchema.properties)) expect(text, `daemon key ${key}`).toContain(`\`${key}\``);
    for (const name of allPropertyNames(DaemonSchema as unknown as JsonSchema)) {
      expect(text, `daemon key ${name}`).toMatch(new RegExp(`\`(?:[a-z_.<>]*\\.)?${name}\``));
    }
  });

  it('documents every call history CSV column', () => {
    const text = section('Call history');
    for (const col of historyCsvHeader().split(',')) expect(text, `history column ${col}`).toContain(`\`${col}\``);
  });

  it('names every campaign state and every final record state', () => {
    const text = section('States');
    for (const s of CAMPAIGN_STATES) expect(text).toContain(`\`${s}\``);
    const finals = tableRows(text.slice(text.indexOf('| final state |'))).map((r) => r[0]);
    expect(finals.filter((c) => c?.startsWith('`'))).toEqual(FINAL_STATES.map((s) => `\`${s}\``));
  });

  it.each(['run', 'validate', 'simulate', 'schema', 'top'])('documents `dialerd %s` and each of its flags', async (cmd) => {
    let help = '';
    const io = { out: (s: string) => void (help += s), err: (s: string) => void (help += s) };
    expect(await main([cmd, '--help'], io)).toBe(0);
    const flags = [...help.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]).filter((f) => f !== '--help');
    const text = section('CLI');
    expect(text).toContain(`\`dialerd ${cmd}`);
    for (const flag of new Set(flags)) expect(text, `dialerd ${cmd} ${flag}`).toContain(flag);
  });
});
