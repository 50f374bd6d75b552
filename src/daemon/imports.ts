/**
 * Contact imports in progress, for ops: a log line every `everyMs` of real time
 * (`importing campaign X: 45% (450,000/1,000,000)`), the progress campaign status shows, and the
 * rows read per campaign since start (`dialerd_import_rows_total`).
 */
import type { ImportProgress } from '../api/deps.ts';
import type { Logger } from '../lib/logger.ts';
import { progressPercent, progressText } from '../lib/progress-text.ts';

export class Imports {
  private readonly running = new Map<string, ImportProgress & { loggedAt: number }>();
  private readonly rowsRead = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly everyMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** `log`: progress lines for this one (a list small enough to import during the start logs none). */
  begin(c: { campaign: string; name: string; trunk: string; total: number }, log = true): void {
    this.running.set(c.campaign, { ...c, rows: 0, percent: 0, loggedAt: log ? this.now() : Infinity });
    if (log) this.log(c.campaign, 0, c.total);
  }

  /** `rows` read so far by the import of `campaign`. */
  progress(campaign: string, rows: number): void {
    const p = this.running.get(campaign);
    if (!p) return;
    this.rowsRead.set(campaign, (this.rowsRead.get(campaign) ?? 0) + Math.max(0, rows - p.rows));
    p.rows = rows;
    p.total = Math.max(p.total, rows);
    p.percent = progressPercent(rows, p.total);
    if (this.now() - p.loggedAt >= this.everyMs) {
      p.loggedAt = this.now();
      this.log(campaign, rows, p.total);
    }
  }

  end(campaign: string): void {
    this.running.delete(campaign);
  }

  get(campaign: string): ImportProgress | null {
    const p = this.running.get(campaign);
    return p ? { campaign, name: p.name, trunk: p.trunk, rows: p.rows, total: p.total, percent: p.percent } : null;
  }

  campaigns(): string[] {
    return [...this.running.keys()];
  }

  /** Rows read per campaign since the daemon started (finished imports included). */
  rowsTotal(): ReadonlyMap<string, number> {
    return this.rowsRead;
  }

  private log(campaign: string, rows: number, total: number): void {
    this.logger.info({ campaign, rows, total }, `importing campaign ${campaign}: ${progressText(rows, total)}`);
  }
}
