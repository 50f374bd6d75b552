/**
 * Events the fake switch sends, built from the real captures in test/fixtures/freeswitch/
 * (values substituted, every other header left as FreeSWITCH wrote it).
 */
import { readFileSync } from 'node:fs';
import { parseHeaderLines } from '../../../src/pbx/esl/framing.ts';
import { FREESWITCH_CAUSE_CODES } from '../../../src/domain/causes.ts';

export type Ev = Record<string, string>;
const DIR = new URL('../../fixtures/freeswitch/', import.meta.url);

function body(file: string): string {
  const text = readFileSync(new URL(file, DIR), 'utf8');
  return file.endsWith('.frame') ? text.slice(text.indexOf('\n\n') + 2) : text;
}
const template = (file: string): Ev => parseHeaderLines(body(file), true);

const T = {
  progress: template('channel_progress.frame'),
  answer: template('channel_answer.frame'),
  hangup: template('channel_hangup_complete.event'),
  heartbeat: template('heartbeat.event'),
  job: template('background_job_ok.frame'),
  beep: template('custom_avmd_beep.event'),
};

export interface ChannelInfo {
  uuid: string;
  number: string;
  vars: Record<string, string>;
  createdUs: number;
}

const us = (ms: number): string => String(ms * 1000);

function stamp(ev: Ev, nowMs: number, seq: number): Ev {
  return { ...ev, 'Event-Date-Timestamp': us(nowMs), 'Event-Sequence': String(seq) };
}

function channel(tpl: Ev, c: ChannelInfo, nowMs: number, seq: number): Ev {
  const ev = stamp(tpl, nowMs, seq);
  for (const k of ['Unique-ID', 'Caller-Unique-ID', 'Channel-Call-UUID', 'variable_uuid', 'variable_call_uuid']) ev[k] = c.uuid;
  ev['Call-Direction'] = 'outbound';
  ev['Caller-Destination-Number'] = c.number;
  ev['Caller-Channel-Created-Time'] = String(c.createdUs);
  for (const [k, v] of Object.entries(c.vars)) ev[`variable_${k}`] = v;
  return ev;
}

export const events = {
  heartbeat: (nowMs: number, seq: number): Ev => stamp(T.heartbeat, nowMs, seq),
  progress: (c: ChannelInfo, nowMs: number, seq: number): Ev => ({ ...channel(T.progress, c, nowMs, seq), 'Answer-State': 'ringing' }),
  answer: (c: ChannelInfo, nowMs: number, seq: number): Ev => ({ ...channel(T.answer, c, nowMs, seq), 'Caller-Channel-Answered-Time': us(nowMs) }),
  beep: (c: ChannelInfo, nowMs: number, seq: number): Ev => ({ ...stamp(T.beep, nowMs, seq), 'Unique-ID': c.uuid }),
  job(jobUuid: string, command: string, result: string, nowMs: number, seq: number): Ev {
    const ev = stamp(T.job, nowMs, seq);
    ev['Job-UUID'] = jobUuid;
    ev['Job-Command'] = command.split(' ')[0] ?? '';
    ev['Job-Command-Arg'] = command.slice(command.indexOf(' ') + 1);
    ev['_body'] = result;
    delete ev['Content-Length'];
    return ev;
  },
  /** `answeredMs` null: never answered. `sip` null: FreeSWITCH itself ended it (no SIP final response). */
  hangup(c: ChannelInfo, o: { cause: string; sip: number | null; answeredMs: number | null; progressMs?: number | null; extra?: Ev }, nowMs: number, seq: number): Ev {
    const ev = channel(T.hangup, c, nowMs, seq);
    ev['Hangup-Cause'] = o.cause;
    ev['variable_hangup_cause'] = o.cause;
    const code = FREESWITCH_CAUSE_CODES[o.cause] ?? 16;
    // FreeSWITCH's rule (switch_channel_cause_q850): its own causes above 127 read 16.
    ev['variable_hangup_cause_q850'] = String(code <= 127 ? code : 16);
    for (const k of ['variable_sip_term_status', 'variable_proto_specific_hangup_cause', 'variable_sip_term_cause', 'variable_sip_invite_failure_status']) delete ev[k];
    if (o.sip !== null) {
      ev['variable_sip_term_status'] = String(o.sip);
      ev['variable_proto_specific_hangup_cause'] = `sip:${o.sip}`;
      // A 401/407 with no challenge to answer: the real switch leaves sip_invite_failure_status out
      // (../shared/lab/freeswitch/matrix.txt r401, r407); sip_term_status is still there.
      if (o.sip >= 300 && o.sip !== 401 && o.sip !== 407) ev['variable_sip_invite_failure_status'] = String(o.sip);
    }
    const ans = o.answeredMs;
    ev['variable_answer_uepoch'] = ans === null ? '0' : us(ans);
    ev['variable_answer_epoch'] = ans === null ? '0' : String(Math.floor(ans / 1000));
    ev['Caller-Channel-Answered-Time'] = ans === null ? '0' : us(ans);
    ev['Caller-Channel-Hangup-Time'] = us(nowMs);
    ev['variable_billsec'] = ans === null ? '0' : String(Math.floor((nowMs - ans) / 1000));
    ev['variable_billmsec'] = ans === null ? '0' : String(nowMs - ans);
    ev['variable_end_uepoch'] = us(nowMs);
    ev['variable_progress_uepoch'] = o.progressMs ? us(o.progressMs) : '0';
    return { ...ev, ...(o.extra ?? {}) };
  },
};

/** The wire form of an event for a `json` or `plain` subscriber. */
export function serialize(ev: Ev, format: 'json' | 'plain'): Buffer {
  let text: string;
  if (format === 'json') {
    text = JSON.stringify(ev);
  } else {
    const { _body, ...h } = ev;
    text = Object.entries(h).map(([k, v]) => `${k}: ${encodeURIComponent(v)}\n`).join('');
    if (_body !== undefined) text += `Content-Length: ${Buffer.byteLength(_body)}\n\n${_body}`;
    else text += '\n';
  }
  const b = Buffer.from(text);
  return Buffer.concat([Buffer.from(`Content-Length: ${b.length}\nContent-Type: text/event-${format}\n\n`), b]);
}
