/**
 * The ESL protocol above framing: what a reply means, how an event body reads, which commands
 * we send. Pure functions; the connection does the I/O.
 */
import { parseHeaderLines, type EslFrame } from './framing.ts';

/** An event as a flat map of header → value (URL-decoded), its body (if any) under `_body`. */
export type EslEvent = Record<string, string>;

/** Read an event frame (`text/event-json` or `text/event-plain`); null for anything else or garbage. */
export function parseEvent(frame: EslFrame): EslEvent | null {
  const type = frame.headers['Content-Type'];
  if (type === 'text/event-json') return parseJsonEvent(frame.body);
  if (type === 'text/event-plain') return parsePlainEvent(frame.body);
  return null;
}

function parseJsonEvent(body: string): EslEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const out: EslEvent = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return typeof out['Event-Name'] === 'string' ? out : null;
}

/** Plain bodies are URL-encoded header lines; an inner Content-Length introduces `_body`. */
export function parsePlainEvent(body: string): EslEvent | null {
  const split = body.indexOf('\n\n');
  const head = split < 0 ? body : body.slice(0, split);
  const ev = parseHeaderLines(head, true);
  if (split >= 0) {
    const rest = body.slice(split + 2);
    const len = Number(ev['Content-Length']);
    if (rest.length > 0) ev['_body'] = Number.isInteger(len) && len >= 0 ? Buffer.from(rest).subarray(0, len).toString('utf8') : rest;
    // Framing of the inner body, not part of the event (the json form has no such key).
    delete ev['Content-Length'];
  }
  return typeof ev['Event-Name'] === 'string' ? ev : null;
}

export interface Reply {
  ok: boolean;
  /** `+OK accepted`, `-ERR invalid`, or the api body. */
  text: string;
}

/** command/reply → Reply-Text; api/response → its body. */
export function readReply(frame: EslFrame): Reply {
  const text = (frame.headers['Content-Type'] === 'api/response' ? frame.body : frame.headers['Reply-Text'] ?? '').trim();
  return { ok: !text.startsWith('-'), text };
}

/** `-ERR USER_BUSY` → `USER_BUSY`; null when the text is not an -ERR. */
export function errCause(text: string): string | null {
  const m = /^-ERR\s+(\S+)/.exec(text.trim());
  return m?.[1] ?? null;
}

/** The events dialerd subscribes to (re-sent after every reconnect). */
export const SUBSCRIPTION = [
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP_COMPLETE',
  'BACKGROUND_JOB',
  'HEARTBEAT',
  // FreeSWITCH is going away (fired before it stops taking calls and unloads its modules).
  'SHUTDOWN',
  // mod_avmd, and the spellings of the community mod_amd forks.
  'CUSTOM',
  'avmd::beep',
  'amd::info',
  'amd::result',
  'amd::detect',
].join(' ');

/** Rows of `show channels as json` (`{"row_count":0}` when empty). */
export function parseChannelUuids(body: string): string[] {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new Error(`show channels: not JSON: ${body.slice(0, 80)}`);
  }
  const rows = (raw as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) return [];
  return rows.map((r) => (r as { uuid?: unknown }).uuid).filter((u): u is string => typeof u === 'string');
}
