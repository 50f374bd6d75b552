/**
 * One dial's state, folded from ARI events into the port's raw-fact events. Pure: instants are
 * passed in. The call itself runs in the dialplan ([dialerd-originate]): AMD's verdict arrives as
 * the ChannelUserevent `dialerd_amd`.
 */
import type { DialRequest, EndFacts, PbxEvent } from '../port.ts';
import { emptyEndFacts } from '../port.ts';
import type { AriEvent } from './ari-types.ts';

export interface DialState {
  dialId: string;
  /** Asterisk's channel id: the dialId, or a fresh one after a 409 collision. */
  channelId: string;
  /** null for a channel adopted after a restart (we no longer know its request). */
  req: DialRequest | null;
  startedAt: number;
  /** The instant of the last event emitted for it (a recalled end is never earlier). */
  lastAt: number;
  progressed: boolean;
  answeredAt: number | null;
  /** An `answered` event went out; otherwise a known answer (adoption) goes into the end facts. */
  answerEmitted: boolean;
  amdDone: boolean;
  hangupRequested: boolean;
  hangupTechCause: number | null;
  hungUpByUs: boolean;
  /** Any ARI event seen for this channel (a lost originate shows none). */
  seen: boolean;
  /** The originate POST has not answered yet. */
  pending: boolean;
  ended: boolean;
}

export function newDial(req: DialRequest, channelId: string, now: number): DialState {
  return {
    dialId: req.dialId, channelId, req, startedAt: now, lastAt: now, progressed: false, answeredAt: null, answerEmitted: false,
    amdDone: false, hangupRequested: false, hangupTechCause: null, hungUpByUs: false, seen: false, pending: true, ended: false,
  };
}

/** A channel of ours found live in Asterisk that this process did not originate. */
export function adoptedDial(dialId: string, channelId: string, channelState: string, now: number): DialState {
  const up = channelState === 'Up';
  return {
    dialId, channelId, req: null, startedAt: now, lastAt: now, progressed: up, answeredAt: up ? now : null, answerEmitted: false,
    amdDone: false, hangupRequested: false, hangupTechCause: null, hungUpByUs: false, seen: true, pending: false, ended: false,
  };
}

const RINGING_STATES = new Set(['Ring', 'Ringing']);
const RINGING_DIALSTATUS = new Set(['RINGING', 'PROGRESS']);
/** Asterisk ends an unanswered originate at `timeout` s; allow for scheduling slack. */
const RING_TIMEOUT_SLACK_MS = 500;

/** The UserEvent name [dialerd-originate] sends AMD()'s verdict under. */
export const AMD_EVENT = 'dialerd_amd';
/** AMDSTATUS / AMDCAUSE are Asterisk's words: anything else is not taken from an event. */
const AMD_WORD = /^[A-Z][A-Z0-9-]{0,63}$/;
const amdWord = (v: unknown): string | null => (typeof v === 'string' && AMD_WORD.test(v.trim()) ? v.trim() : null);

export function applyEvent(d: DialState, e: AriEvent, now: number): { out: PbxEvent[] } {
  const out: PbxEvent[] = [];
  if (d.ended) return { out };
  d.seen = true;
  d.lastAt = now;
  const answer = (): void => {
    if (d.answeredAt !== null) return;
    d.answeredAt = now;
    d.answerEmitted = true;
    out.push({ type: 'answered', dialId: d.dialId, at: now });
  };
  const progress = (): void => {
    if (d.progressed || d.answeredAt !== null) return;
    d.progressed = true;
    out.push({ type: 'progress', dialId: d.dialId, at: now });
  };
  switch (e.type) {
    case 'ChannelStateChange':
      if (e.channel.state === 'Up') answer();
      else if (RINGING_STATES.has(e.channel.state)) progress();
      break;
    case 'Dial':
      if (RINGING_DIALSTATUS.has(e.dialstatus)) progress();
      break;
    case 'ChannelHangupRequest':
      d.hangupRequested = true;
      if (typeof e.tech_cause === 'number') d.hangupTechCause = e.tech_cause;
      break;
    case 'ChannelUserevent':
      if (e.eventname !== AMD_EVENT || d.amdDone) break;
      answer(); // AMD runs only once the call is answered
      d.amdDone = true;
      out.push({ type: 'amd', dialId: d.dialId, at: now, status: amdWord(e.userevent?.status) ?? 'NOTSURE', cause: amdWord(e.userevent?.cause) });
      break;
    case 'ChannelDestroyed':
      // its Up state change may never have come (Asterisk shutting down): Up at the end, or the
      // carrier's 200 OK, is an answer
      if (e.channel.state === 'Up' || e.tech_cause === 200 || d.hangupTechCause === 200) answer();
      d.ended = true;
      out.push({ type: 'ended', dialId: d.dialId, at: now, facts: endFacts(d, e, now) });
      break;
    default:
      break;
  }
  return { out };
}

function endFacts(d: DialState, e: Extract<AriEvent, { type: 'ChannelDestroyed' }>, now: number): EndFacts {
  const ringMs = (d.req?.ringTimeoutSeconds ?? Infinity) * 1000;
  return {
    ...emptyEndFacts(),
    q850: typeof e.cause === 'number' ? e.cause : null,
    sip: typeof e.tech_cause === 'number' ? e.tech_cause : d.hangupTechCause,
    causeText: e.cause_txt ?? null,
    soft: d.hungUpByUs,
    // Asterisk reports its own ring timeout as cause 19 / 480 like a real 480, but without the
    // far end's hangup request first (see shared/lab/asterisk/matrix.txt: ring-forever vs r480).
    ringTimeoutHit: d.answeredAt === null && !d.hangupRequested && now - d.startedAt >= ringMs - RING_TIMEOUT_SLACK_MS,
    answeredAt: d.answerEmitted ? null : d.answeredAt,
    progress: d.progressed,
    // ARI shows the carrier's voice only as its hangup request (with the SIP code) or ringing;
    // silence is not proof: Asterisk ignores an ICMP refusal and lets the ring timer run out.
    farEndResponded: d.hangupTechCause !== null || d.progressed ? true : null,
  };
}

/** End facts for a dial whose channel is gone without our having seen it end. */
export function goneFacts(d: DialState, reason: string, originateFailed: boolean): EndFacts {
  return { ...emptyEndFacts(), causeText: reason, soft: d.hungUpByUs, originateFailed, outcomeLost: !originateFailed, answeredAt: d.answerEmitted ? null : d.answeredAt };
}
