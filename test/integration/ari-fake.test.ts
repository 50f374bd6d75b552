/**
 * The ARI adapter's pure parts and its link supervision against a fake ARI on a real socket
 * (pure, no Asterisk needed; they live here because this directory is the adapter's test home).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { realScheduler } from '../../src/lib/clock.ts';
import { pino } from 'pino';
import { silentLogger } from '../../src/lib/logger.ts';
import { amdParamString } from '../../src/pbx/ari/amd.ts';
import { parseAriEvent } from '../../src/pbx/ari/ari-types.ts';
import { applyEvent, newDial } from '../../src/pbx/ari/dial-state.ts';
import { createAriAdapter } from '../../src/pbx/ari/index.ts';
import type { PbxAdapter, PbxLinkStatus } from '../../src/pbx/port.ts';
import { FakeAriServer } from '../fakes/ari/server.ts';
import { Recorder } from '../fakes/esl/recorder.ts';
import { dialRequest } from '../helpers/dial-request.ts';
import { until } from '../helpers/until.ts';

describe('amdParamString', () => {
  it('orders parameters as AMD() wants them, by either spelling, leaving gaps empty', () => {
    expect(amdParamString({}).value).toBe('');
    expect(amdParamString({ initial_silence: 2500, maximum_number_of_words: 5 }).value).toBe('2500,,,,,,5');
    expect(amdParamString({ min_word_length: 120, greeting: 1500 }).value).toBe(',1500,,,120');
    expect(amdParamString({ bogus: 1, greeting: 1 }).unknown).toEqual(['bogus']);
  });
});

describe('dial state', () => {
  const ch = (state: string) => ({ id: 'd1', name: 'PJSIP/carrier-1', state });
  it('folds matrix.txt r486 (busy) into progress then ended 17/486, and ignores anything after', () => {
    const d = newDial(dialRequest('PJSIP/x', { dialId: 'd1' }), 'd1', 0);
    const seq = [
      { type: 'Dial', peer: ch('Ring'), dialstatus: '' },
      { type: 'ChannelStateChange', channel: ch('Ringing') },
      { type: 'Dial', peer: ch('Ringing'), dialstatus: 'RINGING' },
      { type: 'ChannelHangupRequest', channel: ch('Ringing'), cause: 17, tech_cause: 486 },
      { type: 'Dial', peer: ch('Ringing'), dialstatus: 'BUSY' },
      { type: 'ChannelDestroyed', channel: ch('Ringing'), cause: 17, cause_txt: 'User busy', tech_cause: 486 },
      { type: 'ChannelStateChange', channel: ch('Up') },
    ].map((e) => parseAriEvent(JSON.stringify(e))!);
    const out = seq.flatMap((e, i) => applyEvent(d, e, 100 * i).out);
    expect(out.map((e) => e.type)).toEqual(['progress', 'ended']);
    const end = out[1]!;
    expect(end.type === 'ended' && [end.facts.q850, end.facts.sip, end.facts.ringTimeoutHit]).toEqual([17, 486, false]);
  });
  it("takes AMD's verdict from the dialplan's dialerd_amd user event, once, and only Asterisk's words", () => {
    const d = newDial(dialRequest('PJSIP/x', { dialId: 'd1', amd: { enabled: true, params: {} } }), 'd1', 0);
    const ev = (userevent: Record<string, unknown>, eventname = 'dialerd_amd') => parseAriEvent(JSON.stringify({ type: 'ChannelUserevent', eventname, channel: ch('Up'), userevent }))!;
    expect(applyEvent(d, ev({ status: 'HUMAN' }, 'other_event'), 400).out).toEqual([]);
    const up = applyEvent(d, parseAriEvent(JSON.stringify({ type: 'ChannelStateChange', channel: ch('Up') }))!, 500);
    expect(up.out.map((e) => e.type)).toEqual(['answered']);
    const amd = applyEvent(d, ev({ eventname: 'dialerd_amd', status: 'MACHINE', cause: 'MAXWORDS-3-2' }), 2500);
    expect(amd.out).toEqual([{ type: 'amd', dialId: 'd1', at: 2500, status: 'MACHINE', cause: 'MAXWORDS-3-2' }]);
    expect(applyEvent(d, ev({ status: 'HUMAN' }), 2600).out).toEqual([]);
    const odd = newDial(dialRequest('PJSIP/x', { dialId: 'd2', amd: { enabled: true, params: {} } }), 'd2', 0);
    const out = applyEvent(odd, ev({ status: '\u001b[31mHUMAN', cause: 'x,y' }), 900).out;
    expect(out.map((e) => e.type)).toEqual(['answered', 'amd']);
    expect(out[1]).toMatchObject({ status: 'NOTSURE', cause: null });
  });
  it('rejects garbage frames', () => {
    expect(parseAriEvent('not json')).toBeNull();
    expect(parseAriEvent('{"type":"ChannelDestroyed"}')).toBeNull();
    expect(parseAriEvent('{"type":"ApplicationReplaced"}')?.type).toBe('other');
  });
});

describe('link supervision against a fake ARI', () => {
  let server: http.Server | null = null;
  let adapter: PbxAdapter | null = null;
  afterEach(async () => {
    await adapter?.stop();
    await new Promise((r) => (server ? server.close(r) : r(null)));
    server = null;
  });

  async function fakeAri(opts: { status?: number; pong: () => boolean }): Promise<{ url: string; upgrades: () => number; posts: () => number }> {
    const wss = new WebSocketServer({ noServer: true, autoPong: false });
    let upgrades = 0;
    let posts = 0;
    wss.on('connection', (ws) => ws.on('ping', (d) => opts.pong() && ws.pong(d)));
    server = http.createServer((req, res) => {
      // an originate that Asterisk swallows: no answer, and no channel ever shows up (the
      // memory-of-ends reader's channel, end-memory-db.ts, is answered and gone at once)
      if (req.method === 'POST' && /^\/ari\/channels\/(?!dialerd-memory-)[^/]+\?/.test(req.url ?? '')) return void posts++;
      if (req.method === 'GET' && /^\/ari\/channels\/[^/?]+$/.test(req.url ?? '')) return void res.writeHead(404).end('{"message":"Channel not found"}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    server.on('upgrade', (req, sock, head) => {
      upgrades++;
      if (opts.status) return void sock.end(`HTTP/1.1 ${opts.status} Unauthorized\r\nContent-Length: 0\r\n\r\n`);
      wss.handleUpgrade(req, sock, head, (ws) => wss.emit('connection', ws, req));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, upgrades: () => upgrades, posts: () => posts };
  }

  /** Every log line the adapter wrote (pino JSON). */
  let logged: { level: number; msg: string; reason?: string }[] = [];
  function start(url: string): PbxLinkStatus[] {
    const seen: PbxLinkStatus[] = [];
    logged = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    adapter = createAriAdapter({ name: 'fake', url, username: 'u', password: 'p', app: 'a' },
      { clock: realScheduler, logger, reconnect: { baseMs: 50, maxMs: 200 }, tuning: { pingMs: 100, requestTimeoutMs: 300, verifyAfterMs: 100 } });
    adapter.on((e) => e.type === 'status' && seen.push(e.status));
    void adapter.start();
    return seen;
  }

  it('drops a link whose pings go unanswered, and comes back when they are answered again', async () => {
    let answering = true;
    const fake = await fakeAri({ pong: () => answering });
    const seen = start(fake.url);
    await until(() => adapter!.status() === 'up', 'up', 5000);
    answering = false;
    await until(() => seen.includes('down'), 'down after unanswered pings', 5000);
    answering = true;
    await until(() => adapter!.status() === 'up', 'up again', 5000);
    expect(seen.slice(0, 4)).toEqual(['connecting', 'up', 'down', 'up']);
    expect(fake.upgrades()).toBeGreaterThanOrEqual(2);
    // One log line per link change, saying why; nothing else about the link.
    const lines = logged.filter((l) => l.level >= 30).map((l) => l.msg);
    expect(lines.slice(0, 4)).toEqual(['PBX link down -> connecting', 'PBX link connecting -> up', 'PBX link up -> down', 'PBX link down -> up']);
    expect(logged.find((l) => l.msg === 'PBX link up -> down')?.reason).toBe('WebSocket ping unanswered');
  });

  it('reports auth_failed on a 401 and keeps retrying', async () => {
    const fake = await fakeAri({ status: 401, pong: () => true });
    const seen = start(fake.url);
    await until(() => fake.upgrades() >= 3, 'retries', 5000);
    expect(seen).toEqual(['connecting', 'auth_failed']);
  });

  it('an originate whose answer never comes resolves (Asterisk may have it), is never replayed, and is settled as lost (pbx_down: no trunk evidence)', async () => {
    const fake = await fakeAri({ pong: () => true });
    start(fake.url);
    await until(() => adapter!.status() === 'up', 'up', 5000);
    const ended: unknown[] = [];
    adapter!.on((e) => e.type === 'ended' && ended.push(e));
    const req = dialRequest('PJSIP/x', { dialId: 'lost-1' });
    await adapter!.originate(req);
    await until(() => ended.length === 1, 'settled', 5000);
    expect(ended[0]).toMatchObject({ dialId: 'lost-1', facts: { originateFailed: true, pbxDown: true, causeText: 'originate lost' } });
    expect(fake.posts()).toBe(1);
  });
});

describe('hang-up refused by Asterisk', () => {
  it('rejects with DIALERD_ERR_HANGUP_FAILED and the dial keeps its real end (soft: false)', async () => {
    const fake = await FakeAriServer.start({ username: 'u', password: 'p', script: () => ({ hold: true }) });
    const pbx = createAriAdapter({ name: 'fake', url: `http://127.0.0.1:${fake.port}`, username: 'u', password: 'p', app: 'a' },
      { clock: realScheduler, logger: silentLogger(), reconnect: { baseMs: 10, maxMs: 50 } });
    try {
      const rec = new Recorder(pbx);
      await pbx.start();
      await rec.waitFor((e) => e.type === 'status' && e.status === 'up', 'up');
      const req = dialRequest('PJSIP/x');
      await pbx.originate(req);
      await rec.waitFor((e) => e.type === 'progress', 'progress');
      fake.hangupRefusal = 500;
      await expect(pbx.hangup(req.dialId)).rejects.toMatchObject({ code: 'DIALERD_ERR_HANGUP_FAILED' });
      fake.farEndHangup(req.dialId);
      const end = await rec.waitFor((e) => e.type === 'ended', 'ended');
      expect(end).toMatchObject({ dialId: req.dialId, facts: { soft: false } });
    } finally {
      await pbx.stop();
      await fake.close();
    }
  });
});
