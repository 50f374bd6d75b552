/**
 * The HTTP control API of the daemon (fastify). JSON in and out; every error is
 * `{ code, message }` with the catalog's status. Every request but /health and /metrics needs
 * the bearer token, every mutating one `Content-Type: application/json` (guard.ts).
 *
 *   GET    /health                              PBX links, store, live dials (503 when not ok)
 *   GET    /campaigns                           every campaign with counts
 *   GET    /campaigns/:id
 *   POST   /campaigns/:id/pause|resume|complete
 *   POST   /campaigns/:id/records               [{ id, phones: [...], timezone?, vars? }]
 *   DELETE /campaigns/:id/records/:recordId
 *   GET    /history?campaign=&result=&from=&to=&limit=&format=json|csv
 *   GET    /metrics                             Prometheus text
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiConfig } from '../config/daemon-types.ts';
import { DialerdError } from '../lib/errors.ts';
import type { ApiDeps } from './deps.ts';
import { errorReply } from './errors.ts';
import { guardApi } from './guard.ts';
import { MAX_BODY_BYTES } from './limits.ts';
import { MAX_RECORD_ID_LENGTH } from '../domain/record.ts';
import { createMetrics } from './metrics.ts';
import { campaignRoutes } from './routes-campaigns.ts';
import { healthRoutes } from './routes-health.ts';
import { historyRoutes } from './routes-history.ts';
import { recordRoutes } from './routes-records.ts';

export interface ApiServer {
  /** Base URL it answers on, e.g. http://127.0.0.1:8480 (the real port when 0 was asked). */
  readonly url: string;
  /** Stop accepting requests, finish those in flight. Idempotent. */
  close(): Promise<void>;
}

/** Build the fastify app (not listening): for `startApi` and tests using `inject`. */
export function buildApi(deps: ApiDeps, token: string | null): { app: FastifyInstance; dispose: () => void } {
  let storeUp = true;
  const off = deps.store.onStatus?.((up) => void (storeUp = up));
  // A record id (up to MAX_RECORD_ID_LENGTH characters, decoded) is a path parameter; fastify's default stops at 100 (414).
  const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, routerOptions: { maxParamLength: MAX_RECORD_ID_LENGTH } });
  const metrics = createMetrics(deps, () => storeUp);

  app.setErrorHandler((err, req, reply) => {
    const r = errorReply(err);
    if (r.internal) deps.logger.error({ err, method: req.method, url: req.url }, 'control API request failed');
    void reply.code(r.status).send(r.body);
  });
  app.setNotFoundHandler((req, reply) => {
    const r = errorReply(new DialerdError('DIALERD_ERR_NOT_FOUND', `${req.method} ${req.url.split('?')[0]}`));
    void reply.code(r.status).send(r.body);
  });

  guardApi(app, token);
  campaignRoutes(app, deps);
  historyRoutes(app, deps);
  recordRoutes(app, deps);
  healthRoutes(app, deps, metrics, () => storeUp);
  return {
    app,
    dispose: () => {
      metrics.close();
      off?.();
    },
  };
}

/** Listen on `listen`. Rejects with DIALERD_ERR_CONFIG_INVALID when the address cannot be bound (in use, not local). */
export async function startApi(deps: ApiDeps, listen: ApiConfig): Promise<ApiServer> {
  const { app, dispose } = buildApi(deps, listen.token);
  let address: string;
  try {
    address = await app.listen({ host: listen.host, port: listen.port });
  } catch (err) {
    dispose();
    await app.close().catch(() => undefined);
    const why = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
    throw new DialerdError('DIALERD_ERR_CONFIG_INVALID', `api.listen ${listen.host}:${listen.port} cannot be bound (${why})`, { cause: err });
  }
  deps.logger.info({ url: address }, `control API listening on ${address}`);
  if (listen.token === null) {
    deps.logger.warn({ url: address }, 'control API has NO authentication (api.auth: none): anyone who can reach it can pause, complete and add records, and read the call history');
  }
  let closing: Promise<void> | null = null;
  return {
    url: address,
    close: () =>
      (closing ??= (async () => {
        dispose();
        await app.close();
      })()),
  };
}
