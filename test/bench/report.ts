/** Printing for the benchmarks: machine facts and aligned tables. */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';

export type Cell = string | number;

/** A plain-text table: numbers right-aligned, text left-aligned. */
export function table(title: string, head: string[], rows: Cell[][]): string {
  const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const width = head.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: Cell[], raw: Cell[]): string =>
    r.map((c, i) => (typeof raw[i] === 'number' ? String(c).padStart(width[i]!) : String(c).padEnd(width[i]!))).join('  ');
  const out = [`\n${title}`, line(head, head), width.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((r, i) => out.push(line(cells[i + 1]!, r)));
  return out.join('\n');
}

/** Thousands separators for big numbers, 3 significant digits for small ones. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n) || Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toPrecision(3);
}

export function machineFacts(): string {
  const cpu = cpus();
  let redis = 'not found';
  try {
    redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim().replace(/^Redis server /, '');
  } catch {
    // reported as not found; startRedis says how to install it
  }
  return [
    `cpu     ${cpu[0]?.model ?? 'unknown'} × ${cpu.length} (load avg ${loadavg().map((x) => x.toFixed(2)).join(' ')})`,
    `memory  ${(totalmem() / 2 ** 30).toFixed(1)} GiB total, ${(freemem() / 2 ** 30).toFixed(1)} GiB free`,
    `node    ${process.version} (${process.platform} ${process.arch}), V8 ${process.versions.v8}`,
    `redis   ${redis}`,
  ].join('\n');
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
