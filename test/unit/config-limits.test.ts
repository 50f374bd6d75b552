/**
 * Hostile campaign and daemon config files: an alias bomb, too many aliases, a cycle, deep
 * nesting, too many tokens, an oversized file, a directory or a FIFO are each one config error at file:line:col
 * (1:1 when there is no better place). Nothing throws, nothing waits, the other files still load.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/validate.ts';
import { formatConfigError, loadCampaignFile } from '../../src/config/load-campaign.ts';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';
import { MAX_CONFIG_BYTES } from '../../src/config/read-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'dialerd-limits-'));
writeFileSync(join(dir, 'c.csv'), 'id,phone\n');
const VALID = 'id: ok\nstate: running\ntrunk: a\ncontacts: { file: c.csv }\n';

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The formatted errors of loading `text` as a campaign file. */
async function errorsOf(name: string, text: string): Promise<string[]> {
  const r = await loadCampaignFile(write(name, text));
  return r.ok ? [] : r.errors.map(formatConfigError);
}

/** `lines` aliases of an anchor that already holds 2 × 2 copies: the billion laughs, small. */
const BOMB = ['id: bomb', 'a: &a [x, x]', 'b: &b [*a, *a]', ...Array.from({ length: 120 }, (_, i) => `k${i}: *b`)].join('\n');

describe('campaign file limits', () => {
  it('reports an alias bomb at the alias that passes the limit', async () => {
    const file = join(dir, 'bomb.yaml');
    // As yaml counts it: *b costs 3 (a anchor + 2 uses), times (1 + its uses): the 33rd use, line 36, passes 100.
    expect(await errorsOf('bomb.yaml', BOMB)).toEqual([`${file}:36:6: alias *b expands too much (more than 100 copies)`]);
  });

  it('reports a nested bomb with few aliases, the 101st alias, a missing anchor and a cycle', async () => {
    const ten = (x: string) => `[${Array(10).fill(x).join(', ')}]`;
    const nested = `id: n\na: &a ${ten('x')}\nb: &b ${ten('*a')}\nc: &c ${ten('*b')}\n`;
    expect(await errorsOf('nested.yaml', nested)).toEqual([`${join(dir, 'nested.yaml')}:4:40: alias *b expands too much (more than 100 copies)`]);
    const many = Array.from({ length: 101 }, (_, i) => `k${i}: &a${i} x\nv${i}: *a${i}`).join('\n');
    expect(await errorsOf('many.yaml', many)).toEqual([`${join(dir, 'many.yaml')}:202:7: more than 100 aliases`]);
    expect(await errorsOf('unknown.yaml', 'id: u\nb: *nope\n')).toEqual([`${join(dir, 'unknown.yaml')}:2:4: alias *nope has no anchor &nope before it`]);
    expect(await errorsOf('cycle.yaml', 'id: c\na: &a { b: *a }\n')).toEqual([`${join(dir, 'cycle.yaml')}:2:12: alias *a is inside its own anchor`]);
  });

  it('keeps a few ordinary aliases working', async () => {
    const later = '{ retry_after: 3h }';
    const r = await loadCampaignFile(write('alias-ok.yaml', `${VALID}rules:\n  busy: &later ${later}\n  no_answer: *later\n  rejected: *later\n`));
    expect(r.ok && r.spec.rules.busy).toEqual(r.ok && r.spec.rules.rejected);
    expect(r.ok).toBe(true);
  });

  it('reports nesting deeper than 64 levels at the bracket that passes it', async () => {
    const file = join(dir, 'deep.yaml');
    expect(await errorsOf('deep.yaml', `id: d\nx: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`)).toEqual([`${file}:2:68: nested deeper than 64 levels`]);
  });

  it('stops at 10,000 tokens, before the parser spends seconds on a big file', async () => {
    // 50,000 keys: under 1 MiB, and two minutes of yaml's own duplicate-key check.
    const keys = Array.from({ length: 50_000 }, (_, i) => `k${i}: v`).join('\n');
    const started = performance.now();
    // The lexer makes 7 tokens of a `kN: v` line (with scalar markers and the line break): the 10,001st is on line 1,429.
    expect(await errorsOf('tokens.yaml', `id: t\n${keys}\n`)).toEqual([`${join(dir, 'tokens.yaml')}:1429:7: too many YAML tokens (more than 10000; a campaign file has a few hundred)`]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('still reports a repeated key, at the repeat', async () => {
    expect(await errorsOf('dup.yaml', 'id: d\nstate: running\nid: e\n')).toEqual([`${join(dir, 'dup.yaml')}:3:1: Map keys must be unique`]);
  });

  it('refuses a file over 1 MiB before reading it', async () => {
    const big = write('big.yaml', VALID + `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    expect(await errorsOf('big.yaml', VALID + `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`)).toEqual([`${big}:1:1: file too large: ${MAX_CONFIG_BYTES + VALID.length + 3} bytes (at most ${MAX_CONFIG_BYTES})`]);
    expect(await errorsOf('fits.yaml', VALID + `# ${'x'.repeat(MAX_CONFIG_BYTES - VALID.length - 3)}\n`)).toEqual([]);
  });

  it('refuses a directory and a FIFO without waiting for a writer', async () => {
    mkdirSync(join(dir, 'dir.yaml'));
    expect((await loadCampaignFile(join(dir, 'dir.yaml'))).ok).toBe(false);
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await loadCampaignFile(fifo);
    expect(r.ok ? [] : r.errors.map(formatConfigError)).toEqual([`${fifo}:1:1: cannot read file: not a regular file`]);
  });

  it('bounds the daemon config the same way', async () => {
    const file = write('dialerd.yaml', `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    const r = await loadDaemonConfig(file, {});
    expect(r.ok ? [] : r.errors.map(formatConfigError)).toEqual([`${file}:1:1: file too large: ${MAX_CONFIG_BYTES + 3} bytes (at most ${MAX_CONFIG_BYTES})`]);
  });
});

describe('dialerd validate with a hostile file', () => {
  it('reports the bomb at its position, the other files as usual, and exits 1', async () => {
    const daemon = write('d.yaml', 'campaigns_dir: .\npbxes:\n  s: { type: sim }\ntrunks:\n  a: { pbx: s, endpoint: "{number}" }\n');
    const bomb = write('v-bomb.yaml', BOMB);
    const good = write('v-good.yaml', VALID);
    const out: string[] = [];
    const err: string[] = [];
    expect(await validateCommand([bomb, good, daemon], { out: (s) => void out.push(s), err: (s) => void err.push(s) }, {})).toBe(1);
    expect(out).toEqual([`${daemon}: ok`, `${good}: ok`]);
    expect(err).toEqual([`${bomb}:36:6: alias *b expands too much (more than 100 copies)`]);
  });
});
