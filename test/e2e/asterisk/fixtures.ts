/** Shared bits of the adapter-level e2e files. */
import { realScheduler } from '../../../src/lib/clock.ts';
import { createLogger, silentLogger } from '../../../src/lib/logger.ts';
import { createAriAdapter } from '../../../src/pbx/ari/index.ts';
import { ARI } from './harness.ts';

export const logger = process.env.E2E_LOG ? createLogger(process.env.E2E_LOG, { pretty: false }) : silentLogger();

export function newAdapter(app: string, reconnect = { baseMs: 100, maxMs: 1000 }) {
  return createAriAdapter({ name: 'ast1', ...ARI, app }, { clock: realScheduler, logger, reconnect });
}

export { dialRequest } from '../../helpers/dial-request.ts';
