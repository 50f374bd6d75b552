/**
 * Campaign state-change webhooks against a real local HTTP server: retried with backoff on
 * 5xx and network errors, not on other 4xx, delivered in order, never blocking the caller;
 * and wired into the daemon (`notify.webhook`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { WebhookNotifier, type WebhookOptions } from '../../src/api/webhook.ts';
import type { CampaignChange } from '../../src/engine/types.ts';
import { realScheduler } from '../../src/lib/clock.ts';
import { silentLogger, type Logger } from '../../src/lib/logger.ts';
import { daemonEvents, rows, startTestDaemon, type TestDaemon } from './api-harness.ts';
import { until } from '../helpers/until.ts';

interface Hit {
  path: string;
  type: string | undefined;
  auth: string | undefined;
  body: CampaignChange;
}

/** A receiver answering each request with the next status of `script` (the last repeats); 0 = never answer. */
class Receiver {
  readonly hits: Hit[] = [];
  script: number[] = [200];
  /** Where a 3xx of the script points. */
  location = 'http://127.0.0.1:1/';
  private waiters: (() => void)[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const r: Receiver = new Receiver(createServer((req, res) => void r.onRequest(req, res)));
    await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
    return r;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async onRequest(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const status = this.script[Math.min(this.hits.length, this.script.length - 1)]!;
    this.hits.push({ path: req.url ?? '', type: req.headers['content-type'], auth: req.headers.authorization, body: JSON.parse(text) as CampaignChange });
    for (const w of this.waiters.splice(0)) w();
    if (status !== 0) res.writeHead(status, status >= 300 && status < 400 ? { location: this.location } : {}).end();
  }

  /** Resolves once `n` requests arrived. */
  hitsAtLeast(n: number): Promise<void> {
    if (this.hits.length >= n) return Promise.resolve();
    return new Promise((ok) => this.waiters.push(() => void (this.hits.length >= n ? ok() : this.hitsAtLeast(n).then(ok))));
  }

  reset(script: number[]): void {
    this.hits.length = 0;
    this.script = script;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((ok) => this.server.close(() => ok()));
  }
}

const change = (id: string, to: CampaignChange['to'] = 'paused'): CampaignChange => ({ id, from: 'running', to, reason: 'manual', detail: null, at: 1_700_000_000_000 });

function notifier(url: string, attempts = 4, timeoutMs = 2000, more: Partial<WebhookOptions> = {}): WebhookNotifier {
  return new WebhookNotifier({ url, scheduler: realScheduler, logger: silentLogger(), attempts, retry: { baseMs: 10, maxMs: 40 }, timeoutMs, ...more });
}

/** A pino logger keeping every line it writes. */
function capturingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  return { logger: pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) }), text: () => lines.join('') };
}

let rx: Receiver;

beforeAll(async () => {
  rx = await Receiver.start();
});

afterAll(async () => {
  await rx?.close();
});

describe('WebhookNotifier', () => {
  it('waits between tries as lib/backoff.ts says: doubling from retry.baseMs, jittered, never past retry.maxMs', async () => {
    rx.reset([500]);
    const delays: number[] = [];
    const scheduler = { ...realScheduler, at: (t: number, fn: () => void) => (delays.push(t - realScheduler.now()), realScheduler.at(t, fn)) };
    const n = notifier(rx.url, 6, 2000, { scheduler, retry: { baseMs: 8, maxMs: 20 } });
    n.notify(change('b'));
    await n.idle();
    expect(rx.hits).toHaveLength(6);
    expect(delays).toHaveLength(5);
    for (const [i, d] of delays.entries()) {
      const ceiling = Math.min(20, 8 * 2 ** i);
      expect(d, `delay ${i}`).toBeGreaterThanOrEqual(ceiling / 2 - 2);
      expect(d, `delay ${i}`).toBeLessThanOrEqual(ceiling + 1);
    }
  });

  it('POSTs the CampaignChange JSON and retries a 5xx until it is taken', async () => {
    rx.reset([503, 500, 200]);
    const n = notifier(`${rx.url}/hook`);
    expect(n.notify(change('a'))).toBeUndefined(); // enqueues, returns at once
    await n.idle();
    expect(rx.hits).toHaveLength(3);
    expect(rx.hits.map((h) => h.body)).toEqual([change('a'), change('a'), change('a')]);
    expect(rx.hits[0]).toMatchObject({ path: '/hook', type: 'application/json' });
    expect(n.stats).toEqual({ delivered: 1, dropped: 0 });
  });

  it('delivers changes in the order they happened, one at a time', async () => {
    rx.reset([503, 200]);
    const n = notifier(rx.url);
    n.notify(change('a', 'paused'));
    n.notify(change('a', 'running'));
    n.notify(change('a', 'completed'));
    await n.idle();
    expect(rx.hits.map((h) => h.body.to)).toEqual(['paused', 'paused', 'running', 'completed']);
    expect(n.stats.delivered).toBe(3);
  });

  it('gives up after the attempts, and at once on a 4xx other than 408/429', async () => {
    rx.reset([502]);
    const n = notifier(rx.url, 3);
    n.notify(change('gone'));
    await n.idle();
    expect(rx.hits).toHaveLength(3);
    rx.reset([400]);
    n.notify(change('refused'));
    await n.idle();
    expect(rx.hits).toHaveLength(1);
    expect(n.stats).toEqual({ delivered: 0, dropped: 2 });
  });

  it('retries a receiver that does not answer in time; close() drops what is left', async () => {
    rx.reset([0, 200]);
    const n = notifier(rx.url, 3, 100);
    n.notify(change('slow'));
    await n.idle();
    expect(rx.hits).toHaveLength(2);
    expect(n.stats.delivered).toBe(1);

    rx.reset([0]);
    n.notify(change('stuck'));
    await rx.hitsAtLeast(1);
    await n.close(50);
    expect(n.stats.dropped).toBe(1);
    n.notify(change('after-close'));
    await n.idle();
    expect(rx.hits.map((h) => h.body.id)).not.toContain('after-close');
  });
});

describe('webhook secrets and redirects', () => {
  it('never logs the credentials or the query string of the URL; sends them where they belong', async () => {
    rx.reset([500]);
    const log = capturingLogger();
    const { port } = new URL(rx.url);
    const n = notifier(`http://ops:pw-s3cret@127.0.0.1:${port}/hook?token=t0ken-s3cret#frag`, 2, 2000, { logger: log.logger });
    n.notify(change('a'));
    await n.idle();
    expect(rx.hits).toHaveLength(2);
    // The receiver gets the query string and the credentials, as Basic authentication.
    expect(rx.hits[0]).toMatchObject({ path: '/hook?token=t0ken-s3cret', auth: `Basic ${Buffer.from('ops:pw-s3cret').toString('base64')}` });
    const logged = log.text();
    expect(logged).toContain(`"url":"http://***@127.0.0.1:${port}/***?***"`);
    expect(logged).toContain('webhook delivery failed; giving up');
    expect(logged).not.toMatch(/s3cret|t0ken|ops:/);
  });

  it('sends the configured header (its value from the environment) with every request', async () => {
    rx.reset([200]);
    const n = notifier(`${rx.url}/h`, 2, 2000, { header: { name: 'Authorization', value: 'Bearer hook-s3cret' } });
    n.notify(change('a'));
    await n.idle();
    expect(rx.hits.map((h) => h.auth)).toEqual(['Bearer hook-s3cret']);
  });

  it('does not follow a redirect (to another origin or not): given up at once, the target gets nothing', async () => {
    const other = await Receiver.start();
    try {
      for (const location of [`${other.url}/stolen`, `${rx.url}/same-origin`]) {
        rx.reset([302, 200]);
        rx.location = location;
        const log = capturingLogger();
        const n = notifier(`${rx.url}/hook`, 4, 2000, { logger: log.logger, header: { name: 'Authorization', value: 'Bearer hook-s3cret' } });
        n.notify(change('a'));
        await n.idle();
        expect(rx.hits.map((h) => h.path)).toEqual(['/hook']);
        expect(other.hits).toEqual([]);
        expect(n.stats).toEqual({ delivered: 0, dropped: 1 });
        expect(log.text()).toContain('HTTP 302: redirects are not followed');
      }
    } finally {
      await other.close();
    }
  });
});

describe('the daemon with notify.webhook', () => {
  let t: TestDaemon;

  afterAll(async () => {
    await t?.stop();
  });

  it('announces campaign state changes made through the API', async () => {
    rx.reset([200]);
    t = await startTestDaemon([{ id: 'wh', rows: rows(0, 2) }], { notify: { webhook: `${rx.url}/dialerd`, header: { name: 'Authorization', value: 'Bearer daemon-key' } } });
    await until(() => t.daemon.engine.campaign('wh')?.status.state === 'running', 'wh running', { wake: daemonEvents(t) });
    await rx.hitsAtLeast(1);
    expect(rx.hits[0]!.body).toMatchObject({ id: 'wh', from: 'draft', to: 'running' });
    expect(rx.hits[0]!.auth).toBe('Bearer daemon-key'); // notify.header reaches the notifier

    expect((await t.http('POST', '/campaigns/wh/pause')).status).toBe(200);
    await rx.hitsAtLeast(2);
    expect(rx.hits[1]).toMatchObject({ path: '/dialerd', body: { id: 'wh', from: 'running', to: 'paused', reason: 'manual' } });
    expect(typeof rx.hits[1]!.body.at).toBe('number');

    expect((await t.http('POST', '/campaigns/wh/complete')).status).toBe(200);
    await rx.hitsAtLeast(3);
    expect(rx.hits[2]!.body).toMatchObject({ id: 'wh', from: 'paused', to: 'completed', reason: 'manual' });
  });
});
