/**
 * Terminal tables and progress bars of the CLI, on cli-table3 (column widths by display width,
 * so wide characters line up; truncation with `…`) and cli-progress's bar formatter. Borderless,
 * uncoloured: the output reads the same in a pipe. Every cell is made terminal-safe
 * (lib/terminal-safe.ts): ids and names come from strangers.
 */
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { terminalSafe } from '../lib/terminal-safe.ts';

const NO_BORDER = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '  ',
};

export interface TableOptions {
  /** Each column's width (cells longer are cut with `…`); absent: as wide as its widest cell. */
  widths?: number[];
  /** Indent every line by this text. */
  indent?: string;
}

/** Left-aligned text columns, right-aligned numeric ones (every row a number there); `head` null: no header line. */
export function table(head: string[] | null, rows: (string | number)[][], o: TableOptions = {}): string {
  const columns = head?.length ?? rows[0]?.length ?? 0;
  const numeric = Array.from({ length: columns }, (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const t = new Table({
    ...(head ? { head: head.map(terminalSafe) } : {}),
    chars: NO_BORDER,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: numeric.map((n) => (n ? 'right' : 'left')),
    ...(o.widths ? { colWidths: o.widths, wordWrap: false } : {}),
  });
  t.push(...rows.map((r) => r.map((c) => terminalSafe(String(c)))));
  return t
    .toString()
    .split('\n')
    .map((l) => `${o.indent ?? ''}${l}`.trimEnd())
    .join('\n');
}

/** A header-less table indented by two spaces, as the lines to add to a report (none without rows). */
export function indentedList(rows: (string | number)[][]): string[] {
  return rows.length === 0 ? [] : [table(null, rows, { indent: '  ' })];
}

/** A `width`-character bar filled to `fraction` (0..1) with █ on ░. */
export function bar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  return cliProgress.Format.BarFormat(f, {
    barsize: width,
    barCompleteString: '█'.repeat(width),
    barIncompleteString: '░'.repeat(width),
    barGlue: '',
  });
}
