/** SIPp's -trace_msg file read as ground truth: what the carrier received, one entry per Call-ID. */
import { readFileSync } from 'node:fs';

export interface CarrierCall {
  /** The INVITE's Request-URI user part (the number dialled). */
  number: string;
  callId: string;
  /** The switch sent a BYE for this call (it hung up an answered call). */
  byeReceived: boolean;
}

/** Every call the carrier received an INVITE for (retransmissions are the same call), in order. */
export function carrierCalls(messageFile: string): CarrierCall[] {
  let text = '';
  try {
    text = readFileSync(messageFile, 'utf8');
  } catch {
    return [];
  }
  const calls = new Map<string, CarrierCall>();
  for (const block of text.split(/^-{10,}.*$/m)) {
    const m = /message received \[\d+\] bytes :\s*\n\s*(INVITE|BYE) (\S+) SIP\/2\.0([\s\S]*)/.exec(block);
    if (!m) continue;
    const callId = /^Call-ID:\s*(.*)$/im.exec(m[3]!)?.[1]?.trim() ?? '';
    if (m[1] === 'INVITE') {
      if (!calls.has(callId)) calls.set(callId, { number: /^sip:([^@;]+)/.exec(m[2]!)?.[1] ?? m[2]!, callId, byeReceived: false });
    } else {
      const c = calls.get(callId);
      if (c) c.byeReceived = true;
    }
  }
  return [...calls.values()];
}
