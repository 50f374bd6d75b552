/** A DialRequest for adapter tests (unit, integration, e2e): fresh dialId each time. */
import type { DialRequest } from '../../src/pbx/port.ts';

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
