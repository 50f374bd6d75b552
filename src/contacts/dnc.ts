/**
 * Do-not-call lists (domain.md §5): plain text files, one number per line, `#` starts a comment.
 * Numbers are normalized to E.164 with the campaign's region so they compare equal to the
 * numbers of imported records. Lists change while a campaign runs: `refresh()` re-reads only
 * the files that changed and swaps each one's set in a single assignment, so `has()` never sees
 * a half-read file.
 */
import { stat } from 'node:fs/promises';
import { normalizeNumber } from '../domain/numbers.ts';
import { DialerdError } from '../lib/errors.ts';
import { readLines } from './csv-lines.ts';

export interface DncProblem {
  file: string;
  line: number;
  message: string;
}

/** The union of one or more DNC files. */
export interface DncList {
  /** True when the E.164 number is on any of the lists. */
  has(e164: string): boolean;
  /** Distinct numbers over all lists. */
  readonly size: number;
  /** Re-reads files whose mtime, size or inode changed. Resolves true if anything was reloaded.
   *  A file that disappeared keeps its previous contents (a problem is reported once). Concurrent
   *  calls share one pass. */
  refresh(): Promise<boolean>;
}

interface Loaded {
  file: string;
  signature: string;
  numbers: Set<string>;
  missing: boolean;
}

type Report = (p: DncProblem) => void;

async function signatureOf(file: string): Promise<string | null> {
  try {
    const s = await stat(file);
    // A device or FIFO (a path typo, /dev/zero) would be read forever.
    if (!s.isFile()) throw new Error('not a regular file');
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Bad lines reported one by one per read of a file; the rest are counted in one last problem. */
export const MAX_DNC_PROBLEMS = 20;
/** A longer line is not a number: its text is not kept (a file with no newline cannot fill memory). */
const MAX_DNC_LINE_CHARS = 1024;

/**
 * Reads one list line by line (streamed: lists may hold millions of numbers). A bad line is
 * reported by its number and the reason only: a list path may point at any file (a typo, or
 * /etc/shadow), and its lines must not end up in the logs.
 */
export async function readDncFile(file: string, region: string | null, report: Report): Promise<Set<string>> {
  const numbers = new Set<string>();
  let line = 0;
  let bad = 0;
  for await (const l of readLines(file, MAX_DNC_LINE_CHARS)) {
    line = l.number;
    const text = l.text?.replace(/#.*$/, '').trim() ?? null;
    if (text === '') continue;
    const n = text === null ? ({ ok: false, reason: `longer than ${MAX_DNC_LINE_CHARS} characters` } as const) : normalizeNumber(text, region);
    if (n.ok) numbers.add(n.e164);
    else if (++bad <= MAX_DNC_PROBLEMS) report({ file, line, message: `not a number (${n.reason})` });
  }
  if (bad > MAX_DNC_PROBLEMS) report({ file, line, message: `${bad - MAX_DNC_PROBLEMS} more lines are not numbers (not listed)` });
  return numbers;
}

/**
 * Loads every file of `files`. A missing or unreadable file throws DIALERD_ERR_CONTACTS;
 * a malformed line is reported through `onProblem` and skipped.
 */
export async function loadDnc(
  files: string[],
  region: string | null,
  opts: { onProblem?: (p: DncProblem) => void } = {},
): Promise<DncList> {
  const report: Report = opts.onProblem ?? (() => {});
  const loaded: Loaded[] = [];
  for (const file of files) {
    try {
      const signature = await signatureOf(file);
      if (signature === null) throw new Error('no such file');
      loaded.push({ file, signature, numbers: await readDncFile(file, region, report), missing: false });
    } catch (e) {
      throw new DialerdError('DIALERD_ERR_CONTACTS', `DNC list ${file} cannot be read: ${(e as Error).message}`, { cause: e });
    }
  }

  let size: number | null = null;
  let running: Promise<boolean> | null = null;

  async function refreshOne(entry: Loaded): Promise<boolean> {
    let signature: string | null;
    try {
      signature = await signatureOf(entry.file);
    } catch (e) {
      report({ file: entry.file, line: 0, message: `cannot stat: ${(e as Error).message}; keeping previous contents` });
      return false;
    }
    if (signature === null) {
      if (!entry.missing) report({ file: entry.file, line: 0, message: 'file disappeared; keeping previous contents' });
      entry.missing = true;
      return false;
    }
    entry.missing = false;
    if (signature === entry.signature) return false;
    try {
      entry.numbers = await readDncFile(entry.file, region, report);
    } catch (e) {
      report({ file: entry.file, line: 0, message: `cannot read: ${(e as Error).message}; keeping previous contents` });
      return false;
    }
    // Stat was taken before reading: a change during the read shows up at the next refresh.
    entry.signature = signature;
    return true;
  }

  async function refreshAll(): Promise<boolean> {
    let changed = false;
    for (const entry of loaded) if (await refreshOne(entry)) changed = true;
    if (changed) size = null;
    return changed;
  }

  return {
    has(e164: string): boolean {
      for (const entry of loaded) if (entry.numbers.has(e164)) return true;
      return false;
    },
    get size(): number {
      if (size === null) {
        if (loaded.length === 1) size = loaded[0]!.numbers.size;
        else {
          const all = new Set<string>();
          for (const entry of loaded) for (const n of entry.numbers) all.add(n);
          size = all.size;
        }
      }
      return size;
    },
    refresh(): Promise<boolean> {
      running ??= refreshAll().finally(() => {
        running = null;
      });
      return running;
    },
  };
}
