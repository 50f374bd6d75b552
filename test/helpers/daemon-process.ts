/**
 * The real `dialerd run` as a child process, for integration tests: spawn it, read its pino
 * JSON lines from stdout, wait for a matching line (no fixed sleeps), signal it, await its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = path.join(ROOT, 'src/cli/dialerd.mjs');

/** One pino log line (the fields the tests read, plus the rest). */
export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export type LinePredicate = (l: LogLine) => boolean;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class DaemonProcess {
  /** Every JSON line so far, in order. */
  readonly lines: LogLine[] = [];
  /** Lines on stdout that were not JSON, and all of stderr. */
  readonly other: string[] = [];
  readonly exited: Promise<Exit>;
  private waiters: { pred: LinePredicate; from: number; resolve: (l: LogLine) => void }[] = [];
  private exit: Exit | null = null;

  private constructor(readonly proc: ChildProcess) {
    let buf = '';
    proc.stdout!.on('data', (b: Buffer) => {
      buf += b.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        this.onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    proc.stderr!.on('data', (b: Buffer) => this.other.push(b.toString()));
    this.exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        this.exit = { code, signal };
        running.delete(proc);
        resolve(this.exit);
      }),
    );
    running.add(proc);
  }

  /** `node src/cli/dialerd.mjs run --config <file>` (plus `extra` args), cwd = the repo. */
  static start(configFile: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): DaemonProcess {
    const proc = spawn(process.execPath, [CLI, 'run', '--config', configFile, ...extra], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new DaemonProcess(proc);
  }

  private onLine(text: string): void {
    let l: LogLine;
    try {
      l = JSON.parse(text) as LogLine;
    } catch {
      this.other.push(text);
      return;
    }
    this.lines.push(l);
    const idx = this.lines.length - 1;
    this.waiters = this.waiters.filter((w) => {
      if (idx < w.from || !w.pred(l)) return true;
      w.resolve(l);
      return false;
    });
  }

  /** Index past the last line seen: pass it as `from` to wait only for lines after now. */
  mark(): number {
    return this.lines.length;
  }

  /**
   * The first line from index `from` on that matches; rejects after `timeoutMs` (or when the
   * process exits first) with the last lines in the message.
   */
  waitFor(pred: LinePredicate, what: string, timeoutMs = 15_000, from = 0): Promise<LogLine> {
    const seen = this.lines.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`waiting for ${what}: ${why}\n${this.tail()}`));
      };
      const timer = setTimeout(() => fail(`no line in ${timeoutMs} ms`), timeoutMs);
      const waiter = {
        pred,
        from,
        resolve: (l: LogLine) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then((e) => {
        if (!this.waiters.includes(waiter)) return;
        clearTimeout(timer);
        fail(`the daemon exited (${JSON.stringify(e)})`);
      });
    });
  }

  /** Waits until `n` lines (from `from` on) match. */
  async waitForCount(pred: LinePredicate, n: number, what: string, timeoutMs = 15_000, from = 0): Promise<LogLine[]> {
    let count = this.lines.slice(from).filter(pred).length;
    while (count < n) {
      const at = this.lines.length;
      await this.waitFor(pred, `${what} (${count}/${n})`, timeoutMs, at);
      count = this.lines.slice(from).filter(pred).length;
    }
    return this.lines.slice(from).filter(pred);
  }

  /** Resolves with the exit, or rejects after `timeoutMs`. */
  waitExit(timeoutMs = 15_000): Promise<Exit> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the daemon did not exit in ${timeoutMs} ms\n${this.tail()}`)), timeoutMs);
      void this.exited.then((e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
  }

  signal(sig: NodeJS.Signals): void {
    if (this.exit === null) this.proc.kill(sig);
  }

  /** SIGKILL and wait (idempotent). */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** Settled dials so far (one `dial … -> …` line each). */
  dials(from = 0): LogLine[] {
    return this.lines.slice(from).filter(isDialLine);
  }

  tail(n = 25): string {
    const last = this.lines.slice(-n).map((l) => JSON.stringify(l));
    return [...last, ...this.other.slice(-5)].join('\n');
  }
}

/** A settled dial's line (engine.settle logs one per dial). */
export const isDialLine: LinePredicate = (l) => typeof l.dialId === 'string' && typeof l.result === 'string';

/** A campaign state change `campaign X: a -> b`. */
export const campaignTo =
  (id: string, to: string): LinePredicate =>
  (l) =>
    l.campaign === id && l.to === to;

// A test run that dies early must not leave daemons behind.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});
