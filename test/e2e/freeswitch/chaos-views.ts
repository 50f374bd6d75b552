/**
 * Two independent views of how many calls are up at once, for the chaos tests: a sampler of the
 * switches' own channel counts (FreeSWITCH's `show channels count` over ESL, Asterisk's ARI
 * channel list) and the carrier SIPp's calls read back from its message trace.
 */
import { readFileSync } from 'node:fs';
import type { Sipp } from '../shared/sipp.ts';
import { fsApi } from './harness.ts';

/** FreeSWITCH's channel count (`show channels count` → "N total."). */
export async function fsChannelCount(): Promise<number> {
  const m = /(\d+) total/.exec(await fsApi('show channels count'));
  if (!m) throw new Error('show channels count: no count');
  return Number(m[1]);
}

export interface Sampler {
  /**
   * Stops sampling; resolves with the samples taken, each the probes' counts in order (a sample
   * where a probe failed — a switch down — is left out).
   */
  stop(): Promise<number[][]>;
}

/** Runs every probe at once every `everyMs` (one sample), until stop(). */
export function sample(probes: (() => Promise<number>)[], everyMs = 200): Sampler {
  const samples: number[][] = [];
  let on = true;
  const loop = (async () => {
    while (on) {
      const t = Date.now();
      const counts = await Promise.all(probes.map((p) => p().catch(() => null)));
      if (counts.every((c) => c !== null)) samples.push(counts as number[]);
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - t))));
    }
  })();
  return { stop: async () => ((on = false), await loop, samples) };
}

export interface CarrierCall {
  callId: string;
  /** The called number (the INVITE's user part). */
  number: string;
  /** INVITE received (ms, the trace's clock). */
  start: number;
  /** The call is over in SIP: a BYE or CANCEL either way, or a final error response sent. */
  end: number;
}

const stamp = (s: string): number => Date.parse(s.replace(' ', 'T') + 'Z');

/** Every call the carrier saw (one per Call-ID), from its -trace_msg file. */
export function carrierCalls(sipp: Sipp): CarrierCall[] {
  let text = '';
  try {
    text = readFileSync(sipp.messageFile, 'utf8');
  } catch {
    return [];
  }
  const calls = new Map<string, CarrierCall>();
  const parts = text.split(/^-{10,} (\S+ \S+)$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) {
    const at = stamp(parts[i]!);
    const body = parts[i + 1]!;
    const callId = /^Call-ID:\s*(\S+)/im.exec(body)?.[1];
    if (!callId) continue;
    const invite = /^(?:UDP )?message received[^\n]*\n\s*INVITE sip:([^@\s]+)@/m.exec(body);
    if (invite && !calls.has(callId)) calls.set(callId, { callId, number: invite[1]!, start: at, end: Number.POSITIVE_INFINITY });
    const c = calls.get(callId);
    if (!c || c.end !== Number.POSITIVE_INFINITY) continue;
    const first = body.trimStart().split('\n').slice(1).join('\n').trimStart().split('\n')[0] ?? '';
    if (/^(BYE|CANCEL) /.test(first) || (/^SIP\/2\.0 [3-6]\d\d /.test(first) && /message sent/.test(body))) c.end = at;
  }
  return [...calls.values()];
}

/** The most calls up at once (an unfinished call counts until the end of time). */
export function maxConcurrent(calls: CarrierCall[]): number {
  const edges = calls.flatMap((c) => [{ t: c.start, d: 1 }, { t: c.end, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (now += e.d));
  return max;
}

/** The largest sum of one sample's counts. */
export const maxTotal = (samples: number[][]): number => Math.max(...samples.map((s) => s.reduce((a, b) => a + b, 0)));

/** Numbers the carrier had in two calls at once. */
export function overlappingNumbers(calls: CarrierCall[]): string[] {
  const by = new Map<string, CarrierCall[]>();
  for (const c of calls) by.set(c.number, [...(by.get(c.number) ?? []), c]);
  return [...by].filter(([, cs]) => maxConcurrent(cs) > 1).map(([n]) => n);
}
