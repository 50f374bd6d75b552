/** SIPp's -trace_msg file read as ground truth: what the carrier received, one entry per Call-ID. */
import { readFileSync } from 'node:fs';

export interface CarrierCall {
  /** The INVITE's Request-URI user part (the number dialled). */
  number: string;
  callId: string;
  /** The switch sent a BYE for this call (it hung up an answered call). */
  byeReceived: boolean;
  /** The carrier answered it (sent 200 OK to the INVITE). */
  answered: boolean;
  /** First and last SIP message of the call, ms on SIPp's clock (block timestamps). */
  firstMs: number;
  lastMs: number;
  /**
   * Its last message other than the switch's ACK: when the call was over for the carrier (the
   * switch frees its channel on sending CANCEL or on the final response, not on its own ACK).
   */
  endMs: number;
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
  for (const block of text.split(/^(?=-{10,} \d{4}-\d\d-\d\d )/m)) {
    const head = /^-{10,} (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(block);
    if (!head) continue;
    const ms = Date.parse(`${head[1]}T${head[2]}Z`);
    const callId = /^Call-ID:\s*(.*)$/im.exec(block)?.[1]?.trim() ?? '';
    const received = /message received \[\d+\] bytes :\s*\n\s*(\S+) (\S+)/.exec(block);
    if (received?.[1] === 'INVITE' && !calls.has(callId)) {
      calls.set(callId, { number: /^sip:([^@;]+)/.exec(received[2]!)?.[1] ?? received[2]!, callId, byeReceived: false, answered: false, firstMs: ms, lastMs: ms, endMs: ms });
      continue;
    }
    const c = calls.get(callId);
    if (!c) continue;
    c.lastMs = Math.max(c.lastMs, ms);
    if (received?.[1] !== 'ACK') c.endMs = Math.max(c.endMs, ms);
    if (received?.[1] === 'BYE') c.byeReceived = true;
    if (/message sent[^\n]*\n\s*SIP\/2\.0 200 /.test(block) && /^CSeq:\s*\d+ INVITE/im.test(block)) c.answered = true;
  }
  return [...calls.values()];
}
