/** GET /health (503 when not ok, for load balancers and probes) and GET /metrics (Prometheus text). */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.ts';
import type { Metrics } from './metrics.ts';
import { healthView } from './views.ts';

export function healthRoutes(app: FastifyInstance, deps: ApiDeps, metrics: Metrics, storeUp: () => boolean): void {
  app.get('/health', async (_req, reply) => {
    const h = healthView(deps, storeUp());
    return reply.code(h.ok ? 200 : 503).send(h);
  });

  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
