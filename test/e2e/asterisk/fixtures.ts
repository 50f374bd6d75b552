/** Shared bits of the adapter-level e2e files. */
import { realScheduler } from '../../../src/lib/clock.ts';
import { createLogger, silentLogger } from '../../../src/lib/logger.ts';
import type { DialRequest } from '../../../src/pbx/port.ts';
import { createAriAdapter } from '../../../src/pbx/ari/index.ts';
import { ARI } from './harness.ts';

export const logger = process.env.E2E_LOG ? createLogger(process.env.E2E_LOG, { pretty: false }) : silentLogger();

export function newAdapter(app: string, reconnect = { baseMs: 100, maxMs: 1000 }) {
  return createAriAdapter({ name: 'ast1', ...ARI, app }, { clock: realScheduler, logger, reconnect });
}

let seq = 0;
export function dialRequest(endpoint: string, over: Partial<DialRequest> = {}): DialRequest {
  seq += 1;
  return {
    dialId: `e2e-${process.pid}-${Date.now().toString(36)}-${seq}`,
    campaign: 'e2e',
    record: `r${seq}`,
    number: '+15550001000',
    endpoint,
    callerId: '"dialerd" <5550001>',
    ringTimeoutSeconds: 10,
    vars: { NAME: 'Test' },
    amd: { enabled: false, params: {} },
    onAnswer: { context: 'dialerd-hold', extension: 's', priority: 1 },
    ...over,
  };
}
