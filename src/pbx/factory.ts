/** Build a PBX adapter from its daemon-config entry. */
import { readFile } from 'node:fs/promises';
import type { PbxConfig } from '../config/daemon-types.ts';
import type { Scheduler } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import { createAriAdapter } from './ari/index.ts';
import { createEslAdapter } from './esl/adapter.ts';
import type { PbxAdapter } from './port.ts';
import { parseOutcomes } from './sim/outcomes.ts';
import { SimPbx } from './sim/sim-adapter.ts';

export async function createPbx(cfg: PbxConfig, deps: { scheduler: Scheduler; logger: Logger }): Promise<PbxAdapter> {
  switch (cfg.type) {
    case 'sim': {
      const outcomes = cfg.outcomes ? parseOutcomes(await readFile(cfg.outcomes, 'utf8'), cfg.outcomes) : undefined;
      return new SimPbx({ name: cfg.name, scheduler: deps.scheduler, seed: cfg.seed, ...(outcomes ? { outcomes } : {}) });
    }
    case 'asterisk':
      return createAriAdapter(cfg, { clock: deps.scheduler, logger: deps.logger });
    case 'freeswitch':
      return createEslAdapter(cfg, { clock: deps.scheduler, logger: deps.logger });
  }
}
