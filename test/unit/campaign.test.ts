import { describe, expect, it } from 'vitest';
import { canDial, recordTransition, transition } from '../../src/domain/campaign.ts';
import type { CampaignEvent, CampaignStatus, RecordEvent } from '../../src/domain/campaign.ts';
import { DialerdError } from '../../src/lib/errors.ts';
import type { CampaignState, PauseReason, RecordState } from '../../src/domain/types.ts';

const st = (state: CampaignState, pauseReason: PauseReason | null = null, pauseDetail: string | null = null): CampaignStatus => ({ state, pauseReason, pauseDetail });
const PBX = 'asterisk-1 unreachable';

const STATUSES: Record<string, CampaignStatus> = {
  draft: st('draft'),
  scheduled: st('scheduled'),
  running: st('running'),
  pausedManual: st('paused', 'manual'),
  pausedPbx: st('paused', 'pbx_down', PBX),
  completed: st('completed'),
};
const EVENTS: Record<string, CampaignEvent> = {
  activateFuture: { type: 'activate', now: 1000, startAt: 2000 },
  activatePast: { type: 'activate', now: 1000, startAt: 500 },
  activateNow: { type: 'activate', now: 1000, startAt: null },
  startDue: { type: 'start_due' },
  pauseManual: { type: 'pause', reason: 'manual' },
  pausePbx: { type: 'pause', reason: 'pbx_down', detail: 'x' },
  resumeFree: { type: 'resume', activeReasons: [] },
  resumeHeld: { type: 'resume', activeReasons: ['pbx_down'] },
  clearedPbx: { type: 'reason_cleared', reason: 'pbx_down' },
  clearedManual: { type: 'reason_cleared', reason: 'manual' },
  completeManual: { type: 'complete', by: 'manual' },
  completeDone: { type: 'complete', by: 'done' },
  completeEndAt: { type: 'complete', by: 'end_at' },
  completeDeleted: { type: 'complete', by: 'deleted' },
  draft: { type: 'draft' },
};
// '=' accepted unchanged, 'X' illegal transition, 'R' resume refused, else the new state.
const COLS = Object.keys(EVENTS);
const TABLE: Record<string, string[]> = {
  //            actF         actP       actN       start      pauseM    pauseP    resume0    resumeH clrP       clrM compM        compDone     compEnd      compDel      draft
  draft:        ['scheduled', 'running', 'running', 'X',       'X',      'X',      'X',       'X',    '=',       '=', 'completed', 'X',         'completed', 'completed', '='],
  scheduled:    ['=',         'running', 'running', 'running', 'paused', 'X',      'X',       'X',    '=',       '=', 'completed', 'X',         'completed', 'completed', 'draft'],
  running:      ['=',         '=',       '=',       '=',       'paused', 'paused', '=',       '=',    '=',       '=', 'completed', 'completed', 'completed', 'completed', 'X'],
  pausedManual: ['=',         '=',       '=',       '=',       '=',      '=',      'running', 'R',    '=',       '=', 'completed', 'completed', 'completed', 'completed', 'X'],
  pausedPbx:    ['=',         '=',       '=',       '=',       'paused', 'paused', 'running', 'R',    'running', '=', 'completed', 'completed', 'completed', 'completed', 'X'],
  completed:    ['X',         'X',       'X',       'X',       'X',      'X',      'X',       'X',    '=',       '=', '=',         '=',         '=',         '=',         'X'],
};

describe('campaign transition table', () => {
  for (const [name, status] of Object.entries(STATUSES)) {
    COLS.forEach((ev, i) => {
      const want = TABLE[name]![i]!;
      it(`${name} + ${ev} → ${want}`, () => {
        const out = transition(status, EVENTS[ev]!);
        if (want === 'X' || want === 'R') {
          expect(out.ok).toBe(false);
          if (out.ok) return;
          expect(out.error).toBeInstanceOf(DialerdError);
          expect(out.error.code).toBe(want === 'X' ? 'DIALERD_ERR_ILLEGAL_TRANSITION' : 'DIALERD_ERR_RESUME_REFUSED');
        } else if (want === '=') {
          expect(out).toEqual({ ok: true, status, changed: false });
        } else {
          expect(out.ok && out.changed).toBe(true);
          if (!out.ok) return;
          expect(out.status.state).toBe(want);
          if (want !== 'paused') expect([out.status.pauseReason, out.status.pauseDetail]).toEqual([null, null]);
        }
      });
    });
  }
});

describe('pause reasons', () => {
  const run = (s: CampaignStatus, ...events: CampaignEvent[]) =>
    events.reduce<CampaignStatus>((cur, e) => {
      const out = transition(cur, e);
      if (!out.ok) throw out.error;
      return out.status;
    }, s);

  it('refuses resume while pbx_down holds, with the reason in the error', () => {
    const out = transition(st('paused', 'pbx_down', PBX), { type: 'resume', activeReasons: ['pbx_down', 'manual'] });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe('DIALERD_ERR_RESUME_REFUSED');
    expect(out.error.status).toBe(409);
    expect(out.error.detail).toBe(`pbx_down (${PBX}) still holds`);
    expect(out.error.message).toBe(`resume refused: pbx_down (${PBX}) still holds`);
  });

  it('refuses resume of a manual pause while an automatic reason holds', () => {
    const out = transition(st('paused', 'manual'), { type: 'resume', activeReasons: ['budget', 'trunk_down', 'budget'] });
    expect(!out.ok && out.error.detail).toBe('budget, trunk_down still holds');
  });

  it('auto-resumes when the reason that paused it clears, not another one', () => {
    const paused = run(st('running'), { type: 'pause', reason: 'pbx_down', detail: PBX });
    expect(paused).toEqual(st('paused', 'pbx_down', PBX));
    expect(run(paused, { type: 'reason_cleared', reason: 'budget' })).toBe(paused);
    expect(run(paused, { type: 'reason_cleared', reason: 'pbx_down' })).toEqual(st('running'));
  });

  it('a manual pause on an automatic one takes precedence and keeps the automatic reason visible', () => {
    const s = run(st('running'), { type: 'pause', reason: 'pbx_down', detail: PBX }, { type: 'pause', reason: 'manual', detail: 'maintenance' });
    expect(s).toEqual(st('paused', 'manual', `maintenance; while pbx_down: ${PBX}`));
    expect(run(s, { type: 'reason_cleared', reason: 'pbx_down' })).toBe(s);
    expect(transition(s, { type: 'resume', activeReasons: ['pbx_down'] }).ok).toBe(false);
    expect(run(s, { type: 'resume', activeReasons: [] })).toEqual(st('running'));
  });

  it('an automatic pause never replaces the reason already there', () => {
    const manual = run(st('running'), { type: 'pause', reason: 'manual' });
    expect(run(manual, { type: 'pause', reason: 'errors' })).toBe(manual);
    const auto = run(st('running'), { type: 'pause', reason: 'budget', detail: 'max_talk_minutes' });
    expect(run(auto, { type: 'pause', reason: 'errors', detail: '10 errors' })).toBe(auto);
    expect(run(auto, { type: 'pause', reason: 'budget', detail: 'daily cap' })).toEqual(st('paused', 'budget', 'daily cap'));
  });

  it('holds a scheduled campaign by hand and resumes it to scheduled before its start', () => {
    const held = run(st('scheduled'), { type: 'pause', reason: 'manual' });
    expect(held).toEqual(st('paused', 'manual'));
    expect(run(held, { type: 'start_due' })).toBe(held);
    expect(run(held, { type: 'resume', activeReasons: [], now: 1000, startAt: 2000 })).toEqual(st('scheduled'));
    expect(run(held, { type: 'resume', activeReasons: [], now: 3000, startAt: 2000 })).toEqual(st('running'));
    expect(run(held, { type: 'resume', activeReasons: [], now: 3000, startAt: null })).toEqual(st('running'));
  });

  it('names the move in an illegal-transition error', () => {
    const out = transition(st('draft'), { type: 'pause', reason: 'manual' });
    expect(!out.ok && out.error.message).toBe('cannot pause a draft campaign');
  });

  it('completing a paused campaign clears its pause and is terminal', () => {
    const done = run(st('paused', 'pbx_down', PBX), { type: 'complete', by: 'manual' });
    expect(done).toEqual(st('completed'));
    expect(transition(done, { type: 'resume', activeReasons: [] }).ok).toBe(false);
  });

  it('dials only while running', () => {
    expect(Object.values(STATUSES).filter(canDial).map((s) => s.state)).toEqual(['running']);
  });
});

const RECORD_STATES: RecordState[] = ['pending', 'waiting', 'dialing', 'done', 'exhausted', 'invalid', 'blocked', 'cancelled', 'removed'];
const RECORD_EVENTS: Array<[RecordEvent, RecordState | undefined]> = [
  ['claim', undefined], ['settle_wait', undefined], ['settle_final', 'done'], ['settle_final', 'exhausted'],
  ['settle_final', 'waiting'], ['settle_final', undefined], ['release', undefined], ['release', 'pending'],
  ['release', 'blocked'], ['release', 'invalid'], ['release', 'done'], ['remove', undefined], ['cancel', undefined],
];
const OPEN_IDLE = ['dialing', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'removed', 'cancelled'];
const RECORD_TABLE: Partial<Record<RecordState, string[]>> = {
  pending: OPEN_IDLE,
  waiting: OPEN_IDLE,
  dialing: ['X', 'waiting', 'done', 'exhausted', 'X', 'X', 'waiting', 'pending', 'blocked', 'invalid', 'X', 'removed', 'cancelled'],
};

describe('record transition table', () => {
  for (const from of RECORD_STATES) {
    RECORD_EVENTS.forEach(([ev, to], i) => {
      const want = (RECORD_TABLE[from] ?? [])[i] ?? 'X'; // final states accept nothing
      it(`${from} + ${ev}${to ? `(${to})` : ''} → ${want}`, () => {
        const out = recordTransition(from, ev, to);
        if (want === 'X') {
          expect(out).toBeInstanceOf(DialerdError);
          expect((out as DialerdError).code).toBe('DIALERD_ERR_ILLEGAL_TRANSITION');
        } else {
          expect(out).toBe(want);
        }
      });
    });
  }

  it('names the move in its error', () => {
    expect((recordTransition('done', 'claim') as DialerdError).message).toBe('cannot claim a done record');
  });
});
