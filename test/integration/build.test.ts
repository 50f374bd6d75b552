/**
 * Production runs compiled JavaScript: `npm run build` → dist/, run by plain node with only the
 * production dependencies in reach (no tsx, no typescript), as the Docker image and the systemd
 * unit run it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

/** An install without dev dependencies: dist/, package.json, node_modules/ linking production packages only. */
let app: string;

async function files(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

async function dialerd(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(process.execPath, [path.join(app, pkg.bin.dialerd!), ...args], { cwd: app, env: { ...process.env, DIALERD_API_TOKEN: 'a-build-test-token-0123456789' } });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: ROOT });
  app = await mkdtemp(path.join(tmpdir(), 'dialerd-dist-'));
  await cp(path.join(ROOT, 'dist'), path.join(app, 'dist'), { recursive: true });
  await cp(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, maxBuffer: 1 << 24 });
  const top = stdout.split('\n').map((p) => path.relative(path.join(ROOT, 'node_modules'), p)).filter((p) => /^(@[^/]+\/)?[^/@.][^/]*$/.test(p));
  for (const name of new Set(top)) {
    await mkdir(path.dirname(path.join(app, 'node_modules', name)), { recursive: true });
    await symlink(path.join(ROOT, 'node_modules', name), path.join(app, 'node_modules', name));
  }
}, 240_000);

describe('npm run build', () => {
  it('is what the bin points at, and the install used here has no tsx or typescript', async () => {
    expect(pkg.bin.dialerd).toBe('dist/cli/dialerd.js');
    const installed = await readdir(path.join(app, 'node_modules'));
    expect(installed).toContain('fastify');
    expect(installed).not.toContain('tsx');
    expect(installed).not.toContain('typescript');
  });

  it('leaves no .ts import in dist', async () => {
    for (const f of (await files(path.join(app, 'dist'))).filter((f) => f.endsWith('.js'))) {
      const js = await readFile(path.join(app, 'dist', f), 'utf8');
      expect(js, f).not.toMatch(/(?:from\s*|import\s*\(\s*)["'][^"']+\.ts["']/);
      expect(js, f).not.toMatch(/["']tsx(?:\/[^"']*)?["']/);
    }
  });

  it('copies every non-TypeScript file of src/ (Lua scripts, data) into dist/', async () => {
    const assets = (await files(path.join(ROOT, 'src'))).filter((f) => !/\.(ts|md)$/.test(f) && f !== 'cli/dialerd.mjs');
    expect(assets.length).toBeGreaterThan(0);
    const built = new Set(await files(path.join(app, 'dist')));
    for (const a of assets) expect(built.has(a), a).toBe(true);
  });

  it('runs `dialerd --version` with plain node', async () => {
    expect(await dialerd('--version')).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  }, 60_000);

  it('validates the shipped configs and simulates the example campaign', async () => {
    const daemon = path.join(ROOT, 'config/dialerd.yaml');
    const example = path.join(ROOT, 'config/campaigns/example.yaml');
    expect(await dialerd('validate', daemon, example)).toEqual({ code: 0, out: `${daemon}: ok\n${example}: ok\n`, err: '' });
    const sim = await dialerd('simulate', example, '--from', '2026-12-01T09:00:00+03:00', '--until', '2h', '--format', 'summary');
    expect(sim.err).toBe('');
    expect(sim.code).toBe(0);
    expect(sim.out).toMatch(/answered/);
  }, 120_000);

  it('finds the Redis Lua scripts from dist/', async () => {
    const script = `import { defineScripts } from ${JSON.stringify(path.join(app, 'dist/store/redis/scripts.js'))};
      const names = [];
      defineScripts({ defineCommand: (name) => names.push(name) });
      console.log(names.length);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    const { SCRIPT_NAMES } = await import('../../src/store/redis/scripts.ts');
    expect(Number(stdout)).toBe(SCRIPT_NAMES.length);
  }, 60_000);
});
