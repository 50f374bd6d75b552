import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { schemaCommand } from '../../src/cli/schema.ts';
import { validateCommand } from '../../src/cli/validate.ts';
import { loadCampaignFile } from '../../src/config/load-campaign.ts';
import { loadDaemonConfig } from '../../src/config/load-daemon.ts';

const root = resolve(import.meta.dirname, '../..');
const example = join(root, 'config/campaigns/example.yaml');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s) } };
}

describe('shipped example files', () => {
  it('config/campaigns/example.yaml validates and can dial at any hour, now', async () => {
    const r = await loadCampaignFile(example, { trunks: ['carrier-a'] });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.warnings).toEqual([]);
    const s = r.spec;
    expect(s).toMatchObject({ id: 'example', state: 'running', trunk: 'carrier-a', startAt: null, endAt: null });
    expect(s.contacts.file).toBe(join(root, 'config/contacts/example.csv'));
    expect(s.dnc).toEqual([join(root, 'config/dnc/global.txt')]);
    expect(s.callingHours?.windows).toEqual([{ days: [1, 2, 3, 4, 5, 6, 7], startMinute: 0, endMinute: 1440 }]);
    expect(s.rules.busy).toEqual({ repeat: { times: 3, everySeconds: 600 }, then: { kind: 'retry_after', seconds: 3600 } });
  });

  it('config/dialerd.yaml validates: sim pbx, memory store, trunk carrier-a', async () => {
    const r = await loadDaemonConfig(join(root, 'config/dialerd.yaml'), { DIALERD_API_TOKEN: 'an-example-token-0123456789' });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.pbxes.sim?.type).toBe('sim');
    expect(r.config.store).toEqual({ type: 'memory' });
    expect(r.config.trunks['carrier-a']).toMatchObject({ pbx: 'sim' });
    expect(r.config.campaignsDir).toBe(join(root, 'config/campaigns'));
    expect(r.config.api).toEqual({ host: '127.0.0.1', port: 8480, token: 'an-example-token-0123456789' });
  });

  it('the global DNC list blocks a number of the example contacts', async () => {
    const dnc = (await readFile(join(root, 'config/dnc/global.txt'), 'utf8')).split('\n').filter((l) => l.startsWith('+'));
    const csv = await readFile(join(root, 'config/contacts/example.csv'), 'utf8');
    expect(dnc.some((n) => csv.includes(n))).toBe(true);
  });

  it('dialerd validate accepts the daemon config and the example together', async () => {
    const c = capture();
    const code = await validateCommand([join(root, 'config/dialerd.yaml'), example], c.io, { DIALERD_API_TOKEN: 'an-example-token-0123456789' });
    expect(c.err).toEqual([]);
    expect(c.out).toEqual([`${join(root, 'config/dialerd.yaml')}: ok`, `${example}: ok`]);
    expect(code).toBe(0);
  });

  it('a copy of the example with a typo names it with its position and exits 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dialerd-example-'));
    await Promise.all(['campaigns', 'contacts', 'dnc'].map((d) => mkdir(join(dir, d))));
    await copyFile(join(root, 'config/contacts/example.csv'), join(dir, 'contacts/example.csv'));
    await copyFile(join(root, 'config/dnc/global.txt'), join(dir, 'dnc/global.txt'));
    const lines = (await readFile(example, 'utf8')).split('\n');
    const line = lines.findIndex((l) => l.startsWith('concurrency:'));
    lines[line] = (lines[line] as string).replace('concurrency:', 'concurency:');
    const typo = join(dir, 'campaigns/example-typo.yaml');
    await writeFile(typo, lines.join('\n'));
    const c = capture();
    expect(await validateCommand([typo], c.io, {})).toBe(1);
    expect(c.err).toEqual([`${typo}:${line + 1}:1: unknown key "concurency" (did you mean "concurrency"?)`]);
    expect(c.out).toEqual([]);
  });
});

describe('schema/campaign.schema.json', () => {
  it('is exactly what the generator writes', async () => {
    expect(await readFile(join(root, 'schema/campaign.schema.json'), 'utf8')).toBe(schemaCommand());
  });

  it('agrees with the loader for editors: accepts the example, rejects a typo', async () => {
    const schema = JSON.parse(schemaCommand()) as Record<string, unknown>;
    const validate = new Ajv({ strict: false }).compile(schema);
    const data = parse(await readFile(example, 'utf8')) as Record<string, unknown>;
    expect(validate(data)).toBe(true);
    expect(validate({ ...data, concurency: 3 })).toBe(false);
    // Defaults are optional for editors: a minimal campaign is valid.
    expect(validate({ id: 'x', state: 'draft', trunk: 't', contacts: { file: 'c.csv' } })).toBe(true);
  });
});

describe('schema/dialerd.schema.json', () => {
  it('is exactly what the generator writes', async () => {
    expect(await readFile(join(root, 'schema/dialerd.schema.json'), 'utf8')).toBe(schemaCommand('daemon'));
  });

  it.each(['config/dialerd.yaml', 'docker/dialerd.yaml'])('is named by %s for editors, accepts it and rejects a typo', async (file) => {
    const text = await readFile(join(root, file), 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
    expect(modeline?.[1] && resolve(root, file, '..', modeline[1])).toBe(join(root, 'schema/dialerd.schema.json'));
    const validate = new Ajv({ strict: false }).compile(JSON.parse(schemaCommand('daemon')) as Record<string, unknown>);
    const data = parse(text) as Record<string, unknown>;
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...data, max_concurency: 3 })).toBe(false);
  });
});
