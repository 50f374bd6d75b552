/**
 * How the simulated PBX plays one outcome: the same raw facts a real Asterisk 22 reports
 * (SIP code + the Q.850 cause Asterisk derives from it, AMD status/cause), so the real
 * result mapping runs on them. Pure: durations in seconds.
 */
import type { OutcomeForm } from './outcomes.ts';

export interface Playback {
  /** Seconds from origination to answer or failure. */
  ringSeconds: number;
  answered: boolean;
  /** Seconds from answer to hangup. */
  talkSeconds: number;
  amd: { status: string; cause: string; afterSeconds: number } | null;
  q850: number | null;
  sip: number | null;
  /** The PBX refuses the originate (result `error`). */
  refuse: boolean;
  /** Rings until our ring timeout. */
  ringsOut: boolean;
}

/** Q.850 cause Asterisk 22 derives from a SIP final response (../shared/lab/asterisk/matrix.txt). */
const SIP_TO_Q850: Record<number, number> = {
  403: 21, 404: 1, 408: 18, 410: 22, 480: 19, 484: 28, 486: 17, 487: 127, 500: 38, 502: 38, 503: 34,
  600: 17, 603: 21, 604: 1, 607: 21, 608: 21,
};

const AMD_CAUSE: Record<string, string> = {
  MACHINE: 'MAXWORDS-3-2',
  HUMAN: 'HUMAN-800-800',
  NOTSURE: 'TOOLONG-4900',
  INITIALSILENCE: 'INITIALSILENCE-2500-2500',
  NOAUDIODATA: 'NOAUDIODATA-0-0',
};

const base = (ringSeconds: number): Playback => ({
  ringSeconds, answered: false, talkSeconds: 0, amd: null, q850: null, sip: null, refuse: false, ringsOut: false,
});

/** `rnd` is a [0,1) source; `ring` overrides the ring time when the form says so. */
export function playback(form: OutcomeForm, rnd: () => number, amdEnabled: boolean, ring?: number): Playback {
  const ringFor = (lo: number, hi: number): number => ring ?? Math.round((lo + rnd() * (hi - lo)) * 10) / 10;
  const answered = (talk: number, amd: string | null): Playback => {
    const p = { ...base(ringFor(2, 8)), answered: true, talkSeconds: talk, q850: 16 };
    if (amd && amdEnabled) p.amd = { status: amd === 'INITIALSILENCE' ? 'MACHINE' : amd, cause: AMD_CAUSE[amd]!, afterSeconds: Math.min(talk, 2.5) };
    return p;
  };
  const rejected = (sip: number | null, q850: number): Playback => ({ ...base(ringFor(0.5, 4)), sip, q850 });
  switch (form.kind) {
    case 'ring':
      return playback(form.then, rnd, amdEnabled, form.ringSeconds);
    case 'answer':
      return answered(form.talkSeconds, null);
    case 'amd':
      return answered(form.status === 'HUMAN' || form.status === 'NOTSURE' ? Math.round(20 + rnd() * 100) : 3, form.status);
    case 'sip':
      return rejected(form.code, SIP_TO_Q850[form.code] ?? 31);
    case 'q850':
      return rejected(null, form.code);
    case 'result':
      switch (form.result) {
        case 'answered': return answered(Math.round(20 + rnd() * 100), null);
        case 'answered_short': return answered(Math.round(1 + rnd() * 4), null);
        case 'machine': return answered(3, 'MACHINE');
        case 'silence': return answered(3, 'INITIALSILENCE');
        case 'busy': return rejected(486, 17);
        case 'no_answer': return { ...base(ring ?? Infinity), q850: 19, sip: 480, ringsOut: ring === undefined };
        case 'rejected': return rejected(603, 21);
        case 'unreachable': return rejected(null, 20);
        case 'invalid_number': return rejected(404, 1);
        case 'congestion': return rejected(503, 34);
        // Q.850 31 (normal, unspecified) with no SIP code: "any other cause".
        case 'failed': return rejected(null, 31);
        case 'insufficient_funds': return rejected(402, SIP_TO_Q850[402] ?? 31);
        case 'trunk_rejected': return rejected(403, 21);
        case 'error': return { ...base(0), refuse: true };
      }
  }
}
