/** `dialerd top`: the frame (80 columns, bars, terminal-safe) and the live loop's clean exits. */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { CampaignView } from '../../src/api/views.ts';
import { liveTop, type TopTerminal } from '../../src/cli/top.ts';
import { topFrame, type TopData } from '../../src/cli/top-frame.ts';
import { row } from '../contract/store-fixtures.ts';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 5);

function view(id: string, over: Partial<CampaignView> = {}): CampaignView {
  return {
    id, name: id, state: 'running', pauseReason: null, pauseDetail: null, trunk: 'carrier-a', trunkCallsPerSecond: 10, live: 3,
    records: { pending: 40, done: 60 }, results: { answered: 60 }, dials: 90,
    progress: { total: 100, final: 60, percentFinal: 60 },
    lastHour: { dials: 90, answers: 60, answerRate: 0.667 }, today: { dials: 90, answers: 60, answerRate: 0.667, since: Date.UTC(2026, 10, 30) },
    dialsPerMinute: 1.5, eta: { at: NOW + 3_900_000, seconds: 3900, remainingDials: 60, dialsPerOpenMinute: 1.5, why: null },
    settings: null, configRejected: null, importing: null,
    ...over,
  };
}

const data = (campaigns: CampaignView[], lastDials = [row('d1', { campaign: 'alpha', startedAt: NOW - 5000, talkSeconds: 42.4 })]): TopData => ({
  health: { ok: true, daemon: 'running', store: 'up', pbxes: { ast1: 'up' }, live: 3, campaigns: campaigns.length },
  campaigns,
  lastDials,
});

describe('top frame', () => {
  it('fits 80 columns with a bar per campaign, the trunks and the last dials', () => {
    const f = topFrame(data([view('alpha'), view('a-campaign-with-a-very-long-id', { trunk: 'carrier-b', progress: { total: 10, final: 10, percentFinal: 100 } })]), NOW);
    const lines = f.split('\n');
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(80);
    expect(lines[0]).toBe('dialerd top  2026-11-30T12:00:05Z  store up  pbx ast1 up  live 3  (q quits)');
    expect(f).toMatch(/^alpha\s+running\s+█{9}░{6}\s+60%\s+3\s+1\.5\s+66\.7%\s+in 1h05m$/m);
    expect(f).toMatch(/^a-campaign-…\s+running\s+█{15}\s+100%/m);
    expect(f).toMatch(/^carrier-a\s+1\s+3\s+10\s+1\.5$/m);
    expect(f).toMatch(/^12:00:00\s+alpha\s+r1\s+\+74951234567\s+no_answer\s+42s$/m);
  });

  it('prints ids, records and states from strangers terminal-safe; an unreadable API is one line', () => {
    const evil = '\u001b]0;pwn\u0007\u202e';
    const f = topFrame(data([view(`x${evil}`)], [row('d1', { record: `r${evil}`, campaign: `x${evil}` })]), NOW);
    expect(f).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(f).toContain('x\\x1b]0;');
    const down = topFrame(null, NOW, 'cannot reach the API\u001b[2J');
    expect(down).toBe('dialerd top  2026-11-30T12:00:05Z  (q quits)\n\ncannot reach the API\\x1b[2J');
    expect(topFrame(null, NOW, 'x'.repeat(200)).split('\n')[2]).toHaveLength(80);
  });
});

/** A terminal whose keyboard and signals the test drives; `drawn` fires on each write. */
function terminal() {
  const out = Object.assign(new PassThrough(), { isTTY: true, columns: 80, rows: 24 });
  let written = '';
  out.on('data', (b: Buffer) => (written += String(b)));
  const input = Object.assign(new EventEmitter(), { isTTY: true, setRawMode: vi.fn(), resume: vi.fn(), pause: vi.fn() });
  const signals = new EventEmitter();
  const term = { out, input: input as unknown as NodeJS.ReadStream, signals } satisfies TopTerminal;
  return { term, input, signals, out, text: () => written };
}

describe('top live loop', () => {
  it.each([
    ['q', (t: ReturnType<typeof terminal>) => t.input.emit('data', Buffer.from('q'))],
    ['Ctrl-C', (t: ReturnType<typeof terminal>) => t.input.emit('data', Buffer.from('\u0003'))],
    ['SIGTERM', (t: ReturnType<typeof terminal>) => t.signals.emit('SIGTERM')],
    ['SIGINT', (t: ReturnType<typeof terminal>) => t.signals.emit('SIGINT')],
  ])('%s during the wait for the next frame ends it at once and restores the terminal', async (_name, quit) => {
    const t = terminal();
    let frames = 0;
    // Quit once the first frame is on screen; the next frame is a minute away.
    t.out.once('data', () => setImmediate(() => quit(t)));
    await liveTop(async () => `frame ${++frames}`, 60_000, t.term);
    expect(frames).toBe(1);
    expect(t.text()).toContain('frame 1');
    expect(t.input.setRawMode.mock.calls).toEqual([[true], [false]]);
    expect(t.input.pause).toHaveBeenCalled();
    expect(t.input.listenerCount('data')).toBe(0);
    expect(t.signals.listenerCount('SIGTERM') + t.signals.listenerCount('SIGINT')).toBe(0);
  });

  it('other keys do not quit; a quit while a frame is being read draws nothing more', async () => {
    const t = terminal();
    let frames = 0;
    await liveTop(async () => {
      frames++;
      t.input.emit('data', 'x');
      if (frames === 2) t.signals.emit('SIGTERM');
      return `frame ${frames}`;
    }, 0, t.term);
    expect(frames).toBe(2);
    expect(t.text()).toContain('frame 1');
    expect(t.text()).not.toContain('frame 2');
  });
});
