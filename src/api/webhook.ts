/**
 * Campaign state-change webhooks (domain.md §7). Every engine 'campaign' event is POSTed as its
 * CampaignChange JSON to the configured URL, in order, one at a time; a delivery that fails
 * (network error, timeout, 5xx, 408, 429) is retried with exponential backoff a few times, then
 * dropped with an error log. Other 4xx are not retried (the receiver refused it), nor are
 * redirects: they are never followed (a receiver cannot send the changes, or the credentials, to
 * another host). Never blocks or throws into the engine: `notify` only enqueues.
 *
 * Credentials in the URL (`https://user:pass@…`) are sent as Basic authentication; the optional
 * `header` (e.g. Authorization) is sent with every request. Logs show the URL without user,
 * password or query string.
 */
import { backoffDelay, type BackoffPolicy } from '../lib/backoff.ts';
import type { CampaignChange } from '../engine/types.ts';
import type { Scheduler, Timer } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { redactUrl } from '../lib/redact.ts';

const WEBHOOK_RETRY: BackoffPolicy = { baseMs: 1000, maxMs: 30_000 };

export interface WebhookOptions {
  url: string;
  /** Sent with every request, e.g. `{ name: 'Authorization', value: 'Bearer …' }`. */
  header?: { name: string; value: string } | null | undefined;
  scheduler: Scheduler;
  logger: Logger;
  /** Deliveries tried per change (default 5). */
  attempts?: number;
  /** Delay between tries (lib/backoff.ts: doubling, capped, jittered; default 1 s up to 30 s). */
  retry?: BackoffPolicy;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Changes kept waiting at most; the oldest is dropped past it (default 1000). */
  maxQueue?: number;
}

/** The events a webhook listens to (the Engine has it). */
export interface CampaignEvents {
  on(event: 'campaign', listener: (c: CampaignChange) => void): unknown;
  off(event: 'campaign', listener: (c: CampaignChange) => void): unknown;
}

export class WebhookNotifier {
  private readonly queue: CampaignChange[] = [];
  private running: Promise<void> | null = null;
  private closed = false;
  private wait: { timer: Timer; resolve: () => void } | null = null;
  private readonly abort = new AbortController();
  /** Deliveries that succeeded / were given up, for tests and logs. */
  readonly stats = { delivered: 0, dropped: 0 };

  /** Where requests go (credentials taken out), what they carry, and the URL as logs show it. */
  private readonly target: string;
  private readonly headers: Record<string, string>;
  private readonly shown: string;

  constructor(private readonly opts: WebhookOptions) {
    const u = new URL(opts.url);
    this.headers = { 'content-type': 'application/json', 'user-agent': 'dialerd' };
    if (u.username !== '' || u.password !== '') {
      const basic = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
      this.headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
      u.username = '';
      u.password = '';
    }
    if (opts.header) this.headers[opts.header.name.toLowerCase()] = opts.header.value;
    this.target = u.href;
    this.shown = redactUrl(opts.url);
  }

  /** Subscribe to an engine's 'campaign' events; returns the unsubscribe. */
  attach(events: CampaignEvents): () => void {
    const fn = (c: CampaignChange): void => this.notify(c);
    events.on('campaign', fn);
    return () => void events.off('campaign', fn);
  }

  /** Enqueue one change; returns at once. */
  notify(change: CampaignChange): void {
    if (this.closed) return;
    if (this.queue.length >= (this.opts.maxQueue ?? 1000)) {
      const lost = this.queue.shift()!;
      this.stats.dropped++;
      this.opts.logger.error({ campaign: lost.id, to: lost.to }, 'webhook queue full: oldest campaign change dropped');
    }
    this.queue.push(change);
    this.running ??= this.drain().finally(() => (this.running = null));
  }

  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Try what is queued until `graceMs` passes, then abort the rest. Idempotent. */
  async close(graceMs = 3000): Promise<void> {
    if (this.closed) return this.running ?? undefined;
    const deadline = this.opts.scheduler.at(this.opts.scheduler.now() + graceMs, () => this.stop());
    await this.idle();
    deadline.cancel();
    this.stop();
  }

  private stop(): void {
    this.closed = true;
    if (this.queue.length > 0) this.opts.logger.warn({ pending: this.queue.length }, 'webhook: undelivered campaign changes dropped at shutdown');
    this.stats.dropped += this.queue.length;
    this.queue.length = 0;
    this.abort.abort();
    this.wait?.timer.cancel();
    this.wait?.resolve();
  }

  private async drain(): Promise<void> {
    for (let c = this.queue.shift(); c; c = this.queue.shift()) await this.deliver(c);
  }

  private async deliver(change: CampaignChange): Promise<void> {
    const attempts = this.opts.attempts ?? 5;
    for (let i = 1; i <= attempts && !this.closed; i++) {
      const r = await this.post(change);
      if (r.ok) {
        this.stats.delivered++;
        return;
      }
      const last = i === attempts || !r.retry;
      this.opts.logger[last ? 'error' : 'warn'](
        { url: this.shown, campaign: change.id, to: change.to, attempt: i, why: r.why },
        last ? 'webhook delivery failed; giving up' : 'webhook delivery failed; retrying',
      );
      if (last) break;
      await this.sleep(backoffDelay(i - 1, this.opts.retry ?? WEBHOOK_RETRY));
    }
    this.stats.dropped++;
  }

  private async post(change: CampaignChange): Promise<{ ok: true } | { ok: false; retry: boolean; why: string }> {
    try {
      const res = await fetch(this.target, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(change),
        redirect: 'manual',
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.opts.timeoutMs ?? 5000)]),
      });
      await res.body?.cancel();
      if (res.ok) return { ok: true };
      if (res.status >= 300 && res.status < 400) return { ok: false, retry: false, why: `HTTP ${res.status}: redirects are not followed` };
      return { ok: false, retry: res.status >= 500 || res.status === 408 || res.status === 429, why: `HTTP ${res.status}` };
    } catch (err) {
      const e = err as { cause?: { code?: string }; name?: string; message?: string };
      return { ok: false, retry: true, why: e.cause?.code ?? e.name ?? String(err) };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.opts.scheduler.at(this.opts.scheduler.now() + ms, () => {
        this.wait = null;
        resolve();
      });
      this.wait = { timer, resolve };
    });
  }
}
