/** One campaign's records in memory: the records, their due index and exact counters. */
import type { DialRecord, FinalState, RecordState, Result } from '../../domain/types.ts';
import { isFinal } from '../../domain/types.ts';
import { cloneRecord, dueScore, isDueState } from '../common.ts';
import type { CampaignCounts, RecordScanPage } from '../port.ts';
import { DueHeap } from './due-heap.ts';

interface Slot {
  rec: DialRecord;
  ver: number;
}

export class CampaignBucket {
  private readonly slots = new Map<string, Slot>();
  /** Ids in insertion order (records are never deleted): scan cursors are indexes into it. */
  private readonly order: string[] = [];
  private readonly heap = new DueHeap();
  private readonly states = new Map<RecordState, number>();
  private readonly results = new Map<Result, number>();
  private dials = 0;

  get(id: string): DialRecord | undefined {
    return this.slots.get(id)?.rec;
  }

  /** Insert when the id is new; false when it exists. */
  add(rec: DialRecord): boolean {
    if (this.slots.has(rec.id)) return false;
    const slot: Slot = { rec: cloneRecord(rec), ver: 0 };
    this.slots.set(rec.id, slot);
    this.order.push(rec.id);
    this.bump(rec.state, 1);
    this.index(slot);
    return true;
  }

  /** Replace an existing record, moving counts and the due index. */
  write(rec: DialRecord): void {
    const slot = this.slots.get(rec.id);
    if (!slot) return;
    this.bump(slot.rec.state, -1);
    this.bump(rec.state, 1);
    slot.rec = cloneRecord(rec);
    slot.ver++;
    this.index(slot);
    this.maybeCompact();
  }

  claim(now: number, limit: number): DialRecord[] {
    const out: DialRecord[] = [];
    while (out.length < limit) {
      const top = this.validTop();
      if (!top || top.at > now) break;
      this.heap.pop();
      const slot = this.slots.get(top.id)!;
      this.write({ ...slot.rec, state: 'dialing' });
      out.push(cloneRecord(slot.rec));
    }
    return out;
  }

  /** Up to `count` records from insertion index `from` on, those in `state` kept; cursors are the next index. */
  scan(from: number, count: number, state: RecordState | undefined): RecordScanPage {
    const end = Math.min(this.order.length, from + count);
    const rows: RecordScanPage['rows'] = [];
    for (let i = from; i < end; i++) {
      const rec = this.slots.get(this.order[i]!)!.rec;
      if (state === undefined || rec.state === state) rows.push({ record: cloneRecord(rec), cursor: String(i + 1) });
    }
    return { rows, cursor: end < this.order.length ? String(end) : null };
  }

  nextDueAt(): number | null {
    return this.validTop()?.at ?? null;
  }

  finalizeAll(state: FinalState, reason: string): number {
    let n = 0;
    for (const slot of this.slots.values()) {
      if (!isDueState(slot.rec.state)) continue;
      this.bump(slot.rec.state, -1);
      slot.rec = { ...slot.rec, state, nextAt: null, finalReason: reason };
      slot.ver++;
      n++;
    }
    this.bump(state, n);
    this.heap.rebuild([]);
    return n;
  }

  /** `dialing` records not in `live` go back to pending/waiting at their nextAt. */
  recoverDialing(live: Set<string>): number {
    const stuck = [...this.slots.values()].filter((s) => s.rec.state === 'dialing' && !live.has(s.rec.id));
    for (const s of stuck) this.write({ ...s.rec, state: s.rec.dials === 0 ? 'pending' : 'waiting' });
    return stuck.length;
  }

  countResult(result: Result): void {
    this.results.set(result, (this.results.get(result) ?? 0) + 1);
    this.dials++;
  }

  counts(): CampaignCounts {
    const states: CampaignCounts['states'] = {};
    for (const [s, n] of this.states) if (n !== 0) states[s] = n;
    const results: CampaignCounts['results'] = {};
    for (const [r, n] of this.results) if (n !== 0) results[r] = n;
    return { states, results, dials: this.dials };
  }

  isFinal(id: string): boolean {
    const rec = this.slots.get(id)?.rec;
    return rec !== undefined && isFinal(rec.state);
  }

  private index(slot: Slot): void {
    if (isDueState(slot.rec.state)) this.heap.push({ at: dueScore(slot.rec), id: slot.rec.id, ver: slot.ver });
  }

  private bump(s: RecordState, d: number): void {
    this.states.set(s, (this.states.get(s) ?? 0) + d);
  }

  /** Drop stale entries off the top; return the first live one. */
  private validTop(): { at: number; id: string } | undefined {
    for (;;) {
      const e = this.heap.peek();
      if (!e) return undefined;
      const slot = this.slots.get(e.id);
      if (slot && slot.ver === e.ver && isDueState(slot.rec.state)) return e;
      this.heap.pop();
    }
  }

  /** Stale entries pile up when due records move without being claimed; rebuild past 2×. */
  private maybeCompact(): void {
    const due = (this.states.get('pending') ?? 0) + (this.states.get('waiting') ?? 0);
    if (this.heap.size < 1024 || this.heap.size <= 2 * due) return;
    const entries = [];
    for (const slot of this.slots.values()) {
      if (isDueState(slot.rec.state)) entries.push({ at: dueScore(slot.rec), id: slot.rec.id, ver: slot.ver });
    }
    this.heap.rebuild(entries);
  }
}
