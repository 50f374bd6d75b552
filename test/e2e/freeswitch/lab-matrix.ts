/**
 * ../shared/lab/freeswitch/matrix.txt read as data: one row per carrier behaviour with what the
 * real FreeSWITCH 1.10.12 reported over ESL (see that folder's README.md). Rows captured in the
 * `event plain` format repeat json rows and are dropped: the adapter subscribes with `event json`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LAB } from './harness.ts';

export interface LabRow {
  label: string;
  /** The carrier's final response for `r…` rows: code, phrase, and the Reason header's Q.850 cause. */
  reply: { code: number; phrase: string; q850: number | null } | null;
  bgapi: string;
  causeName: string;
  q850: number;
  /**
   * The far end's final SIP status as the adapter reads it: sip_term_status, else
   * sip_invite_failure_status unless that answers FreeSWITCH's own CANCEL (send_cancel: ring timeout).
   */
  sip: number | null;
  answered: boolean;
  /** Event names in the order they came (CREATE, ORIGINATE, PROGRESS, ANSWER, BGJOB, HANGUP, …). */
  order: string[];
}

const int = (v: string | undefined): number | null => (v === undefined || v === '-' ? null : Number(v));

export function parseLabMatrix(text: string): LabRow[] {
  const rows: LabRow[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '' || line.includes(' [plain]')) continue;
    const head = /^(\S+?)(?: \((\d{3}) (.+?)(?: \(no challenge\))?(?: \+Reason:Q\.850;cause=(\d+))?\))?: /.exec(line);
    if (!head) throw new Error(`matrix.txt: unreadable line: ${line.slice(0, 60)}`);
    const f = Object.fromEntries([...line.matchAll(/([A-Za-z0-9_-]+)=("[^"]*"|\S+)/g)].map((m) => [m[1]!, m[2]!]));
    const order = (line.split(' | ').at(-1) ?? '').split(' -> ').map((e) => e.replace(/@\d+ms$/, ''));
    rows.push({
      label: head[1]!,
      reply: head[2] ? { code: Number(head[2]), phrase: head[3]!, q850: int(head[4]) } : null,
      bgapi: /bgapi=(.*?) \|/.exec(line)![1]!,
      causeName: f['Hangup-Cause']!,
      q850: Number(f['q850']),
      sip: int(f['sip_term_status']) ?? (f['sip_hangup_disposition'] === 'send_cancel' ? null : int(f['sip_invite_failure_status'])),
      answered: f['answered'] === 'yes',
      order,
    });
  }
  return rows;
}

export const LAB_MATRIX: readonly LabRow[] = parseLabMatrix(readFileSync(path.join(LAB, 'matrix.txt'), 'utf8'));
