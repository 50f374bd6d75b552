/**
 * `dialerd top [--once] [--interval S]`: a live view of the daemon read from its control API
 * (GET /health, /campaigns, /history?order=desc). On a terminal the frame is redrawn in place
 * with log-update every interval; `q`, Ctrl-C and SIGTERM end it cleanly (raw mode and cursor
 * restored). `--once`, or stdout not a terminal: one plain frame, no escape codes.
 */
import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { ApiClient } from '../api/client.ts';
import type { HistoryReply } from '../api/routes-history.ts';
import type { CampaignView, HealthView } from '../api/views.ts';
import { terminalJson } from '../lib/terminal-safe.ts';
import { apiOptions, withApi, type ApiFlags } from './campaign.ts';
import type { Io } from './main.ts';
import { topFrame, type TopData } from './top-frame.ts';

const LAST_DIALS = 6;

/** What `top` reads once per frame. */
export async function readTop(api: ApiClient): Promise<TopData> {
  const [health, list, last] = await Promise.all([
    // 503 while a PBX link or the store is down: the same view, which top shows.
    api.json<HealthView>('GET', '/health', undefined, [503]),
    api.json<{ campaigns: CampaignView[] }>('GET', '/campaigns'),
    api.json<HistoryReply>('GET', `/history?order=desc&limit=${LAST_DIALS}`),
  ]);
  return { health, campaigns: list.campaigns, lastDials: last.rows };
}

/** A terminal: the output stream, the keyboard and the signals `top` listens to. */
export interface TopTerminal {
  out: NodeJS.WritableStream;
  input: NodeJS.ReadStream | null;
  signals: Pick<EventEmitter, 'on' | 'off'>;
}

/**
 * Redraws `frame()` every `intervalMs` until q / Ctrl-C on `input` or SIGINT / SIGTERM; resolves
 * once the terminal is restored. Frames never overlap: the next starts after the last is drawn.
 */
export async function liveTop(frame: () => Promise<string>, intervalMs: number, term: TopTerminal): Promise<void> {
  const stop = new AbortController();
  const quit = (): void => stop.abort();
  const onKey = (b: Buffer | string): void => {
    const k = String(b);
    if (k === 'q' || k === 'Q' || k === '\u0003') quit();
  };
  const input = term.input?.isTTY ? term.input : null;
  // Loaded here: every other command (`run` too) starts without it.
  const { createLogUpdate } = await import('log-update');
  const draw = createLogUpdate(term.out, { showCursor: false });
  term.signals.on('SIGINT', quit);
  term.signals.on('SIGTERM', quit);
  input?.setRawMode(true);
  input?.on('data', onKey);
  input?.resume();
  try {
    while (!stop.signal.aborted) {
      const text = await frame();
      if (stop.signal.aborted) break;
      draw(text);
      await sleep(intervalMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    term.signals.off('SIGINT', quit);
    term.signals.off('SIGTERM', quit);
    input?.off('data', onKey);
    input?.setRawMode(false);
    input?.pause();
    draw.done();
  }
}

export function registerTopCommand(program: Command, io: Io, done: (code: number) => void): void {
  apiOptions(
    program
      .command('top')
      .description('live view of campaigns (progress bars), trunks, live calls, rates and the last dials; q or Ctrl-C quits')
      .option('--once', 'print one frame and exit (no escape codes)')
      .option('--interval <seconds>', 'seconds between frames (default 2)', parseFloat),
  ).action(async (f: ApiFlags & { once?: boolean; interval?: number }) => {
    const intervalMs = Math.max(0.2, f.interval && Number.isFinite(f.interval) ? f.interval : 2) * 1000;
    if (f.json) {
      done(await withApi(io, f, async (api) => io.out(terminalJson(JSON.stringify(await readTop(api), null, 2)))));
      return;
    }
    if (f.once || !process.stdout.isTTY) {
      done(await withApi(io, f, async (api) => io.out(topFrame(await readTop(api), Date.now()))));
      return;
    }
    done(await withApi(io, f, async (api) => {
      const frame = async (): Promise<string> => {
        try {
          return topFrame(await readTop(api), Date.now());
        } catch (err) {
          // Keep watching: the daemon may be restarting.
          return topFrame(null, Date.now(), err instanceof Error ? err.message : String(err));
        }
      };
      await liveTop(frame, intervalMs, { out: process.stdout, input: process.stdin, signals: process });
    }));
  });
}
