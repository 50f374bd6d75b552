/** Shared bits of the adapter-level e2e files. */
import { realScheduler } from '../../../src/lib/clock.ts';
import { createAriAdapter } from '../../../src/pbx/ari/index.ts';
import { logger } from '../shared/fixtures.ts';
import { ARI } from './harness.ts';

export { dialRequest, logger } from '../shared/fixtures.ts';

export function newAdapter(app: string, reconnect = { baseMs: 100, maxMs: 1000 }) {
  return createAriAdapter({ name: 'ast1', ...ARI, app }, { clock: realScheduler, logger, reconnect });
}
