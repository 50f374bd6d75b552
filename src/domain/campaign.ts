/**
 * Campaign and record state machines (domain.md §2). Pure transitions: illegal moves are
 * refused with a DialerdError (`DIALERD_ERR_ILLEGAL_TRANSITION`, or `DIALERD_ERR_RESUME_REFUSED`
 * while an automatic pause reason still holds), never thrown.
 *
 * Campaign:
 *
 * | from \ event | activate          | start_due | pause                | resume                        | reason_cleared         | complete              | draft |
 * |--------------|-------------------|-----------|----------------------|-------------------------------|------------------------|-----------------------|-------|
 * | draft        | scheduled/running | ✗         | ✗                    | ✗                             | =                      | completed (not 'done')| =     |
 * | scheduled    | = / running       | running   | manual: paused; else ✗ | ✗                           | =                      | completed (not 'done')| draft |
 * | running      | =                 | =         | paused               | =                             | =                      | completed             | ✗     |
 * | paused       | =                 | =         | see below            | running/scheduled, or refused | running if its reason, else = | completed      | ✗     |
 * | completed    | ✗                 | ✗         | ✗                    | ✗                             | =                      | = (terminal)          | ✗     |
 *
 * (`=` = accepted, unchanged; ✗ = DIALERD_ERR_ILLEGAL_TRANSITION.)
 * - activate: `scheduled` while startAt > now, else `running`. A paused campaign stays paused:
 *   a pause ends only by `resume` or by its automatic reason clearing (start_due is a no-op).
 * - A scheduled campaign may be paused by hand (held before its start); automatic reasons only
 *   pause a running campaign, so a reason clearing never starts a campaign early. `resume` goes back to
 *   `scheduled` when the event carries `now` and a `startAt` still in the future, else `running`;
 *   so pass them, or a campaign paused before its start resumes straight into dialing.
 * - Pause precedence: a MANUAL pause always takes the `pauseReason` slot, so the campaign never
 *   auto-resumes under the user's feet; when it lands on an automatic pause, that reason stays
 *   visible in `pauseDetail` ("…; while pbx_down: …"). An automatic pause never replaces another
 *   reason (the first one is kept); when that first reason clears the campaign resumes and the
 *   engine pauses it again for whatever still holds. Re-pausing with the same reason updates the detail.
 * - resume: refused while ANY automatic reason in `activeReasons` still holds (whatever the
 *   recorded reason), with those reasons in the error detail.
 * - complete: every state may complete except that `by: 'done'` needs a started campaign;
 *   pause fields are cleared. Deleting completes first (`by: 'deleted'`, accepted when completed).
 */
import { DialerdError } from '../lib/errors.ts';
import type { CampaignState, PauseReason, RecordState } from './types.ts';

export interface CampaignStatus {
  state: CampaignState;
  /** Set only while paused. */
  pauseReason: PauseReason | null;
  pauseDetail: string | null;
}

export type CampaignEvent =
  /** The file says running: → scheduled (startAt in the future) or running. */
  | { type: 'activate'; now: number; startAt: number | null }
  /** scheduled → running at start_at. */
  | { type: 'start_due' }
  /** Manual (`manual`) or automatic pause. */
  | { type: 'pause'; reason: PauseReason; detail?: string }
  /** Refused while an automatic reason in `activeReasons` still holds. With `now` and a future
   *  `startAt` it returns to `scheduled` instead of `running`. */
  | { type: 'resume'; activeReasons: PauseReason[]; now?: number; startAt?: number | null }
  /** Auto-resume when the automatic reason that paused the campaign clears. */
  | { type: 'reason_cleared'; reason: PauseReason }
  | { type: 'complete'; by: 'manual' | 'done' | 'end_at' | 'deleted' }
  /** The file says draft. */
  | { type: 'draft' };

export type TransitionResult =
  | { ok: true; status: CampaignStatus; changed: boolean }
  | { ok: false; error: DialerdError };

const VERB: Record<CampaignEvent['type'], string> = {
  activate: 'activate',
  start_due: 'start',
  pause: 'pause',
  resume: 'resume',
  reason_cleared: 'clear a pause reason of',
  complete: 'complete',
  draft: 'return to draft',
};

/** Apply one event to a campaign's status. Never throws; `changed` is false for accepted no-ops. */
export function transition(s: CampaignStatus, e: CampaignEvent): TransitionResult {
  const same = (): TransitionResult => ({ ok: true, status: s, changed: false });
  const to = (state: CampaignState, pauseReason: PauseReason | null = null, pauseDetail: string | null = null): TransitionResult => {
    const status = { state, pauseReason, pauseDetail };
    const changed = state !== s.state || pauseReason !== s.pauseReason || pauseDetail !== s.pauseDetail;
    return { ok: true, status: changed ? status : s, changed };
  };
  const illegal = (): TransitionResult => ({
    ok: false,
    error: new DialerdError('DIALERD_ERR_ILLEGAL_TRANSITION', `${VERB[e.type]} a ${s.state} campaign`),
  });

  switch (e.type) {
    case 'activate': {
      if (s.state === 'completed') return illegal();
      if (s.state === 'running' || s.state === 'paused') return same();
      return to(e.startAt !== null && e.startAt > e.now ? 'scheduled' : 'running');
    }
    case 'start_due':
      if (s.state === 'scheduled') return to('running');
      return s.state === 'running' || s.state === 'paused' ? same() : illegal();
    case 'pause':
      if (s.state === 'running' || (s.state === 'scheduled' && e.reason === 'manual')) return to('paused', e.reason, e.detail ?? null);
      return s.state === 'paused' ? repause(s, e.reason, e.detail ?? null, to) : illegal();
    case 'resume': {
      if (s.state === 'running') return same();
      if (s.state !== 'paused') return illegal();
      const holding = [...new Set(e.activeReasons.filter((r) => r !== 'manual'))];
      if (holding.length > 0) {
        const why = holding.map((r) => (r === s.pauseReason && s.pauseDetail ? `${r} (${s.pauseDetail})` : r));
        return { ok: false, error: new DialerdError('DIALERD_ERR_RESUME_REFUSED', `${why.join(', ')} still holds`) };
      }
      const early = e.now !== undefined && e.startAt != null && e.startAt > e.now;
      return to(early ? 'scheduled' : 'running');
    }
    case 'reason_cleared':
      return s.state === 'paused' && e.reason !== 'manual' && s.pauseReason === e.reason ? to('running') : same();
    case 'complete':
      if (s.state === 'completed') return same();
      if (e.by === 'done' && (s.state === 'draft' || s.state === 'scheduled')) return illegal();
      return to('completed');
    case 'draft':
      if (s.state === 'draft') return same();
      return s.state === 'scheduled' ? to('draft') : illegal();
  }
}

/** A pause event on an already paused campaign; see the precedence rules in the module comment. */
function repause(
  s: CampaignStatus,
  reason: PauseReason,
  detail: string | null,
  to: (st: CampaignState, r: PauseReason | null, d: string | null) => TransitionResult,
): TransitionResult {
  if (reason === s.pauseReason) return to('paused', reason, detail ?? s.pauseDetail);
  if (reason !== 'manual') return to('paused', s.pauseReason, s.pauseDetail); // the first reason stays
  const was = `${s.pauseReason}${s.pauseDetail ? `: ${s.pauseDetail}` : ''}`;
  return to('paused', 'manual', `${detail ?? 'paused by hand'}; while ${was}`);
}

/** Dialing is allowed only while running (calling windows and caps are checked elsewhere). */
export function canDial(s: CampaignStatus): boolean {
  return s.state === 'running';
}

/** Where a claimed-but-not-dialed record may go. */
const RELEASE_TO: readonly RecordState[] = ['pending', 'waiting', 'blocked', 'invalid'];

export type RecordEvent = 'claim' | 'settle_wait' | 'settle_final' | 'release' | 'remove' | 'cancel';

/**
 * Record state machine (domain.md §2):
 * - `claim`: pending | waiting → dialing.
 * - `settle_wait`: dialing → waiting (a dial ended; repeat or retry later).
 * - `settle_final`: dialing → `to`, which must be `done` or `exhausted` (a dial ended the record).
 * - `release`: dialing → `to` ∈ pending | waiting (default) | blocked | invalid — claimed but not
 *   dialed (window closed, cap, DNC at dial time, unusable number).
 * - `remove`: pending | waiting | dialing → removed (a live dial finishes; its settle must not revive it).
 * - `cancel`: pending | waiting | dialing → cancelled (campaign completed before the record finished).
 * Final states accept nothing. Returns the new state, or the error.
 */
export function recordTransition(state: RecordState, event: RecordEvent, to?: RecordState): RecordState | DialerdError {
  const open = state === 'pending' || state === 'waiting' || state === 'dialing';
  const next = ((): RecordState | null => {
    switch (event) {
      case 'claim':
        return state === 'pending' || state === 'waiting' ? 'dialing' : null;
      case 'settle_wait':
        return state === 'dialing' ? 'waiting' : null;
      case 'settle_final':
        return state === 'dialing' && (to === 'done' || to === 'exhausted') ? to : null;
      case 'release': {
        const target = to ?? 'waiting';
        return state === 'dialing' && RELEASE_TO.includes(target) ? target : null;
      }
      case 'remove':
        return open ? 'removed' : null;
      case 'cancel':
        return open ? 'cancelled' : null;
    }
  })();
  if (next !== null) return next;
  const target = to !== undefined ? ` to ${to}` : '';
  return new DialerdError('DIALERD_ERR_ILLEGAL_TRANSITION', `${event}${target} a ${state} record`);
}
