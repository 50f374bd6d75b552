import { readFileSync, readdirSync } from 'node:fs';
import { mulberry32 } from '../../src/lib/prng.ts';
import { describe, expect, it } from 'vitest';
import { EslFramingError, FrameParser, type EslFrame } from '../../src/pbx/esl/framing.ts';
import { parseEvent, parsePlainEvent } from '../../src/pbx/esl/protocol.ts';
import { events, serialize } from '../fakes/esl/events.ts';

const DIR = new URL('../fixtures/freeswitch/', import.meta.url);
const read = (f: string): Buffer => readFileSync(new URL(f, DIR));

function parseAll(chunks: Buffer[]): EslFrame[] {
  const p = new FrameParser();
  const out: EslFrame[] = [];
  for (const c of chunks) out.push(...p.push(c));
  expect(p.buffered).toBe(0);
  return out;
}

/** Every captured frame or session, plus the json and plain wire forms the fake builds from the event texts. */
function wireFixtures(): Array<[string, Buffer]> {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.frame') || f === 'bgapi_originate_err_session.wire');
  const out: Array<[string, Buffer]> = files.map((f) => [f, read(f)]);
  const info = { uuid: 'd1a1e4d0-0000-4000-8000-000000000001', number: '+74950000001', vars: { dialerd_dial: 'd1' }, createdUs: 1 };
  const built = {
    hangup: events.hangup(info, { cause: 'USER_BUSY', sip: 486, answeredMs: null }, 1_700_000_000_000, 1),
    job: events.job('job-1', 'originate {x=1}sofia/gw/a/1 &park()', '-ERR USER_BUSY\n', 1_700_000_000_000, 2),
    heartbeat: events.heartbeat(1_700_000_000_000, 3),
  };
  for (const [k, ev] of Object.entries(built)) {
    out.push([`${k}.json`, serialize(ev, 'json')], [`${k}.plain`, serialize(ev, 'plain')]);
  }
  return out;
}

describe('ESL framing', () => {
  it('reads the captured outbound session frame by frame', () => {
    const frames = parseAll([read('neventsocket-example3.wire')]);
    expect(frames).toHaveLength(22);
    expect(frames[0]!.headers['Reply-Text']).toBe('+OK\n');
    expect(frames.filter((f) => f.headers['Content-Type'] === 'text/event-plain')).toHaveLength(11);
    expect(frames.at(-1)!.headers['Reply-Text']).toBe('+OK bye');
    expect(parseEvent(frames[5]!)!['Event-Name']).toBe('CHANNEL_ANSWER');
  });

  it('reads the captured bgapi session down to the BACKGROUND_JOB body', () => {
    const frames = parseAll([read('bgapi_originate_err_session.wire')]);
    expect(frames.map((f) => f.headers['Content-Type'])).toEqual(['auth/request', 'command/reply', 'command/reply', 'command/reply', 'text/event-plain']);
    expect(frames[3]!.headers['Job-UUID']).toBe('43e14ab9-38b1-4187-9f08-e13f35136bb2');
    const job = parsePlainEvent(frames[4]!.body)!;
    expect(job['Job-UUID']).toBe('43e14ab9-38b1-4187-9f08-e13f35136bb2');
    expect(job['_body']).toBe('-ERR RECOVERY_ON_TIMER_EXPIRE\n');
  });

  it.each(wireFixtures())('gives the same frames for %s split at every byte', (_name, wire) => {
    const whole = parseAll([wire]);
    expect(whole.length).toBeGreaterThan(0);
    for (let i = 1; i < wire.length; i++) {
      expect(parseAll([wire.subarray(0, i), wire.subarray(i)])).toEqual(whole);
    }
    expect(parseAll([...wire].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('gives the same frames for the 84 KB session in random chunks', () => {
    const wire = read('neventsocket-example3.wire');
    const whole = parseAll([wire]);
    const rnd = mulberry32(7);
    for (let round = 0; round < 50; round++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < wire.length; ) {
        const n = 1 + Math.floor(rnd() * 3000);
        chunks.push(wire.subarray(i, i + n));
        i += n;
      }
      expect(parseAll(chunks)).toEqual(whole);
    }
  });

  it('reads the 84 KB session fed one byte at a time', () => {
    const wire = read('neventsocket-example3.wire');
    expect(parseAll([...wire].map((b) => Buffer.from([b])))).toEqual(parseAll([wire]));
  });

  it('reads the same event from its json and plain wire forms', () => {
    const info = { uuid: 'u-1', number: '+74950000002', vars: { dialerd_dial: 'd2', name: 'Ivan Petrov, 50%' }, createdUs: 1 };
    for (const ev of [
      events.hangup(info, { cause: 'NO_USER_RESPONSE', sip: 480, answeredMs: null }, 1_700_000_000_000, 9),
      events.job('job-2', 'originate {a=b}sofia/gw/a/2 &park()', '+OK u-1\n', 1_700_000_000_000, 10),
    ]) {
      const [json] = parseAll([serialize(ev, 'json')]);
      const [plain] = parseAll([serialize(ev, 'plain')]);
      expect(parseEvent(plain!)).toEqual(parseEvent(json!));
      expect(parseEvent(json!)).toEqual(ev);
    }
  });

  it('skips garbage header blocks and keeps reading real frames after them', () => {
    const real = read('channel_answer.frame');
    const p = new FrameParser();
    const frames = p.push(Buffer.concat([Buffer.from('\n\nhello there\nno colon here\n\n\x00\x01\x02: x\n\n'), real]));
    const typed = frames.filter((f) => f.headers['Content-Type']);
    expect(typed).toHaveLength(1);
    expect(parseEvent(typed[0]!)!['Event-Name']).toBe('CHANNEL_ANSWER');
  });

  it('refuses a bogus Content-Length instead of waiting forever', () => {
    expect(() => new FrameParser().push(Buffer.from('Content-Type: api/response\nContent-Length: 12ab\n\n'))).toThrow(EslFramingError);
    expect(() => new FrameParser().push(Buffer.from('Content-Length: 999999999999\n\n'))).toThrow(EslFramingError);
  });

  it('refuses an endless header block', () => {
    const p = new FrameParser();
    expect(() => p.push(Buffer.alloc(70_000, 0x41))).toThrow(EslFramingError);
  });

  it('returns null for an event body that is not JSON or has no Event-Name', () => {
    expect(parseEvent({ headers: { 'Content-Type': 'text/event-json' }, body: '{"Event-Name":' })).toBeNull();
    expect(parseEvent({ headers: { 'Content-Type': 'text/event-json' }, body: '[1,2]' })).toBeNull();
    expect(parseEvent({ headers: { 'Content-Type': 'text/event-plain' }, body: 'Foo: bar\n' })).toBeNull();
  });
});
