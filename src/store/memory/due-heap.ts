/**
 * A binary min-heap of due entries keyed (at, id). Entries are never removed in place: a
 * record that moves pushes a new entry with a new version, and stale entries are dropped when
 * they surface (lazy invalidation). `claimDue` therefore costs O(k log n), not a scan.
 */
import { compareDue } from '../common.ts';

export interface DueEntry {
  at: number;
  id: string;
  /** The record's version when the entry was pushed; stale when it no longer matches. */
  ver: number;
}

export class DueHeap {
  private items: DueEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(e: DueEntry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  peek(): DueEntry | undefined {
    return this.items[0];
  }

  pop(): DueEntry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Replace the content (compaction: drop stale entries in O(n)). */
  rebuild(entries: DueEntry[]): void {
    this.items = entries;
    for (let i = (entries.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(i: number): void {
    const a = this.items;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && less(a[l]!, a[m]!)) m = l;
      if (r < n && less(a[r]!, a[m]!)) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }
}

function less(x: DueEntry, y: DueEntry): boolean {
  return compareDue(x.at, x.id, y.at, y.id) < 0;
}
