/** The demo's live progress line and closing summary. */
import type { Daemon } from '../daemon/daemon.ts';
import type { Clock } from '../domain/types.ts';
import type { Io } from './main.ts';
import { indentedList } from './tables.ts';

export class DemoProgress {
  private readonly results = new Map<string, number>();
  private readonly finals = new Map<string, number>();
  private dials = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly started = Date.now();
  private readonly virtualStart: number;
  private allDone: (() => void) | null = null;

  constructor(private readonly daemon: Daemon, private readonly io: Io, private readonly clock: Clock) {
    this.virtualStart = clock.now();
    daemon.engine.on('dial', (row) => {
      this.dials++;
      this.results.set(row.result, (this.results.get(row.result) ?? 0) + 1);
    });
    daemon.engine.on('final', (e) => this.finals.set(e.state, (this.finals.get(e.state) ?? 0) + 1));
    daemon.engine.on('campaign', (e) => {
      this.io.err(`\r\x1b[Kcampaign ${e.id}: ${e.from} -> ${e.to}${e.reason ? ` (${e.reason})` : ''}`);
      if (e.to === 'completed' && this.daemon.engine.campaignIds().every((id) => this.daemon.engine.campaign(id)?.status.state === 'completed')) {
        this.allDone?.();
      }
    });
  }

  onAllCompleted(fn: () => void): void {
    this.allDone = fn;
  }

  start(): void {
    this.timer = setInterval(() => this.draw(), 250);
  }

  private line(): string {
    const res = [...this.results].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    return `dials ${this.dials} | in flight ${this.daemon.engine.live()} | ${res} | ${this.virtualSpan()} simulated`;
  }

  private virtualSpan(): string {
    const min = Math.round((this.clock.now() - this.virtualStart) / 60_000);
    return min < 120 ? `${min} min` : `${(min / 60).toFixed(1)} h`;
  }

  private draw(): void {
    const s = this.line();
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${s}`);
    else this.io.err(s);
  }

  finish(): void {
    if (this.timer) clearInterval(this.timer);
    if (process.stderr.isTTY) process.stderr.write('\n');
    const secs = ((Date.now() - this.started) / 1000).toFixed(1);
    const out = [`demo finished in ${secs} s (${this.virtualSpan()} of campaign time on the simulated PBX)`, `dials: ${this.dials}`, 'results:'];
    out.push(...indentedList([...this.results].sort((a, b) => b[1] - a[1])));
    out.push('records:');
    out.push(...indentedList([...this.finals].sort((a, b) => b[1] - a[1])));
    this.io.out(out.join('\n'));
  }
}
