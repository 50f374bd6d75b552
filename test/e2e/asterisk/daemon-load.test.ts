/**
 * The whole daemon on a real Asterisk: a 200-record campaign at concurrency 20 (Asterisk's own
 * channel count, sampled every 50 ms, never above 20; every record ends as its number's script
 * implies), then Asterisk killed mid-campaign and restarted (pause `pbx_down`, resume, no record
 * lost, none dialed twice at once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryRow } from '../../../src/domain/types.ts';
import { CARRIER, startDaemon, startRedis, writeConfig, type Observed } from './daemon-env.ts';
import { asterisk, asteriskChannels, startSipp, until, type Sipp } from './harness.ts';
import { carrierScenario } from '../shared/sipp-carrier.ts';

/** Distinct valid London numbers whose last three digits pick the carrier's answer. */
const num = (i: number, suffix: string): string => `+4420${70000 + i}${suffix}`;

function byRecord(rows: HistoryRow[]): Map<string, HistoryRow[]> {
  const m = new Map<string, HistoryRow[]>();
  for (const r of rows) m.set(r.record, [...(m.get(r.record) ?? []), r]);
  return m;
}

describe('dialerd run on a real Asterisk: load and crash', () => {
  let redis: { stop(): Promise<void> };
  let carrier: Sipp;
  let o: Observed | null = null;

  beforeAll(async () => {
    redis = await startRedis();
    carrier = await startSipp('daemon-load-carrier', carrierScenario(CARRIER), 15070, 300);
  });
  afterAll(async () => {
    await o?.daemon.stop(0);
    await carrier?.stop();
    await redis?.stop();
    await asterisk('start');
  });

  it('200 records at concurrency 20: never more than 20 channels in Asterisk, every record final as scripted', async () => {
    const numbers = Array.from({ length: 200 }, (_, i) => num(i, i % 4 === 3 ? '486' : '210'));
    const cfg = writeConfig({
      load: {
        numbers,
        yaml: `concurrency: 20\ncalls_per_second: 100\nring_timeout: 10s\non_answer: { context: dialerd-hold, extension: s }
attempts: { per_record: 3, short_call: 0s }\ncomplete_when_done: true
rules:\n  answered: done\n  busy: { repeat: { times: 1, every: 1s }, then: stop_record }\n`,
      },
    });
    const samples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push((await asteriskChannels()).length);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = Date.now();
    o = await startDaemon(cfg);
    const obs = o;
    await until(() => obs.finals.length === 200, 'all 200 records final', 120_000);
    const elapsed = (Date.now() - t0) / 1000;
    sampling = false;
    await sampler;
    expect(Math.max(...samples)).toBeLessThanOrEqual(20);
    expect(Math.max(...samples)).toBeGreaterThanOrEqual(18);
    expect(samples.length).toBeGreaterThan(elapsed * 5);
    const dials = byRecord(obs.dials);
    for (const f of obs.finals) {
      const i = Number(f.record.split('-')[1]) - 1;
      const busy = i % 4 === 3;
      expect({ record: f.record, state: f.state }).toEqual({ record: f.record, state: busy ? 'exhausted' : 'done' });
      expect(dials.get(f.record)!.map((d) => d.result)).toEqual(busy ? ['busy', 'busy'] : ['answered']);
    }
    expect(new Set(obs.dials.map((d) => d.dialId)).size).toBe(obs.dials.length);
    expect(await asteriskChannels()).toEqual([]);
    await o.daemon.stop(0);
    o = null;
    console.log(`[e2e] daemon: 200 records / ${obs.dials.length} dials at 20 in ${elapsed.toFixed(1)} s, max ${Math.max(...samples)} channels`);
  });

  it('Asterisk killed mid-campaign: pauses with pbx_down, resumes, no record lost or dialed twice at once', async () => {
    const numbers = Array.from({ length: 30 }, (_, i) => num(500 + i, '230'));
    const cfg = writeConfig({
      crash: {
        numbers,
        yaml: `concurrency: 10\ncalls_per_second: 100\nring_timeout: 10s\non_answer: { context: dialerd-hold, extension: s }
attempts: { per_record: 9, short_call: 2s, technical_errors: { first_delay: 1s, factor: 1, max_delay: 1s, free: 9 } }
complete_when_done: true
rules:\n  answered: done\n  answered_short: { retry_after: 1s }\n  failed: { retry_after: 1s }\n  no_answer: { retry_after: 1s }\n  congestion: { retry_after: 1s }\n  lost: { retry_after: 1s }\n`,
      },
    });
    o = await startDaemon(cfg);
    const obs = o;
    await until(() => obs.dials.length >= 10 && obs.daemon.engine.live() >= 8, 'calls under way', 30_000);
    await asterisk('kill');
    await until(() => obs.changes.some((c) => c.id === 'crash' && c.to === 'paused' && c.reason === 'pbx_down'), 'paused pbx_down', 15_000);
    const liveAtCrash = obs.daemon.engine.live();
    await asterisk('start');
    await until(() => obs.changes.some((c) => c.id === 'crash' && c.from === 'paused' && c.to === 'running'), 'resumed', 30_000);
    await until(() => obs.finals.length === 30, 'all 30 records final', 120_000);
    expect(liveAtCrash).toBeGreaterThan(0);
    expect(obs.finals.every((f) => f.state === 'done')).toBe(true);
    expect(new Set(obs.dials.map((d) => d.dialId)).size).toBe(obs.dials.length);
    for (const [record, rows] of byRecord(obs.dials)) {
      const sorted = [...rows].sort((a, b) => a.startedAt - b.startedAt);
      for (let k = 1; k < sorted.length; k++) expect(sorted[k]!.startedAt, `${record} overlapping dials`).toBeGreaterThanOrEqual(sorted[k - 1]!.endedAt);
      expect(sorted.filter((r) => r.result === 'answered')).toHaveLength(sorted.at(-1)!.result === 'answered' ? 1 : 0);
    }
    expect(await asteriskChannels()).toEqual([]);
  });
});
