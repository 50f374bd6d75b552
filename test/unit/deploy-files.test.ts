/**
 * The shipped deployment files are safe as they stand: asterisk-compose.yml has no default secret
 * and pinned images with healthchecks; what it mounts validates and dials nothing by itself; the
 * Docker image and the systemd unit run the compiled dist/ on a Node the engines field allows.
 * (CI also runs `docker-compose config` on the compose file: .ci/compose-config.)
 */
import { mkdir, mkdtemp, readdir, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/validate.ts';
import { loadCampaignFile } from '../../src/config/load-campaign.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const read = (f: string): Promise<string> => readFile(path.join(ROOT, f), 'utf8');

interface Service {
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

let composeText: string;
let services: Record<string, Service>;
const pkg = JSON.parse(await read('package.json')) as { version: string; engines: { node: string } };

beforeAll(async () => {
  composeText = await read('asterisk-compose.yml');
  services = (parse(composeText) as { services: Record<string, Service> }).services;
});

describe('asterisk-compose.yml', () => {
  it('takes every variable from the environment with no default: unset, compose stops with a message', () => {
    // compose interpolates values (not comments): every `$` in one must open `${NAME:?message}`
    const values = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(values) : []);
    const refs = values(parse(composeText)).flatMap((v) => [...v.matchAll(/\$(?!\$)(?:\{[^}]*\}|\w*)/g)].map((m) => m[0]));
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(r).toMatch(/^\$\{[A-Z_][A-Z0-9_]*:\?[^}]{10,}\}$/);
  });

  it('passes dialerd every secret its config names, and Asterisk the same ARI password', async () => {
    const names = [...(await read('docker/dialerd.yaml')).matchAll(/(?:password_env|token_env|value_env): (\w+)/g)].map((m) => m[1]!);
    expect(names.sort()).toEqual(['DIALERD_API_TOKEN', 'DIALERD_ARI_PASSWORD']);
    for (const n of names) expect(services.dialerd?.environment?.[n], n).toMatch(new RegExp(`^\\$\\{${n}:\\?`));
    expect(services.asterisk?.environment?.DIALERD_ARI_PASSWORD).toBe(services.dialerd?.environment?.DIALERD_ARI_PASSWORD);
    // ari.conf reaches Asterisk only as the template its entry point fills in
    expect(services.asterisk?.volumes?.some((v) => v.endsWith(':/etc/asterisk/ari.conf:ro'))).toBe(false);
  });

  it('pins every image to a version (Prometheus tags theirs vN.N.N); dialerd to package.json’s', () => {
    for (const [name, s] of Object.entries(services)) expect(s.image, name).toMatch(/:v?\d+\.\d+\.\d+(-[a-z0-9]+)?$/);
    expect(services.dialerd?.image).toBe(`dialerd:${pkg.version}`);
  });

  it('has a healthcheck on every service; dialerd probes /health (no token) on its api.listen', async () => {
    for (const [name, s] of Object.entries(services)) expect(s.healthcheck?.test.length, name).toBeGreaterThan(1);
    const listen = /listen: "([^"]+)"/.exec(await read('docker/dialerd.yaml'))?.[1];
    expect(services.dialerd?.healthcheck?.test.join(' ')).toContain(`http://${listen}/health`);
    expect(services.dialerd?.depends_on).toEqual({ redis: { condition: 'service_healthy' }, asterisk: { condition: 'service_healthy' } });
  });
});

describe('what the compose file mounts into the dialerd container', () => {
  /** /etc/dialerd rebuilt from the dialerd service's volumes, as the container sees it. */
  let etc: string;

  beforeAll(async () => {
    etc = await mkdtemp(path.join(tmpdir(), 'dialerd-etc-'));
    for (const v of services.dialerd?.volumes ?? []) {
      const [host, inside] = v.split(':') as [string, string];
      expect(inside.startsWith('/etc/dialerd/'), v).toBe(true);
      const target = path.join(etc, inside.slice('/etc/dialerd/'.length));
      await mkdir(path.dirname(target), { recursive: true });
      await symlink(path.join(ROOT, host), target);
    }
  });

  it('validates: the daemon config and every campaign with it', async () => {
    const campaigns = (await readdir(path.join(etc, 'campaigns'))).map((f) => path.join(etc, 'campaigns', f));
    const out: string[] = [];
    const err: string[] = [];
    const env = { DIALERD_API_TOKEN: 'a-compose-test-token-0123456789', DIALERD_ARI_PASSWORD: 'pw' };
    const code = await validateCommand([path.join(etc, 'dialerd.yaml'), ...campaigns], { out: (s) => void out.push(s), err: (s) => void err.push(s) }, env);
    expect(err).toEqual([]);
    expect(out).toHaveLength(1 + campaigns.length);
    expect(code).toBe(0);
  });

  it('dials nothing by itself: every campaign is paused or draft, with calling windows short of 24/7', async () => {
    const files = await readdir(path.join(etc, 'campaigns'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const r = await loadCampaignFile(path.join(etc, 'campaigns', f), { trunks: ['carrier-a'] });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      expect(['paused', 'draft'], f).toContain(r.spec.state);
      const minutesPerWeek = (r.spec.callingHours?.windows ?? []).reduce((sum, w) => sum + w.days.length * (w.endMinute - w.startMinute), 0);
      expect(minutesPerWeek, f).toBeGreaterThan(0);
      expect(minutesPerWeek, f).toBeLessThanOrEqual(7 * 12 * 60);
    }
  });
});

describe('production runs dist/ on a Node the engines field allows', () => {
  const engineMajor = Number(/^>=(\d+)\.\d+$/.exec(pkg.engines.node)?.[1]);

  it('docker/Dockerfile: both stages on one pinned node image, the final one runs dist/', async () => {
    const df = await read('docker/Dockerfile');
    const image = /^ARG NODE_IMAGE=node:(\d+)\.\d+\.\d+-[a-z]+-slim$/m.exec(df);
    expect(Number(image?.[1])).toBeGreaterThanOrEqual(engineMajor);
    expect([...df.matchAll(/^FROM (.+)$/gm)].map((m) => m[1])).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE}']);
    expect(df).toMatch(/^RUN npm ci --omit=dev/m);
    expect(df).toContain('ENTRYPOINT ["node", "dist/cli/dialerd.js"]');
  });

  it('every locked package accepts the oldest Node allowed and the Docker image’s (no EBADENGINE at npm ci)', async () => {
    const lock = JSON.parse(await read('package-lock.json')) as { packages: Record<string, { engines?: { node?: string } }> };
    const docker = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-/m.exec(await read('docker/Dockerfile'))?.[1];
    const oldest = semver.minVersion(pkg.engines.node)?.version;
    for (const node of [oldest, docker]) {
      expect(node).toBeTruthy();
      const refused = Object.entries(lock.packages).filter(([, p]) => p.engines?.node && !semver.satisfies(node!, p.engines.node));
      expect(refused.map(([name, p]) => `${name} wants node ${p.engines?.node}`), `node ${node}`).toEqual([]);
    }
  });

  it('docker/dialerd.service runs dist/', async () => {
    expect(await read('docker/dialerd.service')).toMatch(/^ExecStart=\/usr\/bin\/node dist\/cli\/dialerd\.js run /m);
  });

  it('the Asterisk image pins the Debian package the compose tag names', async () => {
    const v = /^ARG ASTERISK_VERSION=1:(\d+\.\d+\.\d+)\+/m.exec(await read('docker/asterisk/Dockerfile'))?.[1];
    expect(services.asterisk?.image).toBe(`dialerd-asterisk:${v}`);
  });
});
