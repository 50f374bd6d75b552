/**
 * The monitoring files of the compose stack fit together: Prometheus scrapes dialerd's api.listen
 * under the job the dashboard selects, Grafana's datasource is that Prometheus, its dashboard
 * provider reads where the dashboards are mounted, and every panel asks the dashboard's own
 * Prometheus variable (so an import into another Grafana works too).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, ROOT), 'utf8');

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}
const services = (parse(read('asterisk-compose.yml')) as { services: Record<string, Service> }).services;
const flag = (s: Service | undefined, name: string): string | undefined => s?.command?.find((c) => c.startsWith(`--${name}=`))?.split('=')[1];
/** Where the service sees a host path (`./docker/x` → `/etc/x`). */
const mountOf = (s: Service | undefined, host: string): string | undefined => s?.volumes?.find((v) => v.startsWith(`${host}:`))?.split(':')[1];

const prometheusYml = parse(read('docker/prometheus/prometheus.yml')) as {
  scrape_configs: { job_name: string; metrics_path: string; static_configs: { targets: string[] }[] }[];
};
const dashboardText = read('docker/grafana/dashboards/dialerd.json');
const dashboard = JSON.parse(dashboardText) as { uid: string; templating: { list: { name: string; type: string; query: unknown }[] } };

describe('Prometheus', () => {
  it('reads the repository config and scrapes dialerd’s api.listen /metrics as job dialerd, the job the dashboard selects', () => {
    const p = services.prometheus;
    expect(mountOf(p, './docker/prometheus/prometheus.yml')).toBe(flag(p, 'config.file'));
    const [job] = prometheusYml.scrape_configs;
    const listen = /listen: "([^"]+)"/.exec(read('docker/dialerd.yaml'))?.[1];
    expect(job).toMatchObject({ job_name: 'dialerd', metrics_path: '/metrics', static_configs: [{ targets: [listen] }] });
    const jobs = [...dashboardText.matchAll(/job=\\"([^\\]+)\\"/g)].map((m) => m[1]);
    expect(jobs.length).toBeGreaterThan(0);
    expect(new Set(jobs)).toEqual(new Set([job?.job_name]));
    expect(flag(p, 'web.listen-address')).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});

describe('Grafana', () => {
  const g = services.grafana;

  it('is provisioned from docker/grafana: the datasource is the compose Prometheus, the provider reads the mounted dashboards', () => {
    for (const kind of ['datasources', 'dashboards']) expect(mountOf(g, `./docker/grafana/provisioning/${kind}`)).toBe(`/etc/grafana/provisioning/${kind}`);
    const ds = (parse(read('docker/grafana/provisioning/datasources/prometheus.yaml')) as { datasources: { type: string; url: string; isDefault: boolean }[] }).datasources;
    expect(ds).toEqual([expect.objectContaining({ type: 'prometheus', url: `http://${flag(services.prometheus, 'web.listen-address')}`, isDefault: true })]);
    const providers = (parse(read('docker/grafana/provisioning/dashboards/dialerd.yaml')) as { providers: { type: string; options: { path: string } }[] }).providers;
    const dir = mountOf(g, './docker/grafana/dashboards');
    expect(providers.map((p) => p.options.path)).toEqual([dir]);
    expect(g?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${dir}/dialerd.json`);
  });

  it('listens on loopback only, takes its admin password from the environment, lets nobody in anonymously', () => {
    expect(g?.environment).toMatchObject({ GF_SERVER_HTTP_ADDR: '127.0.0.1', GF_AUTH_ANONYMOUS_ENABLED: 'false', GF_USERS_ALLOW_SIGN_UP: 'false' });
    expect(g?.environment?.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
    expect(read('.ci/compose-config')).toMatch(/\bGRAFANA_ADMIN_PASSWORD=/);
  });

  it('every panel and query variable of the dashboard asks its Prometheus datasource variable', () => {
    expect(dashboard.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    const found: unknown[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) k === 'datasource' ? found.push(x) : walk(x);
    };
    walk(dashboard);
    expect(found.length).toBeGreaterThan(20);
    expect(new Set(found.map((d) => JSON.stringify(d)))).toEqual(new Set([JSON.stringify({ type: 'prometheus', uid: '${datasource}' })]));
  });
});
