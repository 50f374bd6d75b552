/**
 * FreeSWITCH events → raw facts. No result decisions here (domain/results does that): only what
 * the switch said, read from the right header.
 */
import { emptyEndFacts, type EndFacts } from '../port.ts';
import type { EslEvent } from './protocol.ts';

function int(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return null;
  return Number(v.trim());
}

/** Microseconds since the epoch (FreeSWITCH `*_uepoch`, `*-Time`) → ms; null for 0/absent. */
function usToMs(v: string | undefined): number | null {
  const n = int(v);
  return n !== null && n > 0 ? Math.floor(n / 1000) : null;
}

/** When the channel was answered, from the hangup event (Answer-State already says `hangup` there). */
export function answeredAtOf(ev: EslEvent): number | null {
  return usToMs(ev['variable_answer_uepoch']) ?? usToMs(ev['Caller-Channel-Answered-Time']);
}

/** Causes FreeSWITCH gives when the originate's own ring timer ran out. */
const RING_TIMEOUT_CAUSES: ReadonlySet<string> = new Set(['NO_ANSWER', 'ALLOTTED_TIMEOUT', 'PROGRESS_TIMEOUT']);

/**
 * The far end's final SIP status: `sip_term_status`, else `sip_invite_failure_status`, else
 * `proto_specific_hangup_cause` (`sip:401`). The failure status after FreeSWITCH sent a CANCEL
 * itself (`sip_hangup_disposition=send_cancel`, ring timeout: `487 "CANCEL"`) answers that
 * CANCEL, not our INVITE: null.
 */
export function sipOf(ev: EslEvent): number | null {
  const term = int(ev['variable_sip_term_status']);
  if (term !== null) return term;
  if (ev['variable_sip_hangup_disposition'] === 'send_cancel') return null;
  const failure = int(ev['variable_sip_invite_failure_status']);
  if (failure !== null) return failure;
  const proto = /^sip:(\d{3})$/.exec(ev['variable_proto_specific_hangup_cause'] ?? '');
  return proto ? Number(proto[1]) : null;
}

/**
 * The answer instant on OUR clock (src/pbx/port.ts): the switch's answer-to-hangup span, set
 * back from `now` (when the hangup event arrived). The switch's clock may be skewed from ours;
 * only a difference of two of its instants is used. Without a hangup instant, `now`.
 */
export function answeredAtOn(ev: EslEvent, now: number): number | null {
  const answered = answeredAtOf(ev);
  if (answered === null) return null;
  const hungUp = usToMs(ev['variable_end_uepoch']) ?? usToMs(ev['Caller-Channel-Hangup-Time']) ?? usToMs(ev['Event-Date-Timestamp']);
  return hungUp === null ? now : now - Math.max(0, hungUp - answered);
}

/** A provisional response came: FreeSWITCH stamps `progress_uepoch` / `progress_media_uepoch` (180/183). */
function progressOf(ev: EslEvent): boolean {
  return usToMs(ev['variable_progress_uepoch']) !== null || usToMs(ev['variable_progress_media_uepoch']) !== null;
}

/**
 * Facts of a CHANNEL_HANGUP_COMPLETE that arrived at `now` (our clock), or of FreeSWITCH's memory
 * of it (memory.ts: the same headers). `soft`: we asked for the hangup (or the channel says a
 * daemon did: `dialerd_hangup`). `progressed`: the adapter saw a CHANNEL_PROGRESS(_MEDIA) for it. `farEndResponded`: mod_sofia sets `sip_network_ip` from
 * the first SIP response it receives; sofia-sip's own 503 (nothing listening) leaves it unset.
 */
export function factsFromHangup(ev: EslEvent, soft: boolean, now: number, progressed = false): EndFacts {
  // Set by the adapter's hangup() before its uuid_kill, so a daemon that did not send it (a restart) knows too.
  soft ||= ev['variable_dialerd_hangup'] === 'true';
  const causeName = ev['Hangup-Cause'] ?? ev['variable_hangup_cause'] ?? null;
  const answeredAt = answeredAtOn(ev, now);
  const sip = sipOf(ev);
  return {
    ...emptyEndFacts(),
    causeName,
    q850: int(ev['variable_hangup_cause_q850']),
    sip,
    causeText: ev['variable_sip_term_phrase'] ?? causeName,
    soft,
    answeredAt,
    ringTimeoutHit: answeredAt === null && causeName !== null && RING_TIMEOUT_CAUSES.has(causeName),
    progress: progressed || progressOf(ev),
    farEndResponded: (ev['variable_sip_network_ip'] ?? '') !== '',
  };
}

/**
 * Facts when only the BACKGROUND_JOB `-ERR <CAUSE>` is known (no hangup event came): the cause
 * name as FreeSWITCH wrote it (the domain reads its number), no SIP code. `channelSeen`: an event
 * of the dial's channel (progress, answer) came; without one FreeSWITCH never reported a channel,
 * which is `originateFailed` (an unknown gateway, a bogus endpoint, a refused originate text).
 */
export function factsFromJobError(cause: string | null, text: string, channelSeen = false): EndFacts {
  const name = cause && /^[A-Z_]+$/.test(cause) ? cause : null;
  return {
    ...emptyEndFacts(),
    causeName: name,
    causeText: text,
    ringTimeoutHit: name !== null && RING_TIMEOUT_CAUSES.has(name),
    originateFailed: !channelSeen,
    progress: channelSeen ? true : null,
  };
}

export interface AmdFacts {
  status: string;
  cause: string | null;
}

/** mod_amd forks spell their verdicts differently; dialerd speaks Asterisk AMD()'s words. */
export function normaliseAmdStatus(raw: string): string {
  const s = raw.trim().toUpperCase().replace(/[\s-]+/g, '_');
  if (['MACHINE', 'ANSWERING_MACHINE', 'AM', 'VOICEMAIL', 'BEEP', 'FAX'].includes(s)) return 'MACHINE';
  if (['HUMAN', 'PERSON', 'LIVE', 'HUMAN_DETECTED'].includes(s)) return 'HUMAN';
  if (['NOTSURE', 'NOT_SURE', 'UNSURE', 'UNKNOWN'].includes(s)) return 'NOTSURE';
  return s;
}

const AMD_RESULT_KEYS = ['amd_result', 'amd_status', 'AMD-Result', 'AMD_STATUS', 'AMDSTATUS'];
const AMD_CAUSE_KEYS = ['amd_cause', 'AMD-Cause', 'AMD_CAUSE', 'AMDCAUSE'];

function firstOf(ev: EslEvent, keys: string[], prefix: string): string | null {
  for (const k of keys) {
    const v = ev[prefix + k];
    if (v !== undefined && v.trim() !== '') return v;
  }
  return null;
}

/** AMD verdict carried by an event: avmd::beep, a mod_amd CUSTOM event, or channel variables. */
export function amdOf(ev: EslEvent): AmdFacts | null {
  const subclass = ev['Event-Subclass'] ?? '';
  if (subclass === 'avmd::beep') {
    const st = (ev['Beep-Status'] ?? 'detected').toLowerCase();
    return st === 'detected' || st === 'stop' ? { status: 'MACHINE', cause: 'BEEP' } : null;
  }
  const own = firstOf(ev, AMD_RESULT_KEYS, '') ?? firstOf(ev, AMD_RESULT_KEYS, 'variable_');
  if (own !== null) {
    return { status: normaliseAmdStatus(own), cause: firstOf(ev, AMD_CAUSE_KEYS, '') ?? firstOf(ev, AMD_CAUSE_KEYS, 'variable_') };
  }
  if ((ev['variable_avmd_detect'] ?? '').toUpperCase() === 'TRUE') return { status: 'MACHINE', cause: 'BEEP' };
  return null;
}
