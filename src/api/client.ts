/**
 * The control API as the CLI sees it: JSON over HTTP (Node's fetch). Failures are typed:
 * `ApiError` carries the server's `{ code, message }` and status; `ApiUnreachable` means no
 * daemon answered at the base URL.
 */
import type { ErrorCode } from '../lib/errors.ts';

/** The default base URL when neither --api nor DIALERD_API says otherwise. */
export const DEFAULT_API_URL = 'http://127.0.0.1:8480';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class ApiUnreachable extends Error {
  constructor(readonly base: string, readonly why: string) {
    super(`cannot reach the dialerd API at ${base} (${why}); is the daemon running with api.listen set?`);
    this.name = 'ApiUnreachable';
  }
}

export class ApiClient {
  readonly base: string;

  /**
   * `token` is sent as `Authorization: Bearer <token>` on every request. Throws ApiError
   * DIALERD_ERR_USAGE for a base that is not an http(s) URL.
   */
  constructor(base: string, private readonly token: string | null = null, private readonly timeoutMs = 30_000) {
    let u: URL;
    try {
      u = new URL(base);
    } catch {
      throw new ApiError('DIALERD_ERR_USAGE', 400, `--api: "${base}" is not a URL (e.g. ${DEFAULT_API_URL})`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ApiError('DIALERD_ERR_USAGE', 400, `--api: "${base}" is not an http(s) URL`);
    this.base = u.href.replace(/\/+$/, '');
  }

  /** A JSON request; resolves the parsed answer of a 2xx (or of a status in `alsoOk`), throws ApiError otherwise. */
  async json<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, alsoOk: number[] = []): Promise<T> {
    const res = await this.send(method, path, body, alsoOk);
    const text = await res.text();
    return JSON.parse(text) as T;
  }

  /** A GET whose answer is text (CSV, metrics). */
  async text(path: string): Promise<string> {
    return (await this.send('GET', path)).text();
  }

  private async send(method: string, path: string, body?: unknown, alsoOk: number[] = []): Promise<Response> {
    let res: Response;
    try {
      const headers: Record<string, string> = this.token === null ? {} : { authorization: `Bearer ${this.token}` };
      // The API takes only JSON on POST and DELETE, body or not.
      if (method !== 'GET') headers['content-type'] = 'application/json';
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as { cause?: { code?: string; message?: string }; message?: string };
      throw new ApiUnreachable(this.base, e.cause?.code ?? e.cause?.message ?? e.message ?? String(err));
    }
    if (res.ok || alsoOk.includes(res.status)) return res;
    const text = await res.text();
    let parsed: { code?: unknown; message?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // Not ours (a proxy's error page): keep the status.
    }
    const code = typeof parsed.code === 'string' ? parsed.code : `HTTP_${res.status}`;
    const message = typeof parsed.message === 'string' ? parsed.message : `HTTP ${res.status} from ${this.base}${path}`;
    throw new ApiError(code, res.status, message);
  }
}

/** Path segment escaping for ids. */
export const seg = (s: string): string => encodeURIComponent(s);
