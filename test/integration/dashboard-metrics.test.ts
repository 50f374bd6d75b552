/**
 * The Grafana dashboard (docker/grafana/dashboards/dialerd.json) asks only for series a running
 * daemon exports: every metric name in every PromQL expression and variable query is a sample on
 * GET /metrics after a few dials (so labelled series exist), of a family its `# TYPE` declares.
 * README's metrics table lists exactly the dialerd_* families exported.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINAL_STATES } from '../../src/domain/types.ts';
import { parsePromText, type PromText } from '../helpers/prom-text.ts';
import { familyOf, promqlMetricNames } from '../helpers/promql-names.ts';
import { until } from '../helpers/until.ts';
import { daemonEvents, rows, startTestDaemon, type TestDaemon } from './api-harness.ts';

interface Panel {
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

const root = new URL('../../', import.meta.url);
const dashboard = JSON.parse(readFileSync(new URL('docker/grafana/dashboards/dialerd.json', root), 'utf8')) as {
  panels: Panel[];
  templating: { list: { name: string; type: string; query: { query: string } | string }[] };
};

/** Every PromQL text of the dashboard, with where it is. */
function expressions(): { where: string; expr: string }[] {
  const walk = (ps: Panel[]): { where: string; expr: string }[] =>
    ps.flatMap((p) => [...(p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })), ...walk(p.panels ?? [])]);
  const vars = dashboard.templating.list.filter((v) => v.type === 'query').map((v) => ({ where: `variable $${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query.query }));
  return [...walk(dashboard.panels), ...vars];
}

describe('promqlMetricNames', () => {
  it('takes metric names only: not labels, strings, ranges, functions, grouping, variables or numbers', () => {
    expect(promqlMetricNames('histogram_quantile(0.99, sum by (le, op) (rate(a_seconds_bucket{outcome="ok"}[$__rate_interval])))')).toEqual(['a_seconds_bucket']);
    expect(promqlMetricNames('60 * sum by (trunk) (rate(x_total{trunk=~"$trunk"}[5m])) / ignoring(z) y offset 1h > bool 1e3')).toEqual(['x_total', 'y']);
    expect(promqlMetricNames('label_values(dialerd_campaign_state, campaign)')).toEqual(['dialerd_campaign_state']);
  });

  it('resolves _bucket/_sum/_count/_total samples to their family', () => {
    const f = new Map([['h', 'histogram'], ['c_total', 'counter'], ['o', 'counter']]);
    expect(['h_bucket', 'h_count', 'c_total', 'o_total', 'h'].map((n) => familyOf(n, f))).toEqual(['h', 'h', 'c_total', 'o', 'h']);
    expect(familyOf('nope_bucket', f)).toBeUndefined();
  });
});

describe('the dashboard against a running daemon', () => {
  let t: TestDaemon;
  let metrics: PromText;

  beforeAll(async () => {
    t = await startTestDaemon([{ id: 'dash', rows: rows(3, 4), yaml: ['concurrency: 2', 'complete_when_done: true'] }]);
    await until(() => t.daemon.engine.campaign('dash')?.status.state === 'completed', 'campaign completed', { wake: daemonEvents(t) });
    const r = await t.http('GET', '/metrics');
    expect(r.status).toBe(200);
    metrics = parsePromText(r.text);
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('has expressions to check', () => {
    expect(expressions().length).toBeGreaterThan(15);
  });

  it('every metric name of every expression is a series /metrics exports, of a declared family', () => {
    const missing: string[] = [];
    for (const { where, expr } of expressions()) {
      const names = promqlMetricNames(expr);
      if (names.length === 0) missing.push(`${where}: no metric in ${expr}`);
      for (const n of names) {
        if (!metrics.sampleNames.has(n) || familyOf(n, metrics.families) === undefined) missing.push(`${where}: ${n}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('campaign progress counts exactly the final record states', () => {
    const progress = expressions().find((e) => e.where === 'panel "Campaign progress (records final)"');
    const states = /state=~"([^"]+)"/.exec(progress?.expr ?? '')?.[1]?.split('|');
    expect(states?.sort()).toEqual([...FINAL_STATES].sort());
  });

  it("README's metrics table lists exactly the dialerd_* families exported", () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const [start, end] = [readme.indexOf('<!-- metrics:start -->'), readme.indexOf('<!-- metrics:end -->')];
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const table = readme.slice(start, end);
    const documented = [...table.matchAll(/^\| `(dialerd_\w+)/gm)].map((m) => m[1]);
    const exported = [...metrics.families.keys()].filter((f) => f.startsWith('dialerd_'));
    expect(documented.sort()).toEqual(exported.sort());
  });
});
