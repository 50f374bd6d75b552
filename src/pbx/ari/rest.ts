/**
 * ARI's REST half: one bounded keep-alive socket pool, a deadline on every request, typed errors.
 * Asterisk's http.conf `sessionlimit` (default 100) counts idle keep-alive sockets too, so the pool
 * is small and fixed; requests beyond it queue in the agent instead of opening sockets.
 */
import http from 'node:http';
import { DialerdError } from '../../lib/errors.ts';

export interface RestOptions {
  /** Base URL up to and including `/ari`, e.g. `http://127.0.0.1:8088/ari`. */
  baseUrl: string;
  username: string;
  password: string;
  /** Sockets in the pool (default 16). */
  maxSockets?: number;
  /** Deadline of one request, queueing in the pool included (default 5000). */
  timeoutMs?: number;
}

export interface RestResponse {
  status: number;
  body: unknown;
}

export interface AriRest {
  call(method: 'GET' | 'POST' | 'DELETE' | 'PUT', path: string, opts?: { query?: Record<string, string>; body?: unknown; timeoutMs?: number }): Promise<RestResponse>;
  close(): void;
}

/** `cfg.url` may be the server (`http://h:8088`) or ARI's root (`http://h:8088/ari`). */
export function ariBaseUrl(url: string): string {
  const u = url.replace(/\/+$/, '');
  return u.endsWith('/ari') ? u : `${u}/ari`;
}

/**
 * The transport failed before any response. `notSent` is true only when Asterisk certainly never
 * saw the request (connection refused), which is what lets an originate be reported as refused.
 */
export class AriTransportError extends DialerdError {
  readonly notSent: boolean;
  constructor(detail: string, notSent: boolean, cause: unknown) {
    super('DIALERD_ERR_PBX_DOWN', detail, { cause });
    this.notSent = notSent;
  }
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function createAriRest(opts: RestOptions): AriRest {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 16, maxFreeSockets: opts.maxSockets ?? 16 });
  const auth = 'Basic ' + Buffer.from(`${opts.username}:${opts.password}`).toString('base64');
  const base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);

  function call(method: string, path: string, o: { query?: Record<string, string>; body?: unknown; timeoutMs?: number } = {}): Promise<RestResponse> {
    const url = new URL(path.replace(/^\//, ''), base);
    for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
    const payload = o.body === undefined ? null : Buffer.from(JSON.stringify(o.body));
    const timeoutMs = o.timeoutMs ?? opts.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { Authorization: auth, Accept: 'application/json' };
      if (payload) {
        headers['Content-Type'] = 'application/json';
        headers['Content-Length'] = payload.length;
      }
      const req = http.request(url, { method, agent, headers });
      const timer = setTimeout(() => {
        req.destroy();
        reject(new DialerdError('DIALERD_ERR_PBX_TIMEOUT', `${method} ${url.pathname} after ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(new AriTransportError(`${method} ${url.pathname}: ${err.message}`, false, err));
        });
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            /* plain-text bodies (e.g. 401) stay text */
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new AriTransportError(`${method} ${url.pathname}: ${err.code ?? err.message}`, NOT_SENT_CODES.has(err.code ?? ''), err));
      });
      req.end(payload ?? undefined);
    });
  }

  return { call: call as AriRest['call'], close: () => agent.destroy() };
}

/** Asterisk's error bodies are `{"message": "..."}`. */
export function errorMessage(r: RestResponse): string {
  const b = r.body as { message?: unknown } | string | null;
  if (typeof b === 'string') return `HTTP ${r.status} ${b.trim()}`;
  return `HTTP ${r.status} ${typeof b?.message === 'string' ? b.message : ''}`.trim();
}
