/** Shared bits of the adapter-level e2e files (Asterisk and FreeSWITCH). */
import { createLogger, silentLogger } from '../../../src/lib/logger.ts';
import type { DialRequest } from '../../../src/pbx/port.ts';

/** Silent unless E2E_LOG names a level. */
export const logger = process.env.E2E_LOG ? createLogger(process.env.E2E_LOG, { pretty: false }) : silentLogger();

let seq = 0;
/** A request with a fresh dialId; `over` replaces any field (the defaults suit the Asterisk dialplan). */
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
