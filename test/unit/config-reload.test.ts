/**
 * The pure parts of SIGHUP reporting (issue 12): the field-path diff of an effective config
 * (bounded, secrets hidden), the dialerd.yaml reload plan (what is taken, what needs a restart),
 * import progress text and its log pacing, and the row estimate of a contact list.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDiff, diffText } from '../../src/config/config-diff.ts';
import { planDaemonReload } from '../../src/config/daemon-reload.ts';
import type { DaemonConfig } from '../../src/config/daemon-types.ts';
import { countRows } from '../../src/contacts/count-rows.ts';
import { Imports } from '../../src/daemon/imports.ts';
import { progressText } from '../../src/lib/progress-text.ts';
import type { Logger } from '../../src/lib/logger.ts';

describe('configDiff', () => {
  it('names each changed leaf by its snake_case path, array items by index', () => {
    const before = { concurrency: 8, callsPerSecond: 5, rules: { busy: { action: 'retry' } }, dnc: ['/a'], name: 'x' };
    const after = { concurrency: 3, callsPerSecond: 5, rules: { busy: { action: 'stop_record' } }, dnc: ['/a', '/b'], name: 'x' };
    expect(diffText(configDiff(before, after))).toBe('concurrency 8 → 3, dnc[1] (none) → "/b", rules.busy.action "retry" → "stop_record"');
    expect(diffText(configDiff(before, structuredClone(before)))).toBe('unchanged');
    expect(configDiff({ a: null }, { a: { b: 1 } }).changes).toEqual(['a null → {"b":1}']);
  });

  it('is bounded: at most `max` changes, each value cut, controls escaped; hidden paths show ***', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]));
    const d = configDiff({}, many, { max: 5 });
    expect(d.changes).toHaveLength(5);
    expect(d.more).toBe(25);
    expect(diffText(d)).toMatch(/ \(\+25 more\)$/);
    const [long] = configDiff({ v: 'a' }, { v: `${'x'.repeat(500)}\u001b[2J` }).changes;
    expect(long!.length).toBeLessThan(100);
    expect(configDiff({ v: 'a' }, { v: '\u202e' }).changes).toEqual(['v "a" → "\\u202e"']);
    expect(configDiff({ password: 'a' }, { password: 'b' }, { hide: (p) => p === 'password' }).changes).toEqual(['password *** → ***']);
  });
});

const base: DaemonConfig = {
  pbxes: { sim: { name: 'sim', type: 'sim', outcomes: null, seed: 1 } },
  trunks: { t1: { name: 't1', pbx: 'sim', endpoint: 'SIM/{number}', concurrency: 10, callsPerSecond: 5 } },
  store: { type: 'memory' },
  campaignsDir: '/c',
  logLevel: 'info',
  maxConcurrency: 50,
  shutdownGraceSeconds: 30,
  source: '/d.yaml',
  api: { host: '127.0.0.1', port: 8480, token: 'secret-token-0123456789' },
  notify: null,
};

describe('planDaemonReload', () => {
  it('takes caps, trunk caps and rates, log level, grace and the webhook; reports them as a diff without secrets', () => {
    const next: DaemonConfig = {
      ...base,
      logLevel: 'debug',
      maxConcurrency: 20,
      shutdownGraceSeconds: 10,
      trunks: { t1: { ...base.trunks.t1!, concurrency: 3, callsPerSecond: 2 } },
      notify: { webhook: 'https://user:pw@hooks.example/key/abc?x=1', header: { name: 'Authorization', value: 'Bearer s3cret' } },
    };
    const plan = planDaemonReload(base, next);
    expect(plan.restart).toEqual([]);
    expect(plan.config).toMatchObject({ logLevel: 'debug', maxConcurrency: 20, shutdownGraceSeconds: 10, trunks: { t1: { concurrency: 3, callsPerSecond: 2 } }, notify: next.notify });
    const text = diffText(plan.diff);
    expect(text).toBe(
      'log_level "info" → "debug", max_concurrency 50 → 20, notify.header null → "Authorization", notify.webhook null → "https://***@hooks.example/***?***", shutdown_grace_seconds 30 → 10, trunks.t1.calls_per_second 5 → 2, trunks.t1.concurrency 10 → 3',
    );
    expect(text).not.toMatch(/s3cret|pw|key\/abc/);
  });

  it('names what needs a restart (store, PBXes, API, campaigns_dir, trunk set and other trunk fields) and keeps the running values', () => {
    const next: DaemonConfig = {
      ...base,
      store: { type: 'redis', url: 'redis://h:6379', prefix: 'd:' },
      pbxes: { sim: { name: 'sim', type: 'sim', outcomes: null, seed: 2 } },
      api: { ...base.api!, port: 9000 },
      campaignsDir: '/other',
      trunks: { t1: { ...base.trunks.t1!, endpoint: 'SIM/9{number}', concurrency: 4 }, t2: { ...base.trunks.t1!, name: 't2' } },
    };
    const plan = planDaemonReload(base, next);
    expect(plan.restart).toEqual(['store', 'pbxes.sim', 'api', 'campaigns_dir', 'trunks.t1 (endpoint)', 'trunks.t2']);
    expect(plan.config).toMatchObject({ store: base.store, pbxes: base.pbxes, api: base.api, campaignsDir: '/c' });
    expect(plan.config.trunks).toEqual({ t1: { ...base.trunks.t1, concurrency: 4 } });
    expect(plan.diff.changes).toEqual(['trunks.t1.concurrency 10 → 4']);
    expect(JSON.stringify([plan.diff, plan.restart])).not.toContain('secret-token');
  });

  it('an identical file changes nothing', () => {
    const plan = planDaemonReload(base, structuredClone(base));
    expect(plan).toEqual({ config: base, diff: { changes: [], more: 0 }, restart: [] });
  });
});

describe('import progress', () => {
  it('prints 45% (450,000/1,000,000); 99% at most until done', () => {
    expect(progressText(450_000, 1_000_000)).toBe('45% (450,000/1,000,000)');
    expect(progressText(999_999, 1_000_000)).toBe('99% (999,999/1,000,000)');
    expect(progressText(3, 3)).toBe('100% (3/3)');
    expect(progressText(0, 0)).toBe('0% (0/0)');
  });

  it('logs at begin, then once every `everyMs`, counts rows read per campaign across imports', () => {
    const lines: string[] = [];
    const logger = { info: (_o: unknown, msg: string) => void lines.push(msg) } as unknown as Logger;
    let now = 0;
    const imports = new Imports(logger, 5000, () => now);
    imports.begin({ campaign: 'c', name: 'C', trunk: 't', total: 1_000_000 });
    imports.progress('c', 1000);
    now = 4999;
    imports.progress('c', 400_000);
    now = 5000;
    imports.progress('c', 450_000);
    expect(lines).toEqual(['importing campaign c: 0% (0/1,000,000)', 'importing campaign c: 45% (450,000/1,000,000)']);
    expect(imports.get('c')).toEqual({ campaign: 'c', name: 'C', trunk: 't', rows: 450_000, total: 1_000_000, percent: 45 });
    imports.end('c');
    expect(imports.get('c')).toBeNull();
    imports.begin({ campaign: 'c', name: 'C', trunk: 't', total: 10 }, false);
    imports.progress('c', 12); // the estimate was short: the total follows
    expect(imports.get('c')).toMatchObject({ rows: 12, total: 12, percent: 100 });
    expect(lines).toHaveLength(2); // a quiet import logs nothing
    expect(imports.rowsTotal().get('c')).toBe(450_012);
  });

  it('countRows: data lines after the header, with or without a final newline, CRLF too', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dialerd-count-'));
    try {
      const file = path.join(dir, 'c.csv');
      const cases: [string, number][] = [
        ['id,phone\n1,+7\n2,+7\n', 2],
        ['id,phone\r\n1,+7\r\n2,+7', 2],
        ['id,phone\n', 0],
        ['', 0],
      ];
      for (const [text, n] of cases) {
        writeFileSync(file, text);
        expect(await countRows(file), JSON.stringify(text)).toBe(n);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
